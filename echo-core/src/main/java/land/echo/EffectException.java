package land.echo;

import java.util.Objects;

/**
 * An unchecked exception carrying the {@link Outcome} of an effect that did not succeed, thrown by
 * {@link Outcome#getOrThrow()}.
 *
 * <p>Immutable and thread-safe. When the outcome is a {@link Fault.Panic} fault, the
 * panic's throwable is this exception's cause.
 */
public final class EffectException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * The failed or faulted outcome; serialized, so the value or error it carries must be
   * serializable for the exception to be.
   */
  private final Outcome<?, ?> outcome;

  /**
   * Creates an exception describing {@code outcome}, which must not be a success.
   *
   * @param outcome the failed or faulted outcome
   * @throws IllegalArgumentException if {@code outcome} is a {@link Outcome.Success}
   */
  public EffectException(Outcome<?, ?> outcome) {
    super(describe(outcome), causeOf(outcome));
    this.outcome = outcome;
  }

  /**
   * Returns the failed or faulted outcome this exception carries.
   *
   * @return the outcome, never a success
   */
  public Outcome<?, ?> outcome() {
    return outcome;
  }

  private static String describe(Outcome<?, ?> outcome) {
    Objects.requireNonNull(outcome, "outcome");
    return switch (outcome) {
      case Outcome.Success<?, ?> s ->
          throw new IllegalArgumentException("an EffectException needs a failure or a fault, not " + s);
      case Outcome.Failure<?, ?> f -> "Effect failed: " + f.error();
      case Outcome.Faulted<?, ?> f -> "Effect faulted: " + f.fault().message();
    };
  }

  private static Throwable causeOf(Outcome<?, ?> outcome) {
    return outcome instanceof Outcome.Faulted<?, ?>(Fault.Panic(Throwable cause)) ? cause : null;
  }
}
