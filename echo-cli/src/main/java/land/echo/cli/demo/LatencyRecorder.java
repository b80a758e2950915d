package land.echo.cli.demo;

import java.time.Duration;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Records interactive latencies (submit to completion) in an HdrHistogram with microsecond
 * resolution and three significant digits, up to one hour.
 *
 * <p>Thread-safe: {@link #record} may be called from any thread, concurrently with
 * {@link #summary()}.
 */
public final class LatencyRecorder {
  /** Creates an empty recorder. */
  public LatencyRecorder() {}


  private static final long MAX_MICROS = Duration.ofHours(1).toNanos() / 1_000;

  private final ConcurrentHistogram histogram = new ConcurrentHistogram(MAX_MICROS, 3);

  /**
   * A snapshot of the recorded latencies.
   *
   * @param count the number of latencies recorded
   * @param p50 the median latency
   * @param p99 the 99th-percentile latency
   * @param max the largest latency recorded
   */
  public record Summary(long count, Duration p50, Duration p99, Duration max) {}

  /**
   * Records one latency.
   *
   * @param nanos the latency in nanoseconds; negative values (a clock step) count as zero, values
   *     above an hour as an hour
   */
  public void record(long nanos) {
    long micros = Math.min(MAX_MICROS, Math.max(0, nanos / 1_000));
    histogram.recordValue(micros);
  }

  /**
   * Returns the count, median, 99th percentile and maximum recorded so far.
   *
   * @return a snapshot of what was recorded so far
   */
  public Summary summary() {
    Histogram copy = histogram.copy();
    return new Summary(
        copy.getTotalCount(),
        micros(copy.getValueAtPercentile(50)),
        micros(copy.getValueAtPercentile(99)),
        micros(copy.getMaxValue()));
  }

  private static Duration micros(long micros) {
    return Duration.ofNanos(micros * 1_000);
  }
}
