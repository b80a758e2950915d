package land.echo.bench;

/**
 * Busy work of a fixed duration, measured on {@link System#nanoTime()}: it keeps a worker busy
 * without blocking, the way CPU-bound tasks do. Not instantiable; thread-safe.
 */
final class Spin {

  private Spin() {}

  /**
   * Spins on the calling thread for {@code nanos} nanoseconds.
   *
   * @param nanos how long to stay busy
   */
  static void busy(long nanos) {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() - end < 0) {
      Thread.onSpinWait();
    }
  }
}
