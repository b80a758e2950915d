package land.echo.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Latency figures a benchmark publishes for its current iteration, picked up by
 * {@link LatencyProfiler} and reported by JMH as secondary results. Not instantiable; thread-safe.
 *
 * <p>JMH measures the time of a benchmark method; the priority benchmarks also need percentiles of
 * a latency measured inside it (submit-to-start of a task). The method records them in an
 * HdrHistogram and publishes the figures here, in the forked benchmark JVM, where the profiler
 * reads them at the end of the iteration.
 */
public final class LatencyBoard {

  private static final Map<String, Double> FIGURES = new LinkedHashMap<>();

  private LatencyBoard() {}

  /**
   * Publishes the p50, p99, p99.9 and maximum of {@code nanos} in microseconds, under
   * {@code prefix + ".p50"} and so on.
   *
   * @param prefix the name of the measured population, e.g. {@code "high"}
   * @param nanos the histogram of latencies in nanoseconds
   */
  public static void publishPercentiles(String prefix, Histogram nanos) {
    publish(prefix + ".p50", nanos.getValueAtPercentile(50) / 1_000.0);
    publish(prefix + ".p99", nanos.getValueAtPercentile(99) / 1_000.0);
    publish(prefix + ".p99.9", nanos.getValueAtPercentile(99.9) / 1_000.0);
    publish(prefix + ".max", nanos.getMaxValue() / 1_000.0);
  }

  /**
   * Publishes one figure, in microseconds (or a count, for names ending in {@code .count}).
   *
   * @param name the figure's name
   * @param value its value
   */
  public static synchronized void publish(String name, double value) {
    FIGURES.put(name, value);
  }

  /** Returns and forgets every figure published since the last call. */
  static synchronized Map<String, Double> drain() {
    Map<String, Double> copy = new LinkedHashMap<>(FIGURES);
    FIGURES.clear();
    return copy;
  }
}
