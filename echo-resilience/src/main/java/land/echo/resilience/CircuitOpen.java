package land.echo.resilience;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import land.echo.Fault;

/**
 * The refusal of an open (or forced-open) circuit breaker; the call did not run. Carried by {@link
 * Fault.Rejected}. Immutable and thread-safe.
 *
 * @param policyName the breaker's name
 * @param state the breaker's state at the refusal ({@code OPEN}, {@code FORCED_OPEN} or a
 *     {@code HALF_OPEN} with no permit left)
 * @param waitRemaining how long until the breaker lets trial calls through again, or null when
 *     that is not time-bound (forced open, half-open)
 */
public record CircuitOpen(String policyName, CircuitBreaker.State state, Duration waitRemaining)
    implements Fault.Rejection {
  private static final long serialVersionUID = 1L;

  /** Creates the refusal; {@code policyName} and {@code state} must not be null. */
  public CircuitOpen {
    Objects.requireNonNull(policyName, "policyName");
    Objects.requireNonNull(state, "state");
  }

  @Override
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(waitRemaining);
  }

  @Override
  public String message() {
    return "circuit breaker '" + policyName + "' is " + state
        + (waitRemaining == null ? "" : "; calls are let through again in " + waitRemaining);
  }
}
