package land.echo;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import land.echo.time.Clock;
import land.echo.time.Timer;

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
   * @param <E> the domain error type
   * @param errorType the class of the domain errors
   * @return the constructors for effects failing with an {@code errorType}
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

  /**
   * Returns the domain error type this instance was created for.
   *
   * @return the class passed to {@link #failingWith}
   */
  public Class<E> errorType() {
    return errorType;
  }

  /**
   * Returns an effect that succeeds with {@code value} (which may be null).
   *
   * @param <T> the success type
   * @param value the value to succeed with; may be null
   * @return an effect that always succeeds with {@code value}
   */
  public <T> ActionEffect<E, T> succeed(T value) {
    return ActionEffect.succeed(value);
  }

  /**
   * Returns an effect that fails with the domain error {@code error}.
   *
   * @param <T> the success type
   * @param error the domain error to fail with
   * @return an effect that always ends with {@code Failure(error)}
   * @throws NullPointerException if {@code error} is null
   * @throws ClassCastException if {@code error} is not an instance of {@link #errorType()} (possible
   *     only through unchecked or raw code)
   */
  public <T> ActionEffect<E, T> fail(E error) {
    return ActionEffect.fail(errorType.cast(Objects.requireNonNull(error, "error")));
  }

  /**
   * Returns an effect that runs the CPU-bound {@code body} on a scheduler worker.
   *
   * @param <T> the success type
   * @param body the CPU-bound work, given the effect's cancellation token
   * @return an effect that succeeds with the body's result
   */
  public <T> ActionEffect<E, T> compute(TokenBody<T> body) {
    return ActionEffect.compute(body);
  }

  /**
   * Returns an effect that runs the CPU-bound {@code body} on a worker, with the {@code
   * capability}.
   *
   * @param <T> the success type
   * @param <C> the capability type
   * @param capability the capability's class; the runtime's environment must provide it
   * @param body the CPU-bound work, given the capability and the effect's cancellation token
   * @return an effect that succeeds with the body's result
   */
  public <T, C> ActionEffect<E, T> compute(Class<C> capability, Body<C, T> body) {
    return ActionEffect.compute(capability, body);
  }

  /**
   * Returns an effect that runs the blocking {@code body} on a virtual thread, never on a worker.
   *
   * @param <T> the success type
   * @param body the blocking work, given the effect's cancellation token
   * @return an effect that succeeds with the body's result
   */
  public <T> ActionEffect<E, T> blocking(TokenBody<T> body) {
    return ActionEffect.blocking(body);
  }

  /**
   * Returns an effect that runs the blocking {@code body} on a virtual thread, with the {@code
   * capability}.
   *
   * @param <T> the success type
   * @param <C> the capability type
   * @param capability the capability's class; the runtime's environment must provide it
   * @param body the blocking work, given the capability and the effect's cancellation token
   * @return an effect that succeeds with the body's result
   */
  public <T, C> ActionEffect<E, T> blocking(Class<C> capability, Body<C, T> body) {
    return ActionEffect.blocking(capability, body);
  }

  /**
   * Returns an effect that starts asynchronous work with {@code body} and completes with its stage.
   *
   * @param <T> the success type
   * @param body starts the work, given the effect's cancellation token, and returns its stage
   * @return an effect that completes as the body's stage does
   */
  public <T> ActionEffect<E, T> async(AsyncTokenBody<T> body) {
    return ActionEffect.async(body);
  }

  /**
   * Returns an effect that starts asynchronous work with {@code body}; {@code mode} says whether
   * cancelling the effect cancels the stage.
   *
   * @param <T> the success type
   * @param body starts the work, given the effect's cancellation token, and returns its stage
   * @param mode whether cancelling the effect cancels the stage's future
   * @return an effect that completes as the body's stage does
   */
  public <T> ActionEffect<E, T> async(AsyncTokenBody<T> body, AsyncCancelMode mode) {
    return ActionEffect.async(body, mode);
  }

  /**
   * Returns an effect that starts asynchronous work with {@code body} and the {@code capability}.
   *
   * @param <T> the success type
   * @param <C> the capability type
   * @param capability the capability's class; the runtime's environment must provide it
   * @param body starts the work, given the capability and the effect's cancellation token, and
   *     returns its stage
   * @return an effect that completes as the body's stage does
   */
  public <T, C> ActionEffect<E, T> async(Class<C> capability, AsyncBody<C, T> body) {
    return ActionEffect.async(capability, body);
  }

  /**
   * Returns an effect that starts asynchronous work with {@code body} and the {@code capability};
   * {@code mode} says whether cancelling the effect cancels the stage.
   *
   * @param <T> the success type
   * @param <C> the capability type
   * @param capability the capability's class; the runtime's environment must provide it
   * @param body starts the work, given the capability and the effect's cancellation token, and
   *     returns its stage
   * @param mode whether cancelling the effect cancels the stage's future
   * @return an effect that completes as the body's stage does
   */
  public <T, C> ActionEffect<E, T> async(Class<C> capability, AsyncBody<C, T> body, AsyncCancelMode mode) {
    return ActionEffect.async(capability, body, mode);
  }

  /**
   * Returns an effect that builds its effect lazily, each time it runs (recursion).
   *
   * @param <T> the success type
   * @param supplier builds the effect to run; called on every run
   * @return an effect that runs what {@code supplier} builds
   */
  public <T> ActionEffect<E, T> suspend(Supplier<? extends ActionEffect<? extends E, ? extends T>> supplier) {
    return ActionEffect.suspend(supplier);
  }

  /**
   * Returns an effect that succeeds with null after {@code duration} on the runtime's timer.
   *
   * @param duration how long to wait
   * @return an effect that succeeds with null once {@code duration} has passed
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public ActionEffect<E, Void> sleep(Duration duration) {
    return ActionEffect.sleep(duration);
  }

  /**
   * Returns an effect that runs {@code effects} in parallel and succeeds with their values in order;
   * the first failure or fault cancels the siblings. With no effects it succeeds with an empty list.
   *
   * @param <T> the success type of each effect
   * @param effects the effects to run; copied, none may be null
   * @return an effect that succeeds with the list of values, in the order of {@code effects}
   */
  public <T> ActionEffect<E, List<T>> all(List<? extends ActionEffect<? extends E, ? extends T>> effects) {
    return ActionEffect.all(effects);
  }

  /**
   * Returns an effect that runs {@code effects} in parallel; the first to finish decides the
   * outcome and the losers are cancelled.
   *
   * @param <T> the success type
   * @param effects the effects to race; copied, none may be null
   * @return an effect that ends with the outcome of the first effect to finish
   * @throws IllegalArgumentException if {@code effects} is empty
   */
  public <T> ActionEffect<E, T> race(List<? extends ActionEffect<? extends E, ? extends T>> effects) {
    return ActionEffect.race(effects);
  }

  /**
   * Returns the race of {@code a} and {@code b}; see {@link #race(List)}.
   *
   * @param <T> the success type
   * @param a the first effect to race
   * @param b the second effect to race
   * @return an effect that ends with the outcome of whichever of {@code a} and {@code b} finishes
   *     first
   */
  public <T> ActionEffect<E, T> race(
      ActionEffect<? extends E, ? extends T> a, ActionEffect<? extends E, ? extends T> b) {
    return ActionEffect.race(a, b);
  }

  /**
   * Returns an effect that runs {@code effects} in parallel and succeeds with the first value; if
   * none succeeds, the last one to finish decides.
   *
   * @param <T> the success type
   * @param effects the effects to run; copied, none may be null
   * @return an effect that succeeds with the first value produced, or else ends with the outcome of
   *     the last effect to finish
   * @throws IllegalArgumentException if {@code effects} is empty
   */
  public <T> ActionEffect<E, T> firstSuccess(List<? extends ActionEffect<? extends E, ? extends T>> effects) {
    return ActionEffect.firstSuccess(effects);
  }

  /**
   * Returns an effect that ends with {@code outcome}.
   *
   * @param <T> the success type
   * @param outcome the outcome to end with
   * @return an effect that succeeds with its value, fails with its error or ends with its fault
   */
  public <T> ActionEffect<E, T> fromOutcome(Outcome<? extends E, ? extends T> outcome) {
    return ActionEffect.fromOutcome(outcome);
  }

  /**
   * Returns an effect that succeeds with the runtime's {@link Clock} (virtual in tests).
   *
   * @return an effect that succeeds with the runtime's clock
   */
  public ActionEffect<E, Clock> clock() {
    return ActionEffect.clock();
  }

  /**
   * Returns an effect that succeeds with the runtime's {@link Timer} (virtual in tests); see
   * {@link ActionEffect#timer()}.
   *
   * @return an effect that succeeds with the runtime's timer
   */
  public ActionEffect<E, Timer> timer() {
    return ActionEffect.timer();
  }

  /**
   * Returns an effect that succeeds with the {@link Priority} the running effect runs at; see
   * {@link ActionEffect#priority()}.
   *
   * @return an effect that succeeds with the running effect's priority
   */
  public ActionEffect<E, Priority> priority() {
    return ActionEffect.priority();
  }

  /**
   * Returns an effect that never completes unless it is cancelled.
   *
   * @param <T> the success type
   * @return an effect that ends only by cancellation
   */
  public <T> ActionEffect<E, T> never() {
    return ActionEffect.never();
  }

  /**
   * Returns an effect that acquires a resource, uses it and releases it exactly once if it was
   * acquired, also on cancellation; the acquisition is shielded from cancellation.
   *
   * @param <R> the resource type
   * @param <T> the success type of the use
   * @param acquire acquires the resource; its failure or fault is the outcome, and nothing is
   *     released
   * @param use builds the effect that uses the resource
   * @param release releases the resource, given the use's outcome
   * @return an effect that ends with the use's outcome, or the acquisition's if it did not succeed
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
