package land.echo;

import java.io.Serializable;
import java.util.Objects;

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
   * @param value the value the effect produced
   */
  record Success<E, T>(T value) implements Outcome<E, T> {}

  /**
   * The effect failed with its own domain error, passed through unchanged by the runtime.
   *
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
   * @param fault what went wrong, never null
   */
  record Faulted<E, T>(Fault fault) implements Outcome<E, T> {
    /** Creates a faulted outcome; {@code fault} must not be null. */
    public Faulted {
      Objects.requireNonNull(fault, "fault");
    }
  }

  /** Returns a successful outcome carrying {@code value}. */
  static <E, T> Outcome<E, T> success(T value) {
    return new Success<>(value);
  }

  /** Returns a domain failure carrying {@code error}. */
  static <E, T> Outcome<E, T> failure(E error) {
    return new Failure<>(error);
  }

  /** Returns a faulted outcome carrying the runtime's {@code fault}. */
  static <E, T> Outcome<E, T> faulted(Fault fault) {
    return new Faulted<>(fault);
  }

  /** Returns true if this outcome is a {@link Success}. */
  default boolean isSuccess() {
    return this instanceof Success;
  }

  /**
   * Returns the value of a {@link Success}.
   *
   * @throws EffectException carrying this outcome if it is a failure or a fault
   */
  default T getOrThrow() {
    if (this instanceof Success<E, T> success) {
      return success.value();
    }
    throw new EffectException(this);
  }
}
