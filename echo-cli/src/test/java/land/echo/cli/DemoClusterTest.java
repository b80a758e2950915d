package land.echo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import land.echo.cli.demo.ClusterMembers;
import land.echo.cli.demo.TestSources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code echoctl demo --cluster N}: three member JVMs, one killed with SIGKILL partway, nothing
 * lost; and the flag's usage errors.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DemoClusterTest {
  private static final int FILES = 1_500;

  @TempDir
  Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) throws Exception {
    Path jdk = Files.createDirectories(tmp.resolve("jdk/lib"));
    CommandLine cli = EchoCommand.commandLine(false, jdk.getParent(), Optional.empty());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  /** The member JVMs this test JVM started and that still run. */
  private static List<ProcessHandle> members() {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(EchoCommand.class.getName())).orElse(false))
        .toList();
  }

  @AfterEach
  void noMemberOutlivesTheDemo() {
    members().forEach(ProcessHandle::destroyForcibly); // should there be any: none leaks into other tests
  }

  @Test
  void threeMembersOneKilledNothingLostAndEveryResultCountedOnce() throws Exception {
    Path sources = TestSources.writeDirectory(Files.createDirectories(tmp.resolve("src")), FILES);

    int code = assertTimeoutPreemptively(Duration.ofSeconds(110),
        () -> run("demo", "--cluster", "3", "--source", sources.toString(), "--workers", "2"));

    String report = out.toString();
    assertThat(code).as(report + err).isZero();
    assertThat(report).contains("Echo cluster demo: 3 member processes on 127.0.0.1")
        .contains("1,500 .java files").contains("2 workers per member")
        .containsPattern("Killed node 2 \\(pid \\d+, 127\\.0\\.0\\.1:\\d+(, the cluster's master)?\\) "
            + "with SIGKILL [\\d.]+ s into the workload, after [\\d,]+ of 1,500 results");

    Matcher row = Pattern.compile(
        "(?m)^  node (\\d)  127\\.0\\.0\\.1:\\d+ +pid \\d+ +([\\d,]+)(  killed \\(SIGKILL\\))?$").matcher(report);
    List<Integer> nodes = new ArrayList<>();
    List<Integer> killed = new ArrayList<>();
    long sum = 0;
    while (row.find()) {
      int node = Integer.parseInt(row.group(1));
      nodes.add(node);
      sum += Long.parseLong(row.group(2).replace(",", ""));
      if (row.group(3) != null) {
        killed.add(node);
      }
    }
    assertThat(nodes).as(report).containsExactly(1, 2, 3);
    assertThat(killed).as("the killed member, marked").containsExactly(2);
    assertThat(sum).as("results by member add up to the effects submitted:\n" + report).isEqualTo(FILES);
    assertThat(number(report, "(?m)^  total +([\\d,]+)$")).isEqualTo(FILES);
    assertThat(report).doesNotContain("unknown member");

    assertThat(number(report, "effects submitted +([\\d,]+) of 1,500")).isEqualTo(FILES);
    assertThat(number(report, "results received +([\\d,]+)")).isEqualTo(FILES);
    assertThat(number(report, "re-run after the failover +([\\d,]+)")).isBetween(0L, (long) FILES);
    assertThat(number(report, "failures +([\\d,]+)")).isZero();
    assertThat(number(report, "(?m)^  lost +([\\d,]+)$")).as(report).isZero();
    assertThat(report).containsPattern("detector +a heartbeat every 1 s, a member declared dead after 5 s without one");

    // The members' output went to the log, not into the report.
    Matcher log = Pattern.compile("member log +(\\S+)").matcher(report);
    assertThat(log.find()).as(report).isTrue();
    String members = Files.readString(Path.of(log.group(1)));
    assertThat(members).contains("[node 1 ", "[node 2 ", "[node 3 ").contains("Echo node ")
        .contains("Leaving: ClusterStats[");
    assertThat(report).doesNotContain("Echo node ");
    Files.delete(Path.of(log.group(1)));
    await().atMost(Duration.ofSeconds(10)).until(() -> members().isEmpty());
  }

  @Test
  void aMemberThatCannotStartIsReportedWithItsLastLinesAndTheLog() throws Exception {
    Path log = tmp.resolve("members.log");

    try (ClusterMembers members = ClusterMembers.start(DemoCommand.nodeLauncher(), 2, "start-failure",
        List.of("--source", tmp.resolve("missing").toString()), log)) {
      assertThatThrownBy(() -> members.awaitStarted(Duration.ofSeconds(60)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("node 1 (pid ")
          .hasMessageContaining("exited with code 2 before it had joined the cluster")
          .hasMessageContaining("--source: no such file or directory")
          .hasMessageContaining("All member output: " + log);
    }
    assertThat(members()).isEmpty();
    assertThat(Files.readString(log)).contains("[node 1 ").contains("--source: no such file or directory");
  }

  @Test
  void aBadMemberCountIsAUsageErrorNamingTheFlag() throws Exception {
    assertThat(run("demo", "--cluster", "1")).isEqualTo(2);
    assertThat(err.toString()).contains("--cluster must be between 2 and 8 member processes, was 1");
    assertThat(run("demo", "--cluster", "9")).isEqualTo(2);
    assertThat(err.toString()).contains("--cluster must be between 2 and 8 member processes, was 9");
    assertThat(run("demo", "--cluster", "three")).isEqualTo(2);
    assertThat(err.toString()).contains("--cluster").contains("'three'");
  }

  @Test
  void theClusterDemoRefusesTheOptionsItDoesNotTake() throws Exception {
    assertThat(run("demo", "--cluster", "3", "--compare")).isEqualTo(2);
    assertThat(err.toString()).contains("--cluster cannot be combined with --compare");
    assertThat(run("demo", "--cluster", "3", "--dashboard")).isEqualTo(2);
    assertThat(err.toString()).contains("--cluster cannot be combined with --dashboard");
    assertThat(run("demo", "--cluster", "3", "--seconds", "5")).isEqualTo(2);
    assertThat(err.toString()).contains("--seconds does not apply to --cluster");
    assertThat(members()).isEmpty();
  }

  @Test
  void helpDescribesTheClusterFlag() throws Exception {
    assertThat(run("demo", "--help")).isZero();
    assertThat(out.toString()).contains("--cluster=N").contains("SIGKILL");
  }

  private static long number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("'" + regex + "' in:\n" + text).isTrue();
    return Long.parseLong(m.group(1).replace(",", ""));
  }
}
