package land.echo.resilience.internal;

import java.time.Duration;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A percentile of recent latencies over a sliding window, on HdrHistogram: calls record into a
 * wait-free {@link Recorder}; every {@code interval} the recorder's interval histogram is swapped
 * into a ring of {@code slots} histograms, and the percentile is read from their sum. So the window
 * covers the last {@code slots × interval}, sliding by one interval. Values are kept in
 * microseconds with two significant digits (1% precision, plenty for timeouts).
 *
 * <p>{@link #record} is thread-safe and wait-free; {@link #roll} must be called by one thread at a
 * time (its owner serialises it).
 */
public final class SlidingPercentile {
  private final Recorder recorder = new Recorder(2);
  private final Histogram[] ring;
  private final Histogram sum = new Histogram(2);
  private Histogram spare;
  private int next;

  /** A window {@code window} long sliding every {@code interval}: {@code window / interval} slots, at least one. */
  public static SlidingPercentile over(Duration window, Duration interval) {
    return new SlidingPercentile((int) Math.max(1, window.toNanos() / interval.toNanos()));
  }

  /** A window of {@code slots} intervals. */
  public SlidingPercentile(int slots) {
    ring = new Histogram[slots];
    for (int i = 0; i < slots; i++) {
      ring[i] = new Histogram(2);
    }
  }

  /** Records one latency. */
  public void record(long nanos) {
    recorder.recordValue(Math.max(1, nanos / 1_000));
  }

  /** Closes the current interval: it replaces the oldest in the window. */
  public void roll() {
    spare = recorder.getIntervalHistogram(spare);
    ring[next].reset();
    ring[next].add(spare);
    next = (next + 1) % ring.length;
    sum.reset();
    for (Histogram h : ring) {
      sum.add(h);
    }
  }

  /** Samples in the window as of the last {@link #roll()}. */
  public long count() {
    return sum.getTotalCount();
  }

  /** The {@code percentile} (0 to 100) of the window as of the last roll, in nanoseconds. */
  public long percentileNanos(double percentile) {
    return sum.getValueAtPercentile(percentile) * 1_000;
  }
}
