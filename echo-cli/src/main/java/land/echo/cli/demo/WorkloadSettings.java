package land.echo.cli.demo;

import java.time.Duration;
import java.util.Objects;

/**
 * The shape of one demo run, shared by the Echo and the ForkJoinPool variants so that both do the
 * same work.
 *
 * <p>Immutable and thread-safe.
 *
 * @param duration how long the run lasts at most; indexing stops at this deadline
 * @param parallelism worker threads (Echo workers, ForkJoinPool parallelism)
 * @param indexingWindow how many files are being indexed (read or tokenized) at once
 * @param queryInterval one interactive query is submitted every interval
 * @param queryTimeout the budget of one interactive query, queue wait included
 * @param serviceInterval one symbol-service request is made every interval
 * @param serviceFailureRate the fraction of symbol-service calls that fail
 * @param maxRetries retries of a failed service call (so {@code maxRetries + 1} attempts at most)
 * @param initialBackoff the first delay between attempts, doubled for every further retry
 * @param shutdownGrace how long in-flight work gets to finish at the end before it is cancelled
 * @param seed the seed of the query and failure draws
 */
public record WorkloadSettings(
    Duration duration,
    int parallelism,
    int indexingWindow,
    Duration queryInterval,
    Duration queryTimeout,
    Duration serviceInterval,
    double serviceFailureRate,
    int maxRetries,
    Duration initialBackoff,
    Duration shutdownGrace,
    long seed) {

  /** Validates the components. */
  public WorkloadSettings {
    requirePositive("duration", duration);
    requirePositive("queryInterval", queryInterval);
    requirePositive("queryTimeout", queryTimeout);
    requirePositive("serviceInterval", serviceInterval);
    requirePositive("initialBackoff", initialBackoff);
    requirePositive("shutdownGrace", shutdownGrace);
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
    }
    if (indexingWindow < 1) {
      throw new IllegalArgumentException("indexingWindow must be >= 1, was " + indexingWindow);
    }
    if (!(serviceFailureRate >= 0 && serviceFailureRate < 1)) {
      throw new IllegalArgumentException("serviceFailureRate must be in [0, 1), was " + serviceFailureRate);
    }
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
    }
  }

  /**
   * The demo's defaults for a run of {@code duration} on {@code parallelism} workers: 100 queries a
   * second with a 250 ms budget, 50 service requests a second failing 30% of the time with up to 4
   * retries from 5 ms, and 16 files in flight per worker so that indexing always has work queued.
   *
   * @param duration how long the run lasts
   * @param parallelism the number of worker threads
   * @return the default settings for that run
   */
  public static WorkloadSettings defaults(Duration duration, int parallelism) {
    return new WorkloadSettings(
        duration,
        parallelism,
        16 * parallelism,
        Duration.ofMillis(10),
        Duration.ofMillis(250),
        Duration.ofMillis(20),
        0.30,
        4,
        Duration.ofMillis(5),
        Duration.ofSeconds(5),
        42);
  }

  /**
   * Returns the backoff before retry number {@code retry} (1-based): d, 2d, 4d, ...
   *
   * @param retry the retry's number, 1 for the first
   * @return the delay before that retry
   */
  public Duration backoff(int retry) {
    return initialBackoff.multipliedBy(1L << Math.min(30, retry - 1));
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }
}
