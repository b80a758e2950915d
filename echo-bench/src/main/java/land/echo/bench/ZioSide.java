package land.echo.bench;

import zio.Exit;
import zio.ZIO;

/**
 * Calls into ZIO 2 from Java: the implicit {@code Trace} and {@code Unsafe} arguments, and the
 * default runtime. Not instantiable; thread-safe.
 *
 * <p>{@code zio.Runtime.default} cannot be called from Java source ({@code default} is a keyword),
 * so it is looked up once by reflection.
 */
final class ZioSide {

  /** The capability token ZIO's unsafe APIs require. */
  static final zio.Unsafe UNSAFE = zio.Unsafe$.MODULE$.unsafe();

  /** The empty execution trace, passed where Scala would summon an implicit {@code Trace}. */
  static final Object TRACE = zio.Trace$.MODULE$.empty();

  /** {@code zio.Runtime.default}: ZIO's default executor, blocking pool and services. */
  static final zio.Runtime<Object> RUNTIME = defaultRuntime();

  private ZioSide() {}

  /**
   * Runs {@code effect} on the default runtime, blocking the caller until it completes.
   *
   * @param effect the effect to run
   * @param <E> the error type
   * @param <A> the value type
   * @return the effect's value
   * @throws RuntimeException ({@code FiberFailure}) when the effect fails
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <E, A> A run(ZIO<Object, E, A> effect) {
    zio.Runtime.UnsafeAPI api = RUNTIME.unsafe();
    Exit<E, A> exit = (Exit<E, A>) api.run(effect, TRACE, UNSAFE);
    return exit.getOrThrowFiberFailure(UNSAFE);
  }

  @SuppressWarnings("unchecked")
  private static zio.Runtime<Object> defaultRuntime() {
    try {
      return (zio.Runtime<Object>) zio.Runtime.class.getMethod("default").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot obtain zio.Runtime.default", e);
    }
  }
}
