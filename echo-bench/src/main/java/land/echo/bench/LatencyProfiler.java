package land.echo.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that turns the figures a benchmark published on {@link LatencyBoard} during an
 * iteration into secondary results, so that latency percentiles travel back to the runner like any
 * other JMH result. Instances are created by JMH in the forked JVM; not thread-safe (JMH calls it
 * from one thread).
 */
public final class LatencyProfiler implements InternalProfiler {

  /** Creates the profiler; JMH calls this reflectively. */
  public LatencyProfiler() {}

  @Override
  public String getDescription() {
    return "latency percentiles published by Echo's latency benchmarks";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    LatencyBoard.drain(); // forget anything left from a previous iteration
  }

  @Override
  @SuppressWarnings("rawtypes") // JMH declares the raw type
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    List<Result> results = new ArrayList<>();
    for (Map.Entry<String, Double> figure : LatencyBoard.drain().entrySet()) {
      String unit = figure.getKey().endsWith(".count") ? "#" : "us";
      results.add(new ScalarResult("latency." + figure.getKey(), figure.getValue(), unit, AggregationPolicy.AVG));
    }
    return results;
  }
}
