package land.echo;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A failure of the runtime itself, as opposed to an effect's own domain error: the effect timed
 * out, was cancelled or rejected, panicked, or needed a capability the environment lacks; or the
 * runtime's shutdown hooks failed.
 *
 * <p>A fault only ever appears as {@link Outcome.Faulted}, never as a domain {@link
 * Outcome.Failure}, so a caller can tell "the runtime stopped my effect" from "my effect reported an
 * error" by the outcome's variant alone. The family is sealed so that callers can switch
 * exhaustively. Every variant is a plain immutable record (thread-safe, {@link Serializable} when
 * its components are) whose {@link #message()} reproduces the original system's display text.
 */
public sealed interface Fault extends Serializable {

  /**
   * Returns the human-readable description of this fault.
   *
   * @return the fault's display text
   */
  String message();

  /**
   * The effect did not finish within its time budget and was cancelled.
   *
   * @param after the budget that elapsed
   */
  record TimedOut(Duration after) implements Fault {
    /** Creates the fault; {@code after} must not be null. */
    public TimedOut {
      Objects.requireNonNull(after, "after");
    }

    @Override
    public String message() {
      return "Effect execution timed out after " + after;
    }
  }

  /**
   * The effect was cancelled before it completed.
   *
   * @param reason why it was cancelled
   */
  record Cancelled(String reason) implements Fault {
    /** Creates the fault; {@code reason} must not be null. */
    public Cancelled {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String message() {
      return "Effect execution cancelled: " + reason;
    }
  }

  /**
   * The runtime or a policy refused the effect, which did not run: the runtime is shutting down, a
   * circuit breaker is open, a rate limit or a bulkhead is full.
   *
   * <p>A policy's refusal carries a typed {@link Rejection} detail (the resilience module's {@code
   * CircuitOpen}, {@code RateLimited}, {@code BulkheadFull}), so a caller can switch on it:
   *
   * <pre>{@code
   * case Outcome.Faulted<E, T>(Fault.Rejected(var reason, CircuitOpen open)) -> retryIn(open.retryAfter());
   * }</pre>
   *
   * @param reason why it was refused
   * @param rejection the typed detail of a policy's refusal, or null for the runtime's own
   *     refusals (shutdown)
   */
  record Rejected(String reason, Rejection rejection) implements Fault {
    /** Creates the fault; {@code reason} must not be null, {@code rejection} may be. */
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }

    /**
     * Creates the runtime's own rejection, which carries no typed detail.
     *
     * @param reason why it was refused
     */
    public Rejected(String reason) {
      this(reason, null);
    }

    /**
     * Returns the fault for a policy's {@code rejection}, its reason being the rejection's message.
     *
     * @param rejection the policy's refusal
     * @return a {@code Rejected} carrying {@code rejection}
     * @throws NullPointerException if {@code rejection} is null
     */
    public static Rejected by(Rejection rejection) {
      return new Rejected(Objects.requireNonNull(rejection, "rejection").message(), rejection);
    }

    /**
     * Returns the typed detail of a policy's refusal, or empty for the runtime's own.
     *
     * @return the rejection detail, or empty
     */
    public Optional<Rejection> detail() {
      return Optional.ofNullable(rejection);
    }

    @Override
    public String message() {
      return "Effect rejected: " + reason;
    }
  }

  /**
   * The typed detail of a {@link Rejected} fault raised by a policy (a circuit breaker, a rate
   * limit, a bulkhead): which policy refused, and when trying again may succeed. Open so that
   * policy modules define their own records; {@link Fault} itself stays sealed, so a switch over
   * faults stays exhaustive. Implementations are immutable values.
   */
  interface Rejection extends Serializable {
    /**
     * Returns the name of the policy that refused the effect.
     *
     * @return the policy's name
     */
    String policyName();

    /**
     * Returns how long from the refusal until trying again may be admitted, or empty if unknown.
     *
     * @return the retry-after hint, or empty
     */
    Optional<Duration> retryAfter();

    /**
     * Returns the human-readable description of the refusal.
     *
     * @return the refusal's display text
     */
    String message();
  }

  /**
   * A body or a user function threw an exception that nothing converted to a domain error.
   *
   * @param cause the captured throwable
   */
  record Panic(Throwable cause) implements Fault {
    /** Creates the fault; {@code cause} must not be null. */
    public Panic {
      Objects.requireNonNull(cause, "cause");
    }

    @Override
    public String message() {
      return "Effect panicked: " + cause;
    }
  }

  /**
   * The effect needs a capability that the environment does not provide.
   *
   * @param capabilityType the binary name of the missing type
   */
  record CapabilityMissing(String capabilityType) implements Fault {
    /** Creates the fault; {@code capabilityType} must not be null. */
    public CapabilityMissing {
      Objects.requireNonNull(capabilityType, "capabilityType");
    }

    @Override
    public String message() {
      return "No capability registered in the environment for " + capabilityType;
    }
  }

  /**
   * One or more shutdown hooks failed or timed out.
   *
   * @param failures one description per failed hook, in registration order
   */
  record ShutdownFailed(List<String> failures) implements Fault {
    /** Creates the fault, copying {@code failures}. */
    public ShutdownFailed {
      failures = List.copyOf(failures);
    }

    @Override
    public String message() {
      return "Shutdown completed with " + failures.size() + " errors: " + failures;
    }
  }
}
