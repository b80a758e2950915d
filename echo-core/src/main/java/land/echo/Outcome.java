package land.echo;

import java.io.Serializable;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The result of running an effect: it succeeded, failed with its own domain error, or was stopped
 * by a {@link Fault} of the runtime. The two kinds of failure never mix: a domain error only ever
 * appears in {@link Failure}, a fault only in {@link Faulted}.
 *
 * <p>Callers switch exhaustively over the three records:
 *
 * <pre>{@code
 * switch (runtime.run(effect)) {
 *   case Outcome.Success<CommonError, Integer>(var value) -> use(value);
 *   case Outcome.Failure<CommonError, Integer>(var error) -> report(error);
 *   case Outcome.Faulted<CommonError, Integer>(var fault) -> report(fault.message());
 * }
 * }</pre>
 *
 * <p>Outcomes are immutable values and thread-safe when their components are. They are {@link
 * Serializable} when the value or error they carry is.
 *
 * @param <E> the effect's domain error type
 * @param <T> the effect's success type
 */
public sealed interface Outcome<E, T> extends Serializable
    permits Outcome.Success, Outcome.Failure, Outcome.Faulted {

  /**
   * The effect succeeded with {@code value} (which may be null, e.g. for {@code Void} effects).
   *
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @param value the value the effect produced
   */
  record Success<E, T>(T value) implements Outcome<E, T> {}

  /**
   * The effect failed with its own domain error, passed through unchanged by the runtime.
   *
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @param error the effect's domain error, never null
   */
  record Failure<E, T>(E error) implements Outcome<E, T> {
    /** Creates a domain failure; {@code error} must not be null. */
    public Failure {
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * The runtime stopped the effect: it timed out, was cancelled or rejected, panicked, or needed a
   * capability the environment lacks. Never carries the effect's domain error.
   *
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @param fault what went wrong, never null
   */
  record Faulted<E, T>(Fault fault) implements Outcome<E, T> {
    /** Creates a faulted outcome; {@code fault} must not be null. */
    public Faulted {
      Objects.requireNonNull(fault, "fault");
    }
  }

  /**
   * Returns a successful outcome carrying {@code value}.
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param value the value; may be null
   * @return a {@link Success} of {@code value}
   */
  static <E, T> Outcome<E, T> success(T value) {
    return new Success<>(value);
  }

  /**
   * Returns a domain failure carrying {@code error}.
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param error the domain error; must not be null
   * @return a {@link Failure} of {@code error}
   * @throws NullPointerException if {@code error} is null
   */
  static <E, T> Outcome<E, T> failure(E error) {
    return new Failure<>(error);
  }

  /**
   * Returns a faulted outcome carrying the runtime's {@code fault}.
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param fault the fault; must not be null
   * @return a {@link Faulted} of {@code fault}
   * @throws NullPointerException if {@code fault} is null
   */
  static <E, T> Outcome<E, T> faulted(Fault fault) {
    return new Faulted<>(fault);
  }

  /**
   * Returns true if this outcome is a {@link Success}.
   *
   * @return whether this is a {@link Success}
   */
  default boolean isSuccess() {
    return this instanceof Success;
  }

  /**
   * Returns the value of a {@link Success}.
   *
   * @return the success's value, possibly null
   * @throws EffectException carrying this outcome if it is a failure or a fault
   */
  default T getOrThrow() {
    if (this instanceof Success<E, T> success) {
      return success.value();
    }
    throw new EffectException(this);
  }

  /**
   * Returns this outcome with {@code mapper} applied to its value if it is a {@link Success};
   * a {@link Failure} or {@link Faulted} is returned re-typed, with the same error or fault.
   *
   * <p>{@code mapper} runs on the calling thread, at most once; whatever it throws propagates to
   * the caller (this is a plain value transformation, not an effect: nothing turns it into a
   * {@link Fault.Panic}).
   *
   * @param mapper the function applied to a success's value; its result may be null
   * @param <U> the new success type
   * @return a success carrying {@code mapper}'s result, or this failure or fault
   */
  default <U> Outcome<E, U> map(Function<? super T, ? extends U> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return switch (this) {
      case Success<E, T>(T value) -> new Success<>(mapper.apply(value));
      case Failure<E, T>(E error) -> new Failure<>(error);
      case Faulted<E, T>(Fault fault) -> new Faulted<>(fault);
    };
  }

  /**
   * Returns this outcome with {@code mapper} applied to its domain error if it is a {@link
   * Failure}; a {@link Success} or {@link Faulted} is returned re-typed, with the same value or
   * fault. A fault is never passed to {@code mapper}: it is not a domain error.
   *
   * <p>{@code mapper} runs on the calling thread, at most once; whatever it throws propagates to
   * the caller.
   *
   * @param mapper the function applied to a failure's error; it must not return null
   * @param <E2> the new domain error type
   * @return a failure carrying {@code mapper}'s result, or this success or fault
   * @throws NullPointerException if {@code mapper} returns null
   */
  default <E2> Outcome<E2, T> mapError(Function<? super E, ? extends E2> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return switch (this) {
      case Success<E, T>(T value) -> new Success<>(value);
      case Failure<E, T>(E error) -> new Failure<>(mapper.apply(error));
      case Faulted<E, T>(Fault fault) -> new Faulted<>(fault);
    };
  }

  /**
   * Collapses this outcome into one value: applies {@code onSuccess} to a success's value, {@code
   * onFailure} to a failure's domain error or {@code onFault} to a fault, exactly one of them, on
   * the calling thread. The expression form of an exhaustive {@code switch}:
   *
   * {@snippet :
   * String text = outcome.fold(
   *     lines -> "lines: " + lines,
   *     error -> "failed: " + error.message(),
   *     fault -> "runtime fault: " + fault.message());
   * }
   *
   * @param onSuccess applied to the value of a {@link Success}
   * @param onFailure applied to the error of a {@link Failure}
   * @param onFault applied to the fault of a {@link Faulted}
   * @param <R> the result type
   * @return what the applied function returned (null if it returned null)
   */
  default <R> R fold(
      Function<? super T, ? extends R> onSuccess,
      Function<? super E, ? extends R> onFailure,
      Function<? super Fault, ? extends R> onFault) {
    Objects.requireNonNull(onSuccess, "onSuccess");
    Objects.requireNonNull(onFailure, "onFailure");
    Objects.requireNonNull(onFault, "onFault");
    return switch (this) {
      case Success<E, T>(T value) -> onSuccess.apply(value);
      case Failure<E, T>(E error) -> onFailure.apply(error);
      case Faulted<E, T>(Fault fault) -> onFault.apply(fault);
    };
  }

  /**
   * Returns the value of a {@link Success} (even a null one), or {@code fallback} for a failure or
   * a fault.
   *
   * @param fallback the value to return when this outcome is not a success; may be null
   * @return the success's value, possibly null, or {@code fallback}
   */
  default T getOrElse(T fallback) {
    return this instanceof Success<E, T>(T value) ? value : fallback;
  }

  /**
   * Returns the value of a {@link Success} as an {@link Optional}; empty for a failure, a fault,
   * and also for a success whose value is null (e.g. a {@code Void} effect), since an {@code
   * Optional} cannot hold null. Use {@link #isSuccess()} to tell those apart.
   *
   * @return the success's value if it is non-null, else empty
   */
  default Optional<T> toOptional() {
    return this instanceof Success<E, T>(T value) ? Optional.ofNullable(value) : Optional.empty();
  }
}
