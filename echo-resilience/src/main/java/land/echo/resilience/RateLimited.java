package land.echo.resilience;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import land.echo.Fault;

/**
 * The refusal of a rate limit configured to fail at once; the call did not run. Carried by {@link
 * Fault.Rejected}. Immutable and thread-safe.
 *
 * @param policyName the rate limit's name
 * @param waitFor how long until the bucket holds a token for this call
 */
public record RateLimited(String policyName, Duration waitFor) implements Fault.Rejection {
  private static final long serialVersionUID = 1L;

  /** Creates the refusal; no argument may be null. */
  public RateLimited {
    Objects.requireNonNull(policyName, "policyName");
    Objects.requireNonNull(waitFor, "waitFor");
  }

  @Override
  public Optional<Duration> retryAfter() {
    return Optional.of(waitFor);
  }

  @Override
  public String message() {
    return "rate limit '" + policyName + "' exceeded; retry after " + waitFor;
  }
}
