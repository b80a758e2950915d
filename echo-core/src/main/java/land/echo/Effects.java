package land.echo;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import land.echo.time.Clock;

/**
 * The constructors of {@link ActionEffect} with the domain error type {@code E} fixed once, so that
 * chains infer every other type and need no type witnesses.
 *
 * <p>A static constructor such as {@code ActionEffect.compute(body)} can only infer {@code E} from
 * a target type; at the start of a chain ({@code compute(...).map(...)}) there is none, and Java
 * infers {@code Object}. An {@code Effects<E>} carries {@code E} in its own type instead: keep one
 * per error type, typically in a constant, and start chains from it. Every method infers {@code T}
 * (and {@code C}, from the class literal) from its arguments.
 *
 * <pre>{@code
 * static final Effects<CommonError> IO = Effects.failingWith(CommonError.class);
 *
 * ActionEffect<CommonError, Long> lineCount =
 *     IO.blocking(FileSystemReader.class, (fs, token) -> fs.read(path))
 *         .catching(IOException.class, e -> CommonError.fromIOException(e, path.toString(), "read"))
 *         .map(bytes -> new String(bytes, StandardCharsets.UTF_8).lines().count())
 *         .named("file.lines");
 *
 * ActionEffect<CommonError, List<Integer>> squares =
 *     IO.all(List.of(1, 2, 3).stream().map(n -> IO.compute(token -> n * n)).toList());
 * }</pre>
 *
 * <p>Immutable and thread-safe. Each method returns exactly what the static constructor of the
 * same name on {@link ActionEffect} returns; see there for the semantics.
 *
 * @param <E> the domain error type of every effect this instance builds
 */
public final class Effects<E> {
  private final Class<E> errorType;

  private Effects(Class<E> errorType) {
    this.errorType = errorType;
  }

  /**
   * Returns the constructors for effects whose domain error is an {@code errorType}. The class only
   * names and checks the type: {@link #fail} rejects an error that is not an instance of it.
   *
   * @throws NullPointerException if {@code errorType} is null
   * @throws IllegalArgumentException if {@code errorType} is a primitive type (no error can be one)
   */
  public static <E> Effects<E> failingWith(Class<E> errorType) {
    Objects.requireNonNull(errorType, "errorType");
    if (errorType.isPrimitive()) {
      throw new IllegalArgumentException("errorType must be a reference type, was " + errorType);
    }
    return new Effects<>(errorType);
  }

  /** Returns the domain error type this instance was created for. */
  public Class<E> errorType() {
    return errorType;
  }

  /** Returns an effect that succeeds with {@code value} (which may be null). */
  public <T> ActionEffect<E, T> succeed(T value) {
    return ActionEffect.succeed(value);
  }

  /**
   * Returns an effect that fails with the domain error {@code error}.
   *
   * @throws NullPointerException if {@code error} is null
   * @throws ClassCastException if {@code error} is not an instance of {@link #errorType()} (possible
   *     only through unchecked or raw code)
   */
  public <T> ActionEffect<E, T> fail(E error) {
    return ActionEffect.fail(errorType.cast(Objects.requireNonNull(error, "error")));
  }

  /** Returns an effect that runs the CPU-bound {@code body} on a scheduler worker. */
  public <T> ActionEffect<E, T> compute(TokenBody<T> body) {
    return ActionEffect.compute(body);
  }

  /** Returns an effect that runs the CPU-bound {@code body} on a worker, with the {@code capability}. */
  public <T, C> ActionEffect<E, T> compute(Class<C> capability, Body<C, T> body) {
    return ActionEffect.compute(capability, body);
  }

  /** Returns an effect that runs the blocking {@code body} on a virtual thread, never on a worker. */
  public <T> ActionEffect<E, T> blocking(TokenBody<T> body) {
    return ActionEffect.blocking(body);
  }

  /** Returns an effect that runs the blocking {@code body} on a virtual thread, with the {@code capability}. */
  public <T, C> ActionEffect<E, T> blocking(Class<C> capability, Body<C, T> body) {
    return ActionEffect.blocking(capability, body);
  }

  /** Returns an effect that starts asynchronous work with {@code body} and completes with its stage. */
  public <T> ActionEffect<E, T> async(AsyncTokenBody<T> body) {
    return ActionEffect.async(body);
  }

