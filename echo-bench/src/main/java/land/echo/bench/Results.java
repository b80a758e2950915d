package land.echo.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * The JMH results of one suite run, looked up by benchmark method and parameter: medians of the
 * primary score or of a secondary result, across all measurement iterations of all forks. Not
 * thread-safe (filled and read by the runner's thread).
 */
final class Results {

  private final List<RunResult> runs = new ArrayList<>();

  /** Adds the results of one JMH run. */
  void addAll(Collection<RunResult> results) {
    runs.addAll(results);
  }

  /**
   * Returns the median primary score of {@code method} (simple name, e.g.
   * {@code SchedulingBenchmark.scheduling}) whose parameters include {@code params}.
   */
  OptionalDouble median(String method, Map<String, String> params) {
    return find(method, params).stream().mapToDouble(r -> median(r.getPrimaryResult())).findFirst();
  }

  /** Returns the median of the secondary result {@code label} of the matching run. */
  OptionalDouble secondaryMedian(String method, Map<String, String> params, String label) {
    for (RunResult run : find(method, params)) {
      Result<?> secondary = run.getSecondaryResults().get(label);
      if (secondary != null) {
        return OptionalDouble.of(median(secondary));
      }
    }
    return OptionalDouble.empty();
  }

  /**
   * Returns the range (largest minus smallest) of the primary scores of the matching run's
   * measured iterations, all forks together, read from JMH's raw per-iteration results (warm-up
   * iterations are not among them); empty if the run is missing or has fewer than two iterations.
   */
  OptionalDouble range(String method, Map<String, String> params) {
    for (RunResult run : find(method, params)) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      int n = 0;
      for (BenchmarkResult fork : run.getBenchmarkResults()) {
        for (IterationResult iteration : fork.getIterationResults()) {
          double score = iteration.getPrimaryResult().getScore();
          min = Math.min(min, score);
          max = Math.max(max, score);
          n++;
        }
      }
      return n >= 2 ? OptionalDouble.of(max - min) : OptionalDouble.empty();
    }
    return OptionalDouble.empty();
  }

  /** Returns the unit of the primary score of the matching run, or {@code "?"}. */
  String unit(String method, Map<String, String> params) {
    return find(method, params).stream().map(r -> r.getPrimaryResult().getScoreUnit()).findFirst().orElse("?");
  }

  private static double median(Result<?> result) {
    return result.getStatistics().getN() > 0 ? result.getStatistics().getPercentile(50) : result.getScore();
  }

  private List<RunResult> find(String method, Map<String, String> params) {
    List<RunResult> matches = new ArrayList<>();
    for (RunResult run : runs) {
      String name = run.getParams().getBenchmark();
      if (!name.endsWith("." + method)) {
        continue;
      }
      boolean all = true;
      for (Map.Entry<String, String> p : params.entrySet()) {
        all &= p.getValue().equals(run.getParams().getParam(p.getKey()));
      }
      if (all) {
        matches.add(run);
      }
    }
    return matches;
  }
}
