package land.echo.cli.demo;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Formats demo results as a table: one column for {@code echoctl demo}, two side by side
 * for {@code echoctl demo --compare}.
 *
 * <p>Stateless and thread-safe.
 */
public final class DemoReport {

  private record Row(String name, Function<WorkloadResult, String> value) {}

  private static final List<Row> ROWS = List.of(
      new Row("elapsed", r -> String.format(Locale.ROOT, "%.1f s on %d worker%s", seconds(r.elapsed()),
          r.parallelism(), r.parallelism() == 1 ? "" : "s")),
      new Row("files indexed", r -> String.format(Locale.ROOT, "%,d / %,d", r.filesIndexed(), r.filesTotal())),
      new Row("indexing time", r -> String.format(Locale.ROOT, "%.1f s", seconds(r.indexingTime()))),
      new Row("files indexed per second", r -> String.format(Locale.ROOT, "%,.0f", r.filesPerSecond())),
      new Row("source read, identifiers", r -> String.format(Locale.ROOT, "%,.1f MB, %,d distinct",
          r.bytesRead() / 1e6, r.distinctTokens())),
      new Row("queries run", r -> String.format(Locale.ROOT, "%,d", r.queries())),
      new Row("  answered in budget", r -> String.format(Locale.ROOT, "%,d", r.queriesAnswered())),
      new Row("  timed out", r -> String.format(Locale.ROOT, "%,d", r.queryTimeouts())),
      new Row("interactive latency p50", r -> millis(r.latency().p50())),
      new Row("interactive latency p99", r -> millis(r.latency().p99())),
      new Row("interactive latency max", r -> millis(r.latency().max())),
      new Row("  p50 / p99 while indexing", r -> percentiles(r.latencyWhileIndexing())),
      new Row("  p50 / p99 after indexing", r -> percentiles(r.latencyAfterIndexing())),
      new Row("service requests", r -> String.format(Locale.ROOT, "%,d", r.serviceRequests())),
      new Row("  retries", r -> String.format(Locale.ROOT, "%,d", r.retries())),
      new Row("  failed after retries", r -> String.format(Locale.ROOT, "%,d", r.serviceErrors())),
      new Row("errors (index/query)", r -> String.format(Locale.ROOT, "%,d / %,d", r.indexingErrors(), r.queryErrors())),
      new Row("work submitted", r -> String.format(Locale.ROOT, "%,d", r.submitted())),
      new Row("  completed", r -> String.format(Locale.ROOT, "%,d (%,d cancelled at shutdown)",
          r.completed(), r.cancelledAtShutdown())),
      new Row("  lost", r -> String.format(Locale.ROOT, "%,d", r.lost())));

  private DemoReport() {}

  /**
   * Formats one run's report.
   *
   * @param result the run to report
   * @return the report table, one row per figure
   */
  public static String single(WorkloadResult result) {
    return table(List.of(result));
  }

  /**
   * Formats two runs side by side, followed by the interactive p99 with and without priorities and
   * the left run's p50 and p99 after indexing as ratios of the right run's.
   *
   * @param left the run shown in the left column
   * @param right the run shown in the right column
   * @return the report table, the p99 comparison and the after-indexing ratios
   */
  public static String sideBySide(WorkloadResult left, WorkloadResult right) {
    StringBuilder sb = new StringBuilder(table(List.of(left, right)));
    sb.append(System.lineSeparator());
    sb.append(p99Line("Interactive p99", left.latency(), right.latency()));
    if (left.latencyWhileIndexing().count() > 0 && right.latencyWhileIndexing().count() > 0) {
      sb.append(p99Line("Interactive p99 while indexing", left.latencyWhileIndexing(), right.latencyWhileIndexing()));
    }
    sb.append(afterIndexingLine(left, right));
    return sb.toString();
  }

  /**
   * The idle-latency comparison of issue 8: the left run's p50 and p99 after indexing divided by
   * the right run's, e.g. {@code 0.92x / 1.10x}; "n/a" for a ratio whose divisor is 0, and no
   * ratios when either run had no query after indexing.
   */
  private static String afterIndexingLine(WorkloadResult left, WorkloadResult right) {
    String what = String.format(Locale.ROOT, "Interactive p50 / p99 after indexing, %s relative to %s",
        left.label(), right.label());
    LatencyRecorder.Summary l = left.latencyAfterIndexing();
    LatencyRecorder.Summary r = right.latencyAfterIndexing();
    for (WorkloadResult result : List.of(left, right)) {
      if (result.latencyAfterIndexing().count() == 0) {
        return String.format(Locale.ROOT, "%s: n/a (no query was submitted after indexing finished in the %s run).%n",
            what, result.label());
      }
    }
    return String.format(Locale.ROOT, "%s: %s / %s (%s against %s; below 1.00x, %s was faster).%n", what,
        ratio(l.p50(), r.p50()), ratio(l.p99(), r.p99()), percentiles(l), percentiles(r), left.label());
  }

  /** Formats {@code a / b} as a ratio, e.g. {@code 0.92x}, or "n/a" when {@code b} is zero. */
  static String ratio(Duration a, Duration b) {
    if (b.isZero()) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.2fx", a.toNanos() / (double) b.toNanos());
  }

  private static String p99Line(String what, LatencyRecorder.Summary with, LatencyRecorder.Summary without) {
    double ratio = without.p99().toNanos() / (double) Math.max(1_000, with.p99().toNanos());
    return String.format(Locale.ROOT, ratio >= 10 ? "%s: %s with priorities, %s without (%.0fx).%n"
        : "%s: %s with priorities, %s without (%.1fx).%n", what, millis(with.p99()), millis(without.p99()), ratio);
  }

  private static String table(List<WorkloadResult> results) {
    int nameWidth = ROWS.stream().mapToInt(r -> r.name().length()).max().orElse(0) + 2;
    int[] widths = new int[results.size()];
    for (int i = 0; i < results.size(); i++) {
      WorkloadResult result = results.get(i);
      int w = result.label().length();
      for (Row row : ROWS) {
        w = Math.max(w, row.value().apply(result).length());
      }
      widths[i] = w + 3;
    }
    StringBuilder sb = new StringBuilder();
    sb.append(" ".repeat(nameWidth));
    for (int i = 0; i < results.size(); i++) {
      sb.append(pad(results.get(i).label(), widths[i]));
    }
    sb.append(System.lineSeparator());
    for (Row row : ROWS) {
      sb.append(String.format(Locale.ROOT, "%-" + nameWidth + "s", row.name()));
      for (int i = 0; i < results.size(); i++) {
        sb.append(pad(row.value().apply(results.get(i)), widths[i]));
      }
      sb.append(System.lineSeparator());
    }
    return sb.toString();
  }

  private static String pad(String s, int width) {
    return " ".repeat(Math.max(0, width - s.length())) + s;
  }

  private static String percentiles(LatencyRecorder.Summary s) {
    return s.count() == 0 ? "-" : millis(s.p50()) + " / " + millis(s.p99());
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  /** Formats a latency in milliseconds with precision suited to its size. */
  static String millis(Duration d) {
    double ms = d.toNanos() / 1e6;
    if (ms < 10) {
      return String.format(Locale.ROOT, "%.2f ms", ms);
    }
    if (ms < 1000) {
      return String.format(Locale.ROOT, "%.1f ms", ms);
    }
    return String.format(Locale.ROOT, "%,.0f ms", ms);
  }
}
