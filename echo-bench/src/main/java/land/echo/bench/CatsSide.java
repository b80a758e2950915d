package land.echo.bench;

import cats.effect.IO;
import cats.effect.unsafe.IORuntime;

/**
 * Calls into Cats Effect 3 from Java: the global {@link IORuntime} and running a program on it.
 * Not instantiable; thread-safe.
 */
final class CatsSide {

  /** {@code IORuntime.global()}: a work-stealing compute pool with one thread per processor. */
  static final IORuntime RUNTIME = IORuntime.global();

  private CatsSide() {}

  /**
   * Runs {@code io} on the global runtime, blocking the caller until it completes.
   *
   * @param io the program to run
   * @param <A> the value type
   * @return the program's value
   */
  static <A> A run(IO<A> io) {
    return io.unsafeRunSync(RUNTIME);
  }
}
