package land.echo.internal;

import land.echo.CancellationToken;

/**
 * A registered cancellation action of a {@link Fiber}: a node of its {@link CancelListeners} list.
 * Thread-safe.
 *
 * <p>{@link #close()} unlinks the node in O(1), so a body that opens and closes registrations in a
 * loop retains nothing and a later cancellation runs only the actions still registered.
 */
public final class CancelListener implements CancellationToken.Registration {
  /** A registration that is already closed: returned when the action ran at once or never will. */
  public static final CancellationToken.Registration CLOSED = () -> {};

  public final Runnable action;
  private final CancelListeners owner;
  // Guarded by owner.
  public CancelListener prev;
  public CancelListener next;
  public boolean linked;

  public CancelListener(CancelListeners owner, Runnable action) {
    this.owner = owner;
    this.action = action;
  }

  @Override
  public void close() {
    owner.remove(this);
  }
}