  /**
   * Returns an effect that starts asynchronous work with {@code body}; {@code mode} says whether
   * cancelling the effect cancels the stage.
   */
  public <T> ActionEffect<E, T> async(AsyncTokenBody<T> body, AsyncCancelMode mode) {
    return ActionEffect.async(body, mode);
  }

  /** Returns an effect that starts asynchronous work with {@code body} and the {@code capability}. */
  public <T, C> ActionEffect<E, T> async(Class<C> capability, AsyncBody<C, T> body) {
    return ActionEffect.async(capability, body);
  }

  /**
   * Returns an effect that starts asynchronous work with {@code body} and the {@code capability};
   * {@code mode} says whether cancelling the effect cancels the stage.
   */
  public <T, C> ActionEffect<E, T> async(Class<C> capability, AsyncBody<C, T> body, AsyncCancelMode mode) {
    return ActionEffect.async(capability, body, mode);
  }

  /** Returns an effect that builds its effect lazily, each time it runs (recursion). */
  public <T> ActionEffect<E, T> suspend(Supplier<? extends ActionEffect<? extends E, ? extends T>> supplier) {
    return ActionEffect.suspend(supplier);
  }

  /**
   * Returns an effect that succeeds with null after {@code duration} on the runtime's timer.
   *
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public ActionEffect<E, Void> sleep(Duration duration) {
    return ActionEffect.sleep(duration);
  }

  /**
   * Returns an effect that runs {@code effects} in parallel and succeeds with their values in order;
   * the first failure or fault cancels the siblings.
   *
   * @throws IllegalArgumentException if {@code effects} is empty
   */
  public <T> ActionEffect<E, List<T>> all(List<? extends ActionEffect<? extends E, ? extends T>> effects) {
    return ActionEffect.all(effects);
  }

  /**
   * Returns an effect that runs {@code effects} in parallel; the first to finish decides the
   * outcome and the losers are cancelled.
   *
   * @throws IllegalArgumentException if {@code effects} is empty
   */
  public <T> ActionEffect<E, T> race(List<? extends ActionEffect<? extends E, ? extends T>> effects) {
    return ActionEffect.race(effects);
  }

  /** Returns the race of {@code a} and {@code b}; see {@link #race(List)}. */
  public <T> ActionEffect<E, T> race(
      ActionEffect<? extends E, ? extends T> a, ActionEffect<? extends E, ? extends T> b) {
    return ActionEffect.race(a, b);
  }

  /**
   * Returns an effect that runs {@code effects} in parallel and succeeds with the first value; if
   * none succeeds, the last one to finish decides.
   *
   * @throws IllegalArgumentException if {@code effects} is empty
   */
  public <T> ActionEffect<E, T> firstSuccess(List<? extends ActionEffect<? extends E, ? extends T>> effects) {
    return ActionEffect.firstSuccess(effects);
  }

  /** Returns an effect that ends with {@code outcome}. */
  public <T> ActionEffect<E, T> fromOutcome(Outcome<? extends E, ? extends T> outcome) {
    return ActionEffect.fromOutcome(outcome);
  }

  /** Returns an effect that succeeds with the runtime's {@link Clock} (virtual in tests). */
  public ActionEffect<E, Clock> clock() {
    return ActionEffect.clock();
  }

  /** Returns an effect that never completes unless it is cancelled. */
  public <T> ActionEffect<E, T> never() {
    return ActionEffect.never();
  }

  /**
   * Returns an effect that acquires a resource, uses it and releases it exactly once if it was
   * acquired, also on cancellation; the acquisition is shielded from cancellation.
   */
  public <R, T> ActionEffect<E, T> acquireRelease(
      ActionEffect<? extends E, ? extends R> acquire,
      Function<? super R, ? extends ActionEffect<? extends E, ? extends T>> use,
      BiConsumer<? super R, ? super Outcome<E, T>> release) {
    return ActionEffect.acquireRelease(acquire, use, release);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Effects<?> other && other.errorType == errorType;
  }

  @Override
  public int hashCode() {
    return errorType.hashCode();
  }

  @Override
  public String toString() {
    return "Effects[failingWith=" + errorType.getName() + "]";
  }
}
