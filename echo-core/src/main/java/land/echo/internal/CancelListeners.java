package land.echo.internal;

/**
 * The cancellation actions registered on one {@link Fiber}, in registration order; thread-safe.
 *
 * <p>A doubly linked list under this object's monitor: adding, closing a registration and
 * detaching the whole list are O(1). The fiber keeps the list in its cancel state until it is
 * cancelled or finishes; either way the list is {@linkplain #detach() detached} once, after which
 * additions fail (the fiber then decides: run the action now if cancelled, or never if finished)
 * and closes are no-ops. The monitor is private to the runtime: a user may synchronize on a token,
 * never on this list.
 */
public final class CancelListeners {
  private CancelListener head;
  private CancelListener tail;
  private int size;
  private boolean detached;

  /** Appends {@code action}; returns its registration, or null if the list was already detached. */
  public synchronized CancelListener add(Runnable action) {
    if (detached) {
      return null;
    }
    CancelListener node = new CancelListener(this, action);
    node.prev = tail;
    if (tail == null) {
      head = node;
    } else {
      tail.next = node;
    }
    tail = node;
    node.linked = true;
    size++;
    return node;
  }

  /** Unlinks {@code node} if it is still registered. */
  public synchronized void remove(CancelListener node) {
    if (!node.linked) {
      return;
    }
    node.linked = false;
    if (node.prev == null) {
      head = node.next;
    } else {
      node.prev.next = node.next;
    }
    if (node.next == null) {
      tail = node.prev;
    } else {
      node.next.prev = node.prev;
    }
    node.prev = null;
    node.next = null;
    size--;
  }

  /**
   * Detaches the list once and returns its actions in registration order (empty if none); later
   * additions fail and closes are no-ops.
   */
  public synchronized Runnable[] detach() {
    detached = true;
    Runnable[] actions = new Runnable[size];
    int i = 0;
    for (CancelListener node = head; node != null; ) {
      CancelListener next = node.next;
      actions[i++] = node.action;
      node.linked = false;
      node.prev = null;
      node.next = null;
      node = next;
    }
    head = null;
    tail = null;
    size = 0;
    return actions;
  }

  /** Returns how many actions are registered (for tests). */
  public synchronized int size() {
    return size;
  }
}
