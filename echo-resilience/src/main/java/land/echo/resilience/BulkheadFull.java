package land.echo.resilience;

import java.util.Objects;
import java.util.Optional;
import java.time.Duration;
import land.echo.Fault;
import land.echo.Priority;

/**
 * The refusal of a bulkhead: every slot was taken and its queue was full, or the call was queued
 * and then shed to make room for more urgent work. The call did not run. Carried by {@link
 * Fault.Rejected}. Immutable and thread-safe.
 *
 * @param policyName the bulkhead's name
 * @param priority the refused call's priority
 * @param limit the concurrency limit at the refusal
 * @param queued how many calls were waiting at the refusal
 * @param shed true if the call had been queued and was pushed out by a more urgent one
 */
public record BulkheadFull(String policyName, Priority priority, int limit, int queued, boolean shed)
    implements Fault.Rejection {
  private static final long serialVersionUID = 1L;

  /** Creates the refusal; {@code policyName} and {@code priority} must not be null. */
  public BulkheadFull {
    Objects.requireNonNull(policyName, "policyName");
    Objects.requireNonNull(priority, "priority");
  }

  @Override
  public Optional<Duration> retryAfter() {
    return Optional.empty();
  }

  @Override
  public String message() {
    return "bulkhead '" + policyName + "' " + (shed ? "shed a queued " : "is full for a ") + priority
        + " call (limit " + limit + ", " + queued + " queued)";
  }
}
