package land.echo.resilience;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import land.echo.Fault;
import land.echo.Priority;

/**
 * The refusal of a call by a drained {@link Bulkhead}: it admits no new call until {@link
 * Bulkhead#resume()}. Calls that were running or queued when it was drained still complete.
 * Immutable and thread-safe.
 *
 * @param policyName the bulkhead's name
 * @param priority the refused call's priority
 */
public record BulkheadDrained(String policyName, Priority priority) implements Fault.Rejection {
  private static final long serialVersionUID = 1L;

  /** Creates the refusal; no argument may be null. */
  public BulkheadDrained {
    Objects.requireNonNull(policyName, "policyName");
    Objects.requireNonNull(priority, "priority");
  }

  /**
   * Returns empty: a drained bulkhead resumes when an operator says so, not after a known time.
   *
   * @return empty
   */
  @Override
  public Optional<Duration> retryAfter() {
    return Optional.empty();
  }

  @Override
  public String message() {
    return "bulkhead '" + policyName + "' is drained: it admits no new " + priority + " call until it is resumed";
  }
}
