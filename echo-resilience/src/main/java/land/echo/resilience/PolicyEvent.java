package land.echo.resilience;

import java.time.Duration;
import java.util.Objects;
import land.echo.Fault;
import land.echo.Priority;

/**
 * Something a policy did that others may want to know: a breaker changed state, a call was
 * rejected, a bulkhead's adaptive limit moved, a timeout adapted, a hedge started, a fallback ran.
 * Subscribe with a policy's {@code onEvent}; the family is sealed so that a listener can switch
 * exhaustively. Events are immutable values (thread-safe).
 */
public sealed interface PolicyEvent {

  /**
   * Returns the name of the policy that published this event.
   *
   * @return the policy's name
   */
  String policyName();

  /**
   * A circuit breaker moved from one state to another.
   *
   * @param policyName the breaker's name
   * @param from the state it left
   * @param to the state it entered
   */
  record CircuitStateChanged(String policyName, CircuitBreaker.State from, CircuitBreaker.State to)
      implements PolicyEvent {
    /** Creates the event; no argument may be null. */
    public CircuitStateChanged {
      Objects.requireNonNull(policyName, "policyName");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /**
   * A policy refused a call, which did not run (circuit open, rate limited, bulkhead full or shed).
   *
   * @param policyName the policy's name
   * @param rejection the typed refusal, the same one the call's {@link Fault.Rejected} carries
   */
  record CallRejected(String policyName, Fault.Rejection rejection) implements PolicyEvent {
    /** Creates the event; no argument may be null. */
    public CallRejected {
      Objects.requireNonNull(policyName, "policyName");
      Objects.requireNonNull(rejection, "rejection");
    }
  }

  /**
   * A call waited for a permit (a rate-limit token or a bulkhead slot) and got it.
   *
   * @param policyName the policy's name
   * @param priority the waiting call's priority
   * @param waited how long it waited, on the policy's clock
   */
  record PermitWaited(String policyName, Priority priority, Duration waited) implements PolicyEvent {
    /** Creates the event; no argument may be null. */
    public PermitWaited {
      Objects.requireNonNull(policyName, "policyName");
      Objects.requireNonNull(priority, "priority");
      Objects.requireNonNull(waited, "waited");
    }
  }

  /**
   * An adaptive bulkhead moved its concurrency limit.
   *
   * @param policyName the bulkhead's name
   * @param from the previous limit
   * @param to the new limit
   */
  record LimitChanged(String policyName, int from, int to) implements PolicyEvent {
    /** Creates the event; {@code policyName} must not be null. */
    public LimitChanged {
      Objects.requireNonNull(policyName, "policyName");
    }
  }

  /**
   * An adaptive timeout changed the budget it gives an effect name.
   *
   * @param policyName the adaptive timeout's name
   * @param effectName the effect name whose budget changed
   * @param from the previous budget
   * @param to the new budget
   */
  record TimeoutAdapted(String policyName, String effectName, Duration from, Duration to) implements PolicyEvent {
    /** Creates the event; no argument may be null. */
    public TimeoutAdapted {
      Objects.requireNonNull(policyName, "policyName");
      Objects.requireNonNull(effectName, "effectName");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /**
   * A hedge started a backup attempt because the first had not finished within its delay.
   *
   * @param policyName the hedge's name
   * @param effectName the hedged effect's name
   * @param delay the delay after which the backup started
   */
  record HedgeStarted(String policyName, String effectName, Duration delay) implements PolicyEvent {
    /** Creates the event; no argument may be null. */
    public HedgeStarted {
      Objects.requireNonNull(policyName, "policyName");
      Objects.requireNonNull(effectName, "effectName");
      Objects.requireNonNull(delay, "delay");
    }
  }

  /**
   * A fallback replaced a failed effect's outcome.
   *
   * @param policyName the fallback's name
   * @param effectName the failed effect's name
   * @param failure the outcome that triggered the fallback, as text
   */
  record FallbackApplied(String policyName, String effectName, String failure) implements PolicyEvent {
    /** Creates the event; no argument may be null. */
    public FallbackApplied {
      Objects.requireNonNull(policyName, "policyName");
      Objects.requireNonNull(effectName, "effectName");
      Objects.requireNonNull(failure, "failure");
    }
  }
}
