package land.echo.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoFormattingTest {

  @Test
  void progressDrawsNothingOffATerminal() {
    StringWriter text = new StringWriter();
    DemoCounters counters = new DemoCounters();
    counters.filesIndexed.add(3);

    DemoProgress.start(new PrintWriter(text), false, 0, "Echo", 4, counters, () -> 2).close();

    assertThat(text.toString()).isEmpty();
  }

  @Test
  void progressOnATerminalIsOneLineRedrawnInPlaceWithTheLiveCounters() {
    StringWriter text = new StringWriter();
    DemoCounters counters = new DemoCounters();
    counters.filesIndexed.add(250);
    counters.queriesSubmitted.add(1_234);
    counters.queryTimeouts.add(7);

    DemoProgress progress = DemoProgress.start(new PrintWriter(text), true, 120, "Echo", 1_000, counters, () -> 56);
    progress.close();
    progress.close();

    String drawn = text.toString();
    assertThat(drawn).startsWith("\r").endsWith(System.lineSeparator()).contains("250/1000 files").contains(" 25%")
        .contains("1,234 queries, 7 timed out, 56 retries");
    assertThat(drawn.chars().filter(c -> c == '\n')).as("newlines").hasSize(1);
    String lastDrawn = drawn.substring(drawn.lastIndexOf('\r') + 1).stripTrailing();
    assertThat(lastDrawn).startsWith("Echo").hasSizeLessThanOrEqualTo(120);
  }

  @Test
  void theClusterDemosProgressCountsResultsAndShowsItsNote() {
    StringWriter text = new StringWriter();

    DemoProgress.start(new PrintWriter(text), true, 120, "Cluster", 1_500, " results", () -> 500,
        () -> "1,500 submitted, node 2 killed at 4.2 s").close();

    String drawn = text.toString();
    assertThat(drawn).startsWith("\r").contains("500/1500 results").contains(" 33%")
        .contains("1,500 submitted, node 2 killed at 4.2 s");
    assertThat(drawn.substring(drawn.lastIndexOf('\r') + 1).stripTrailing()).startsWith("Cluster");
  }

  @Test
  void theClusterReportShowsEachMembersResultsTheKillTheRerunsAndNothingLost() {
    ClusterMembers.Member node2 = new ClusterMembers.Member(2, "127.0.0.1:5702", 4002, "id-2");
    ClusterDemo.Result result = new ClusterDemo.Result(3, 1_500, 1_500, 1_500, 0, 0, 4,
        List.of(new ClusterDemo.MemberResults(1, "127.0.0.1:5701", 4001, "id-1", 650, false),
            new ClusterDemo.MemberResults(2, "127.0.0.1:5702", 4002, "id-2", 163, true),
            new ClusterDemo.MemberResults(3, "127.0.0.1:5703", 4003, "id-3", 687, false)),
        new ClusterDemo.Kill(node2, true, 6_400_000_000L, 501, true, 600_000_000L), List.of(), List.of(), false,
        Duration.ofMillis(24_800), Duration.ofMillis(15_200), Duration.ofMillis(9_600), Duration.ofSeconds(1),
        Duration.ofSeconds(5), Path.of("/tmp/members.log"));

    assertThat(result.ok()).isTrue();
    assertThat(result.report()).isEqualTo(String.join(System.lineSeparator(),
        "Killed node 2 (pid 4002, 127.0.0.1:5702, the cluster's master) with SIGKILL 6.4 s into the workload, "
            + "after 501 of 1,500 results; the cluster removed it 0.6 s later.",
        "",
        "Results by the member that ran them:",
        "  node 1  127.0.0.1:5701   pid 4001           650",
        "  node 2  127.0.0.1:5702   pid 4002           163  killed (SIGKILL)",
        "  node 3  127.0.0.1:5703   pid 4003           687",
        "  total                                     1,500",
        "",
        "  effects submitted            1,500 of 1,500",
        "  results received             1,500",
        "    re-run after the failover  4 (their first member died while running them)",
        "    failures                   0",
        "  lost                         0",
        "  elapsed                      24.8 s (members started in 15.2 s, workload 9.6 s)",
        "  failure detector             a heartbeat every 1 s, a member dead after 5 s without one",
        "  member log                   /tmp/members.log",
        ""));
  }

  @Test
  void aClusterReportWithLostWorkNamesTheFilesAndIsNotOk() {
    ClusterDemo.Result result = new ClusterDemo.Result(3, 10, 10, 9, 1, 1, 0, List.of(), null,
        List.of("demo/B.java: Faulted[...]"), List.of("demo/A.java"), true, Duration.ofSeconds(40),
        Duration.ofSeconds(5), Duration.ofSeconds(35), Duration.ofSeconds(1), Duration.ofSeconds(5),
        Path.of("/tmp/members.log"));

    assertThat(result.ok()).isFalse();
    assertThat(result.report()).startsWith("No member was killed: ")
        .contains("lost                         1 (no result came for 30 s)" + System.lineSeparator()
            + "      demo/A.java")
        .contains("    failures                   1" + System.lineSeparator() + "      demo/B.java: Faulted[...]");
  }

  @Test
  void latencyRecorderReportsPercentilesInMicrosecondResolution() {
    LatencyRecorder recorder = new LatencyRecorder();
    for (int i = 1; i <= 100; i++) {
      recorder.record(Duration.ofMillis(i).toNanos());
    }
    recorder.record(-5);

    LatencyRecorder.Summary summary = recorder.summary();
    assertThat(summary.count()).isEqualTo(101);
    assertThat(summary.p50().toMillis()).isBetween(49L, 50L);
    assertThat(summary.p99().toMillis()).isBetween(98L, 99L);
    assertThat(summary.max().toMillis()).isEqualTo(100L);
  }

  @Test
  void reportShowsEveryFigureAndTheSideBySideP99Comparison() {
    WorkloadResult echo = result("Echo", 2, 0);
    WorkloadResult forkJoin = result("ForkJoinPool", 250, 120);

    String single = DemoReport.single(echo);
    assertThat(single).contains("Echo").contains("files indexed").contains("1,500 / 2,000").contains("files indexed per second")
        .contains("750").contains("interactive latency p99").contains("2.00 ms").contains("retries").contains("40")
        .contains("timed out").contains("lost");

    String both = DemoReport.sideBySide(echo, forkJoin);
    assertThat(both).contains("Echo").contains("ForkJoinPool")
        .contains("Interactive p99: 2.00 ms with priorities, 250.0 ms without (125x).");
  }

  @Test
  void compareReportsTheAfterIndexingP50AndP99AsRatiosOfTheRightRun() {
    WorkloadResult echo = result("Echo", 2, 0, afterIndexing(500, 230, 5_500));
    WorkloadResult forkJoin = result("ForkJoinPool", 250, 120, afterIndexing(480, 250, 5_000));

    String both = DemoReport.sideBySide(echo, forkJoin);

    assertThat(both).contains("p50 / p99 after indexing").contains(
        "Interactive p50 / p99 after indexing, Echo relative to ForkJoinPool: 0.92x / 1.10x "
            + "(0.23 ms / 5.50 ms against 0.25 ms / 5.00 ms; below 1.00x, Echo was faster).");
    assertThat(DemoReport.single(echo)).as("only --compare has a second run to divide by")
        .doesNotContain("relative to");
  }

  @Test
  void afterIndexingRatiosAreNotAvailableWithoutQueriesAfterIndexingOrWithAZeroDivisor() {
    WorkloadResult echo = result("Echo", 2, 0, afterIndexing(500, 230, 5_500));
    WorkloadResult stillIndexing = result("ForkJoinPool", 250, 120, afterIndexing(0, 0, 0));
    WorkloadResult instant = result("ForkJoinPool", 250, 120, afterIndexing(480, 0, 5_000));

    assertThat(DemoReport.sideBySide(echo, stillIndexing)).contains("Interactive p50 / p99 after indexing, Echo "
        + "relative to ForkJoinPool: n/a (no query was submitted after indexing finished in the ForkJoinPool run).");
    assertThat(DemoReport.sideBySide(echo, instant))
        .contains("Echo relative to ForkJoinPool: n/a / 1.10x (0.23 ms / 5.50 ms against 0.00 ms / 5.00 ms;");
    assertThat(DemoReport.ratio(Duration.ofMillis(3), Duration.ofMillis(2))).isEqualTo("1.50x");
  }

  private static LatencyRecorder.Summary afterIndexing(long count, long p50Micros, long p99Micros) {
    return new LatencyRecorder.Summary(
        count, Duration.ofNanos(p50Micros * 1_000), Duration.ofNanos(p99Micros * 1_000), Duration.ofMillis(10));
  }

  private static WorkloadResult result(String label, long p99Millis, long timeouts) {
    LatencyRecorder.Summary latency = new LatencyRecorder.Summary(
        1000, Duration.ofMillis(1), Duration.ofMillis(p99Millis), Duration.ofMillis(p99Millis + 1));
    return result(label, p99Millis, timeouts, latency);
  }

  private static WorkloadResult result(
      String label, long p99Millis, long timeouts, LatencyRecorder.Summary latencyAfterIndexing) {
    LatencyRecorder.Summary latency = new LatencyRecorder.Summary(
        1000, Duration.ofMillis(1), Duration.ofMillis(p99Millis), Duration.ofMillis(p99Millis + 1));
    return new WorkloadResult(label, 2, Duration.ofSeconds(4), Duration.ofSeconds(2), 2000, 1500, 0, 10_000_000, 5000,
        1000, 1000 - timeouts, timeouts, 0, latency, latency, latencyAfterIndexing, 100, 140, 1, 2600, 2600, 0);
  }
}
