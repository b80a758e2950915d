package land.echo;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

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
   * The runtime refused the effect, e.g. because it is shutting down.
   *
   * @param reason why it was refused
   */
  record Rejected(String reason) implements Fault {
    /** Creates the fault; {@code reason} must not be null. */
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String message() {
      return "Effect rejected: " + reason;
    }
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
