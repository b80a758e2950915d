package land.echo.resilience;

/**
 * A listener registration on a policy; closing it removes the listener. Thread-safe and
 * idempotent.
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
  /** Removes the listener; calling it again has no effect. */
  @Override
  void close();
}
