package land.echo.observability.live;

import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The latencies of one name tag, on HdrHistogram: writers record into {@link Recorder}s
 * (wait-free), one of four stripes handed to threads in turn, so that threads recording
 * the same name at once seldom touch the same counters; a snapshot moves every stripe's interval
 * histogram into a cumulative {@link Histogram} and reads its percentiles. Thread-safe: any number
 * of writers, snapshots serialized by this object's lock (they never block a writer).
 *
 * <p>Two significant digits: a percentile is within 1% of the recorded value it stands for, which
 * a live view reads comfortably, at a tenth of the memory of three digits (a histogram covering 1 ns
 * to an hour takes a few kilobytes; the stripes and the cumulative histogram of one name take tens
 * of kilobytes). Histograms resize themselves, so there is no upper bound to configure.
 */
final class LatencyRecorder {
  /** HdrHistogram's precision. */
  static final int SIGNIFICANT_DIGITS = 2;
  /** Stripes, a power of two. */
  static final int STRIPES = 4;
  /** Hands out stripes to threads in turn, so that a few busy threads (the workers) never share one. */
  private static final AtomicInteger NEXT_STRIPE = new AtomicInteger();
  private static final ThreadLocal<Integer> STRIPE =
      ThreadLocal.withInitial(() -> NEXT_STRIPE.getAndIncrement() & (STRIPES - 1));

  private final Recorder[] recorders = new Recorder[STRIPES];
  /** Everything recorded up to the last snapshot; guarded by {@code this}. */
  private final Histogram total = new Histogram(SIGNIFICANT_DIGITS);
  /** The interval histograms handed back to the recorders for reuse; guarded by {@code this}. */
  private final Histogram[] spares = new Histogram[STRIPES];

  LatencyRecorder() {
    for (int i = 0; i < STRIPES; i++) {
      recorders[i] = new Recorder(SIGNIFICANT_DIGITS);
    }
  }

  /** Records {@code nanos}; a negative value (a clock that went backwards) counts as 0. */
  void record(long nanos) {
    recorders[STRIPE.get()].recordValue(Math.max(0, nanos));
  }

  /** Returns the percentiles of everything recorded so far. */
  synchronized Percentiles snapshot() {
    for (int i = 0; i < STRIPES; i++) {
      Histogram interval = recorders[i].getIntervalHistogram(spares[i]);
      total.add(interval);
      spares[i] = interval;
    }
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
