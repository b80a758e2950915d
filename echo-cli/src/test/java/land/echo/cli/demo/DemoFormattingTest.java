package land.echo.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DemoFormattingTest {

  @Test
  void progressLineShowsFilesPercentageTimesAndCounters() {
    String line = ProgressBar.render("Echo", 250, 1000, Duration.ofSeconds(65), Duration.ofSeconds(90), 1234, 56, 7);

    assertThat(line).startsWith("Echo         [######------------------]").contains("250/1,000 files")
        .contains(" 25%").contains("01:05/01:30").contains("queries 1,234, 7 timed out, 56 service retries");
  }

  @Test
  void progressLineIsFullWhenDoneAndWhenThereIsNothingToDo() {
    assertThat(ProgressBar.render("x", 10, 10, Duration.ZERO, Duration.ofSeconds(1), 0, 0, 0))
        .contains("[########################]").contains("100%");
    assertThat(ProgressBar.render("x", 0, 0, Duration.ZERO, Duration.ofSeconds(1), 0, 0, 0)).contains("100%");
  }

  @Test
  void progressBarPrintsAFinalLineWhenStoppedOffATerminal() {
    StringWriter text = new StringWriter();
    DemoCounters counters = new DemoCounters();
    counters.filesIndexed.add(3);
    AtomicLong now = new AtomicLong();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), false, "Echo", 4, Duration.ofSeconds(20), counters,
        () -> 2, now::get);
    bar.start();
    now.set(Duration.ofSeconds(5).toNanos());
    bar.stop();

    assertThat(text.toString()).contains("3/4 files").contains("00:05/00:20").contains("2 service retries")
        .doesNotContain("\u001b").endsWith(System.lineSeparator());
  }

  @Test
  void progressBarRedrawsTwoShortLinesInPlaceOnATerminal() {
    StringWriter text = new StringWriter();
    DemoCounters counters = new DemoCounters();
    counters.queriesSubmitted.add(12);
    ProgressBar bar = new ProgressBar(new PrintWriter(text), true, "ForkJoinPool", 15_224, Duration.ofSeconds(20),
        counters, () -> 0, () -> 0L);
    bar.start();
    bar.stop();

    String[] lines = text.toString().split("\r?\n");
    assertThat(text.toString()).contains("\u001b[K").contains("queries 12, 0 timed out, 0 service retries")
        .endsWith(System.lineSeparator());
    for (String line : lines) {
      String visible = line.replaceAll("\u001b\\[1A|\u001b\\[K|\r", "");
      assertThat(visible.length()).as(visible).isLessThan(80);
    }
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

  private static WorkloadResult result(String label, long p99Millis, long timeouts) {
    LatencyRecorder.Summary latency = new LatencyRecorder.Summary(
        1000, Duration.ofMillis(1), Duration.ofMillis(p99Millis), Duration.ofMillis(p99Millis + 1));
    return new WorkloadResult(label, 2, Duration.ofSeconds(4), Duration.ofSeconds(2), 2000, 1500, 0, 10_000_000, 5000,
        1000, 1000 - timeouts, timeouts, 0, latency, latency, latency, 100, 140, 1, 2600, 2600, 0);
  }
}
