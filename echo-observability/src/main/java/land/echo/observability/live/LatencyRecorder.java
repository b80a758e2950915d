package land.echo.observability.live;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The latencies of one name tag, on HdrHistogram: writers record into a {@link Recorder}
 * (wait-free), and a snapshot moves the recorder's interval histogram into a cumulative {@link
 * Histogram} and reads its percentiles. Thread-safe: any number of writers, snapshots serialized
 * by this object's lock (they never block a writer).
 *
 * <p>Three significant digits: a percentile is within 0.1% of the recorded value it stands for.
 * Both histograms resize themselves, so there is no upper bound to configure; a histogram covering
 * 1 ns to an hour at this precision takes a few tens of kilobytes.
 */
final class LatencyRecorder {
  /** HdrHistogram's precision; 3 digits is its usual choice for latencies. */
  static final int SIGNIFICANT_DIGITS = 3;

  private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
  /** Everything recorded up to the last snapshot; guarded by {@code this}. */
  private final Histogram total = new Histogram(SIGNIFICANT_DIGITS);
  /** The interval histogram handed back to the recorder for reuse; guarded by {@code this}. */
  private Histogram spare;

  /** Records {@code nanos}; a negative value (a clock that went backwards) counts as 0. */
  void record(long nanos) {
    recorder.recordValue(Math.max(0, nanos));
  }

  /** Returns the percentiles of everything recorded so far. */
  synchronized Percentiles snapshot() {
    Histogram interval = recorder.getIntervalHistogram(spare);
    total.add(interval);
    spare = interval;
    if (total.getTotalCount() == 0) {
      return new Percentiles(0, 0, 0, 0);
    }
    return new Percentiles(total.getTotalCount(), total.getValueAtPercentile(50), total.getValueAtPercentile(99),
        total.getMaxValue());
  }

  /**
   * Percentiles of a recorder's values, 0 when it has none.
   *
   * @param count values recorded
   * @param p50 the median
   * @param p99 the 99th percentile
   * @param max the largest value (within the precision)
   */
  record Percentiles(long count, long p50, long p99, long max) {}
}
