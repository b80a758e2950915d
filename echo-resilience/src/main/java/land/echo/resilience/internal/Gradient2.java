package land.echo.resilience.internal;

/**
 * An adaptive concurrency limit after Netflix concurrency-limits' {@code Gradient2Limit}: it
 * compares a long-term average of latency with the short-term one and shrinks the limit when the
 * short-term latency rises above it (queueing), grows it by a queue allowance of {@code
 * sqrt(limit)} otherwise.
 *
 * <pre>
 *   gradient = clamp(tolerance * longRtt / shortRtt, 0.5, 1.0)
 *   target   = limit * gradient + sqrt(limit)
 *   limit    = (1 - smoothing) * limit + smoothing * target, clamped to [min, max]
 * </pre>
 *
 * The constants are Gradient2Limit's defaults: tolerance 1.5, smoothing 0.2, a long window of
 * 600 samples. As there, the limit does not grow while fewer than half its slots are in use (the
 * load, not the limit, is what holds latency down then). Not thread-safe: its owner calls it under
 * its lock.
 */
public final class Gradient2 {
  private static final double TOLERANCE = 1.5;
  private static final double SMOOTHING = 0.2;
  private static final int LONG_WINDOW = 600;

  private final int min;
  private final int max;
  private double limit;
  private double longRtt;
  private long samples;

  /** Starts at {@code initial}, never leaving {@code [min, max]}. */
  public Gradient2(int initial, int min, int max) {
    this.min = min;
    this.max = max;
    this.limit = initial;
  }

  /** The current limit, rounded down. */
  public int limit() {
    return (int) limit;
  }

  /**
   * Feeds one successful call's latency, with the number of calls in flight when it started;
   * returns the new limit.
   */
  public int sample(long rttNanos, int inFlight) {
    double rtt = Math.max(1, rttNanos);
    samples++;
    // Exponential average over the long window; warm up with a plain mean.
    long n = Math.min(samples, LONG_WINDOW);
    longRtt = longRtt + (rtt - longRtt) / n;
    // As Gradient2Limit: when the short-term latency drifts far below the long-term average,
    // pull the average down so that a past overload is forgotten quickly.
    if (longRtt / rtt > 2) {
      longRtt = longRtt * 0.95;
    }
    if (inFlight < limit / 2) {
      return (int) limit;
    }
    double gradient = Math.max(0.5, Math.min(1.0, TOLERANCE * longRtt / rtt));
    double target = limit * gradient + Math.sqrt(limit);
    double next = (1 - SMOOTHING) * limit + SMOOTHING * target;
    limit = Math.max(min, Math.min(max, next));
    return (int) limit;
  }
}
