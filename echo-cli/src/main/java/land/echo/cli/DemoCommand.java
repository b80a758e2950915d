package land.echo.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import land.echo.ShutdownReport;
import land.echo.cli.demo.ClusterDemo;
import land.echo.cli.demo.DemoCounters;
import land.echo.cli.demo.DemoDashboard;
import land.echo.cli.demo.DemoProgress;
import land.echo.cli.demo.DemoReport;
import land.echo.cli.demo.DemoRun;
import land.echo.cli.demo.DemoTelemetry;
import land.echo.cli.demo.EchoWorkload;
import land.echo.cli.demo.FlakySymbolService;
import land.echo.cli.demo.ServiceGuard;
import land.echo.cli.demo.InteractiveQuery;
import land.echo.cli.demo.JavaTokenizer;
import land.echo.cli.demo.ForkJoinWorkload;
import land.echo.cli.demo.SourceFile;
import land.echo.cli.demo.SourceIndex;
import land.echo.cli.demo.SourceTree;
import land.echo.cli.demo.Workload;
import land.echo.cli.demo.WorkloadResult;
import land.echo.cli.demo.WorkloadSettings;
import land.echo.scheduler.SchedulerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code echoctl demo}: an editor backend's workload on real sources, on one Echo runtime, with a
 * progress bar and a closing report; {@code --compare} runs it a second time on a plain
 * ForkJoinPool and prints both side by side, then the p99 with and without priorities and Echo's
 * p50 and p99 after indexing as ratios of the pool's (see {@code DemoReport#sideBySide}).
 *
 * <p>Not thread-safe; picocli runs one command per invocation.
 */
@Command(
    name = "demo",
    header = "Runs an editor backend's workload on real sources; reports latency.",
    description = {
        "Runs an editor backend's workload in process on real sources: the JDK's",
        "lib/src.zip, or this repository's sources when the archive is missing.",
        "Three kinds of work share one Echo runtime:",
        "  LOW     background indexing of every file (blocking read, then tokenizing)",
        "  HIGH    interactive queries on the partly built index, under a timeout",
        "  NORMAL  calls to a flaky in-process service (30%% fail), with retries",
        "It ends with files indexed per second, interactive latency p50/p99,",
        "and the numbers of retries and timeouts.",
        ""})
public final class DemoCommand implements Callable<Integer> {

