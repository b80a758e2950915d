package land.echo.time;

/**
 * A monotonic source of time in nanoseconds, injected so that tests can run on virtual time.
 *
 * <p>Implementations must be thread-safe. Values are only meaningful as differences, like
 * {@link System#nanoTime()}.
 */
@FunctionalInterface
public interface Clock {
  /**
   * Returns the current value of this monotonic clock, in nanoseconds.
   *
   * @return the clock's current reading, in nanoseconds
   */
  long nanoTime();

  /**
   * Returns the clock backed by {@link System#nanoTime()}.
   *
   * @return the system clock
   */
  static Clock system() {
    return System::nanoTime;
  }
}
