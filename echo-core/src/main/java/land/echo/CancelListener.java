package land.echo;

/**
 * A registered cancellation action of a {@link Fiber}: a node of the Treiber stack kept in the
 * fiber's cancel state, withdrawn lazily by {@link #close()}. Thread-safe.
 */
final class CancelListener implements CancellationToken.Registration {
  final Runnable action;
  /** The registered node this one copies (itself, or the original of a reversed copy). */
  final CancelListener original;
  CancelListener next;
  volatile boolean closed;

  CancelListener(Runnable action) {
    this.action = action;
    this.original = this;
  }

  CancelListener(CancelListener original, CancelListener next) {
    this.action = original.action;
    this.original = original;
    this.next = next;
  }

  @Override
  public void close() {
    closed = true;
  }
}