  private static final int MAX_SECONDS = 3_600;
  /** The most member processes of {@code --cluster}: each is a JVM of its own. */
  private static final int MAX_CLUSTER_MEMBERS = 8;
  private static final int WARM_UP_FILES = 1_000;
  private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(2);
  private static final Duration WARM_UP_RUN = Duration.ofSeconds(3);

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--seconds", paramLabel = "N", defaultValue = "20",
      description = "How long each run lasts, in seconds (1..3600; default ${DEFAULT-VALUE}).")
  int seconds;

  @Mixin
  WorkloadOptions options = new WorkloadOptions();

  @Option(names = "--compare",
      description = "Run the workload twice, on Echo and on a plain ForkJoinPool, and compare.")
  boolean compare;

  @Option(names = "--jfr", paramLabel = "FILE",
      description = "Record a JDK Flight Recorder file with Echo's events (land.echo.*) and the JDK's defaults.")
  Path jfrFile;

  @Option(names = "--metrics-port", paramLabel = "N",
      description = "Serve the Echo run's meters for Prometheus at http://127.0.0.1:N/metrics while the demo runs.")
  Integer metricsPort;

  @Option(names = "--dashboard",
      description = "Serve a live dashboard of the Echo run (printed: its URL and control token).")
  boolean dashboard;

  @Option(names = "--port", paramLabel = "N",
      description = "The dashboard's port on 127.0.0.1 (default: a free one).")
  Integer dashboardPort;

  @Option(names = "--linger",
      description = "With --dashboard: keep serving after the report until Ctrl-C.")
  boolean linger;

  @Option(names = "--cluster", paramLabel = "N",
      description = "Index the sources across N member processes (2..8) on 127.0.0.1 instead, as cluster "
          + "effects, killing node 2 with SIGKILL partway; reports each member's work, the effects re-run after "
          + "the failover, and lost work (see docs/cluster.md).")
  Integer cluster;


  private final boolean terminal;
  private final Path javaHome;
  private final Optional<Path> echoHome;
  private ShutdownReport lastShutdown;
  private ServiceGuard lastGuard;

  /**
   * Creates the command.
   *
   * @param terminal whether output is an interactive terminal
   * @param javaHome the JDK home whose {@code lib/src.zip} is the default source
   * @param echoHome the repository checkout used when that archive is missing
   */
  public DemoCommand(boolean terminal, Path javaHome, Optional<Path> echoHome) {
    this.terminal = terminal;
    this.javaHome = javaHome;
    this.echoHome = echoHome;
  }

  /** Runs the demo; returns 0, or 1 if the Echo run lost work (which would be a bug). */
  @Override
  public Integer call() throws Exception {
    if (seconds < 1 || seconds > MAX_SECONDS) {
      throw usage("--seconds must be between 1 and " + MAX_SECONDS + ", was " + seconds);
    }
    if (options.workers != null && options.workers < 1) {
      throw usage("--workers must be at least 1, was " + options.workers);
    }
    if (cluster != null) {
      checkClusterOptions();
      return runCluster();
    }
    if (metricsPort != null && (metricsPort < 0 || metricsPort > 65_535)) {
      throw usage("--metrics-port must be between 0 and 65535, was " + metricsPort);
    }
    if ((dashboardPort != null || linger) && !dashboard) {
      throw usage((dashboardPort != null ? "--port" : "--linger") + " needs --dashboard");
    }
    if (dashboardPort != null && (dashboardPort < 0 || dashboardPort > 65_535)) {
      throw usage("--port must be between 0 and 65535, was " + dashboardPort);
    }
    if (dashboardPort != null && dashboardPort != 0) {
      // Said before the run starts, not after the sources are loaded (the server binds later).
      try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
        probe.bind(new java.net.InetSocketAddress("127.0.0.1", dashboardPort));
      } catch (IOException e) {
        throw usage("--port " + dashboardPort + ": 127.0.0.1:" + dashboardPort + " is in use (" + e.getMessage()
            + "); choose another, or leave --port out for a free one");
      }
    }
    int parallelism = options.workers != null ? options.workers : SchedulerConfig.defaultWorkers();
    Path path = sourcePath();
    PrintWriter out = spec.commandLine().getOut();
    try (DemoTelemetry telemetry = DemoTelemetry.start(jfrFile, metricsPort);
        DemoDashboard live = dashboard ? new DemoDashboard(dashboardPort == null ? 0 : dashboardPort, out) : null;
        SourceTree tree = openTree(path)) {
      if (telemetry.endpointUrl() != null) {
        out.printf(Locale.ROOT, "Prometheus metrics of the Echo run: %s%n", telemetry.endpointUrl());
      }
      if (tree.files().isEmpty()) {
        throw usage("--source: no .java files found in " + path);
      }
      WorkloadSettings settings = WorkloadSettings.defaults(Duration.ofSeconds(seconds), parallelism);
      printHeader(out, tree, settings);
      if (options.source == null && !path.endsWith(Path.of("lib", "src.zip"))) {
        out.printf(Locale.ROOT, "  (%s has no lib/src.zip: indexing this repository's sources instead)%n%n", javaHome);
      }
      warmUp(tree);
      if (compare) {
        // Whichever run came second would otherwise profit from the first: compiled code, a grown
        // heap. Both variants run unmeasured first, so both measured runs start equally warm.
        Duration warm = WARM_UP_RUN.compareTo(settings.duration()) < 0 ? WARM_UP_RUN : settings.duration();
        out.printf(Locale.ROOT, "Warming up: each variant runs %d s unmeasured first.%n%n", warm.toSeconds());
        out.flush();
        WorkloadSettings warmSettings = WorkloadSettings.defaults(warm, parallelism);
        runOnce(null, tree, warmSettings, r -> new EchoWorkload(r, null, false));
        runOnce(null, tree, warmSettings, ForkJoinWorkload::new);
      }
      WorkloadResult echo = runOnce(out, tree, settings,
          r -> new EchoWorkload(r, telemetry.registry(), telemetry.recordsJfr(), live));
      if (!compare) {
        endProgress(out);
        out.print(DemoReport.single(echo));
        out.println();
        out.println(shutdownLine(echo));
        printJfr(out, telemetry);
        out.flush();
        lingerIfAsked(out, live);
        return echo.lost() == 0 ? 0 : 1;
      }
      WorkloadResult forkJoin = runOnce(out, tree, settings, ForkJoinWorkload::new);
      endProgress(out);
      out.print(DemoReport.sideBySide(echo, forkJoin));
      out.println("Both runs did the same work: the same files, query and service mix, timeouts and retry");
      out.println("schedule. Echo ran queries at HIGH, service calls at NORMAL and indexing at LOW; the");
      out.println("ForkJoinPool has no priorities, so a query waits behind queued indexing work.");
      out.println(shutdownLine(echo));
      printJfr(out, telemetry);
      out.flush();
      lingerIfAsked(out, live);
      return echo.lost() == 0 ? 0 : 1;
    } catch (IOException e) {
      spec.commandLine().getErr().println("echoctl demo: cannot read sources at " + path + ": " + e.getMessage());
      return 1;
    }
  }

  /** Refuses a bad {@code --cluster N}, and the options the cluster demo does not take. */
  private void checkClusterOptions() {
    if (cluster < 2 || cluster > MAX_CLUSTER_MEMBERS) {
      throw usage("--cluster must be between 2 and " + MAX_CLUSTER_MEMBERS + " member processes, was " + cluster);
    }
    String other = compare ? "--compare" : jfrFile != null ? "--jfr" : metricsPort != null ? "--metrics-port"
        : dashboard ? "--dashboard" : dashboardPort != null ? "--port" : linger ? "--linger" : null;
    if (other != null) {
      throw usage("--cluster cannot be combined with " + other
          + ": the cluster demo runs only the indexing workload, across member processes");
    }
    if (spec.commandLine().getParseResult().hasMatchedOption("--seconds")) {
      throw usage("--seconds does not apply to --cluster, which indexes every file once"
          + " (choose the sources with --source)");
    }
  }

  /**
   * {@code --cluster N}: the indexing workload across N {@code echoctl node} processes, one killed
   * partway (see {@link ClusterDemo}); returns 0 only when nothing was lost and nothing failed.
   */
  private int runCluster() throws InterruptedException {
    Path path = sourcePath();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ClusterDemo.Result result;
    Path log = null;
    try (SourceTree tree = openTree(path)) {
      if (tree.files().isEmpty()) {
        throw usage("--source: no .java files found in " + path);
      }
      if (options.source == null && !path.endsWith(Path.of("lib", "src.zip"))) {
        out.printf(Locale.ROOT, "(%s has no lib/src.zip: indexing this repository's sources instead)%n", javaHome);
      }
      log = Files.createTempFile("echoctl-demo-cluster-", ".log");
      result = new ClusterDemo(nodeLauncher(), cluster, tree, path, options.workers, log, out, terminal).run();
    } catch (IllegalStateException e) {
      // A member did not start, or the cluster did not form: the message names the node and the log.
      out.flush();
      err.println("echoctl demo: " + e.getMessage());
      err.flush();
      return 1;
    } catch (IOException e) {
      out.flush();
      err.println("echoctl demo: " + (log == null ? "cannot read sources at " + path + ": " + e.getMessage()
          : e.getMessage() + " (member output: " + log + ")"));
      err.flush();
      return 1;
    }
    out.print(result.report());
    out.flush();
    if (!result.ok()) {
      err.printf(Locale.ROOT, "echoctl demo: %,d lost, %,d failed; member output: %s%n", result.lost(),
          result.failed(), result.log());
      err.flush();
      return 1;
    }
    return 0;
  }

  /**
   * The command that runs {@code echoctl node} in a JVM of its own: this JVM's java and class path,
   * the module options ./echoctl gives Hazelcast, a modest heap (several members share the machine),
   * the serial collector (fewer threads on a few shared CPUs) and only the C1 compiler (less CPU
   * spent compiling in short-lived members: on a 2-CPU machine, one run each way, the whole demo
   * used 22% less CPU time for 3,000 files and 6% less for 15,224).
   */
  static List<String> nodeLauncher() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--add-modules", "java.se",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), EchoCommand.class.getName(), "node"));
    return command;
  }

  /** With {@code --linger}, keeps the dashboard serving the finished run until the process is stopped. */
  private void lingerIfAsked(PrintWriter out, DemoDashboard live) throws InterruptedException {
    if (!linger || live == null || live.dashboard() == null) {
      return;
    }
    out.printf(Locale.ROOT, "The dashboard keeps serving the finished run at %s; press Ctrl-C to stop.%n",
        live.dashboard().url());
    out.flush();
    new java.util.concurrent.CountDownLatch(1).await(); // until Ctrl-C ends the JVM
  }

  /** Writes the recording, if any, and says where it is. */
  private static void printJfr(PrintWriter out, DemoTelemetry telemetry) throws IOException {
    Path written = telemetry.dumpJfr();
    if (written != null) {
      out.printf(Locale.ROOT, "JFR recording: %s (jfr print --events land.echo.EffectExecuted %s)%n", written, written);
    }
  }

  private Path sourcePath() {
    if (options.source != null) {
      if (!Files.exists(options.source)) {
        throw usage("--source: no such file or directory: " + options.source);
      }
      return options.source;
    }
    return SourceTree.locateDefault(javaHome, echoHome).orElseThrow(() -> usage(
        "no sources to index: " + javaHome.resolve("lib").resolve("src.zip") + " is missing"
            + (echoHome.isPresent() ? " and " + echoHome.get() + " is not a directory" : "")
            + "; pass --source PATH (a directory or .zip of Java sources)"));
  }

  private SourceTree openTree(Path path) throws IOException {
    try {
      return SourceTree.open(path);
    } catch (IllegalArgumentException e) {
      throw usage("--source: " + e.getMessage());
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private void printHeader(PrintWriter out, SourceTree tree, WorkloadSettings s) {
    out.printf(Locale.ROOT, "Echo demo: an editor backend on %s%n", tree.description());
    out.printf(Locale.ROOT, "  %d worker%s, %d s per run%s%n", s.parallelism(), s.parallelism() == 1 ? "" : "s",
        s.duration().toSeconds(),
        compare ? ", on Echo and then on a plain ForkJoinPool" : "");
    out.printf(Locale.ROOT, "  LOW     indexing every file (blocking read, then tokenizing), %d files in flight%n",
        s.indexingWindow());
    out.printf(Locale.ROOT, "  HIGH    %d interactive queries/s, %d ms budget each%n",
        1_000 / Math.max(1, s.queryInterval().toMillis()), s.queryTimeout().toMillis());
    out.printf(Locale.ROOT, "  NORMAL  %d symbol-service requests/s, %.0f%% of calls fail, up to %d retries from %d ms%n",
        1_000 / Math.max(1, s.serviceInterval().toMillis()), s.serviceFailureRate() * 100, s.maxRetries(),
        s.initialBackoff().toMillis());
    out.println();
    out.flush();
  }

  /**
   * Reads, tokenizes and indexes (into a throwaway index) up to {@link #WARM_UP_FILES} files on
   * this thread, so the JIT has compiled the workload's own code before the first measured run;
   * without it, the first of the two {@code --compare} runs would also measure compilation.
   */
  private static void warmUp(SourceTree tree) throws IOException {
    SourceIndex scratch = new SourceIndex();
    long deadline = System.nanoTime() + WARM_UP_LIMIT.toNanos();
    for (SourceFile file : tree.files()) {
      if (file.id() >= WARM_UP_FILES || System.nanoTime() > deadline) {
        break;
      }
      byte[] bytes = tree.read(file);
      scratch.add(file, JavaTokenizer.identifierCounts(new String(bytes, StandardCharsets.UTF_8)));
      InteractiveQuery.random(ThreadLocalRandom.current()).runOn(scratch);
    }
  }

  /** Runs one variant on a fresh index; shows progress on {@code out} (a terminal) unless it is null. */
  private WorkloadResult runOnce(PrintWriter out, SourceTree tree, WorkloadSettings settings,
      Function<DemoRun, Workload> variant) throws InterruptedException {
    System.gc(); // start without the previous run's index on the heap
    SourceIndex index = new SourceIndex();
    FlakySymbolService service = new FlakySymbolService(
        index, settings.serviceFailureRate(), () -> ThreadLocalRandom.current().nextDouble());
    DemoRun run = new DemoRun(tree, index, service, new DemoCounters(), settings);
    Workload workload = variant.apply(run);
    if (out == null) {
      return workload.run();
    }
    DemoProgress progress = DemoProgress.start(out, terminal, 0, workload.label(), tree.files().size(),
        run.counters(), run::retriesSoFar);
    try {
      return workload.run();
    } finally {
      progress.close();
      if (workload instanceof EchoWorkload echo) {
        lastShutdown = echo.shutdownReport();
        lastGuard = echo.serviceGuard();
      }
    }
  }

  /** Separates the progress lines (drawn on a terminal only) from the report with a blank line. */
  private void endProgress(PrintWriter out) {
    if (terminal) {
      out.println();
    }
  }

  private String shutdownLine(WorkloadResult echo) {
    ShutdownReport report = lastShutdown;
    String runtime = report == null ? "" : String.format(Locale.ROOT,
        "%,d in flight finished during shutdown, %,d cancelled at the deadline; ", report.completed(), report.cancelled());
    return String.format(Locale.ROOT, "Echo runtime shut down: %s%,d submitted, %,d completed, %,d lost.",
        runtime, echo.submitted(), echo.completed(), echo.lost())
        + (lastGuard == null ? "" : System.lineSeparator() + lastGuard.summary());
  }
}
