package land.echo;

import java.time.Duration;

/**
 * Observes the attempts of a retrying effect: told before each retry and once when the policy gives
 * up. Set with {@link RetryPolicy.Builder#onRetry(RetryListener)}.
 *
 * <p>Since exhaustion returns the last attempt's outcome unchanged (a typed {@code Failure(E)} stays
 * typed), this is where the number of attempts is reported. Implementations must be thread-safe:
 * one policy may serve many effects at once. A listener runs on the thread of the retrying effect
 * (a scheduler worker or a blocking body's virtual thread), so it should be quick and must not
 * block. An exception it throws is logged and otherwise ignored: it never changes the effect's
 * execution.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder()
 *     .maxRetries(3)
 *     .onRetry((attempt, failed, delay) -> log.info("attempt {} failed: {}; retrying in {}", attempt, failed, delay))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface RetryListener {

  /**
   * Called after attempt number {@code attempt} (1 for the first) failed with {@code failed} and the
   * policy decided to retry, before waiting {@code delay}.
   *
   * @param attempt the number of the attempt that failed, from 1
   * @param failed the attempt's outcome, a {@link Outcome.Failure} or an {@link Outcome.Faulted}
   * @param delay how long the effect waits before the next attempt
   */
  void onRetry(int attempt, Outcome<?, ?> failed, Duration delay);

  /**
   * Called when the policy allows no further attempt: {@code last} failed and is the effect's
   * outcome. Not called when the policy's predicate declines to retry an outcome, nor when the
   * effect is cancelled. Does nothing by default.
   *
   * @param attempts how many attempts were made in total
   * @param last the last attempt's outcome, returned unchanged
   */
  default void onExhausted(int attempts, Outcome<?, ?> last) {}
}
