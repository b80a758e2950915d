package land.echo.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import land.echo.cli.demo.DemoCounters;
import land.echo.cli.demo.DemoDashboard;
import land.echo.cli.demo.DemoRun;
import land.echo.cli.demo.EchoWorkload;
import land.echo.cli.demo.FlakySymbolService;
import land.echo.cli.demo.SourceIndex;
import land.echo.cli.demo.SourceTree;
import land.echo.cli.demo.WorkloadResult;
import land.echo.cli.demo.WorkloadSettings;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the live dashboard costs a busy runtime: the demo's Echo workload (indexing the JDK's
 * sources at LOW, queries at HIGH, a flaky service at NORMAL, every worker busy) run for {@value
 * #RUN_SECONDS} s without the dashboard and {@value #RUN_SECONDS} s with it serving two Server-Sent
 * Events clients that read every update, back to back in each measurement, the order alternating
 * from one measurement to the next. The dashboard is open before its run starts (served, both
 * clients connected and four updates each received): what is measured is a runtime with the
 * dashboard open, not the one-time cost of starting Jetty. Each run starts on a fresh index at the same first file.
 * Secondary results: files indexed per second without ({@code filesPerSecondOff}) and with ({@code
 * filesPerSecondOn}) the dashboard, and their ratio per pair ({@code offOverOn}): pairing the two
 * runs cancels the drift of a shared machine between measurements, which single runs of the
 * workload show at about 10% (docs/measurements/2026-12-01b).
 *
 * <p>Target (issue 11): at most 2% fewer files indexed per second with the dashboard on, that is a
 * median {@code offOverOn} of at most 1/0.98. The pairs' spread on a shared two-core machine (one
 * pair's two runs differ by 10% and more, the JIT alone taking up to a fifth of the CPU in some
 * runs) is far wider than 2%, so the same question is also answered inside each run: JFR samples
 * the CPU while files are indexed ({@link CpuShare}), and {@code dashboardCpuPercent} is the share
 * of samples in the dashboard's code and in the Observatory that feeds it. With every core busy
 * indexing, that share is the share of the files per second it costs. The {@code control} arm runs
 * both runs of each pair without the dashboard: its paired ratio shows the method's own bias.
 *
 * <p>Run: {@code ./echoctl bench dashboard}. Thread-safety: JMH state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 8)
@Fork(1)
public class DashboardOverheadBenchmark {
  /** Seconds each run of the workload lasts. */
  static final int RUN_SECONDS = 10;

  /**
   * {@code dashboard}: the second run of each pair has the dashboard; {@code control}: neither
   * run has it, so the paired ratio's spread and bias are the method's own (an A/A test).
   */
  @Param({"dashboard", "control"})
  public String against;

  private SourceTree tree;
  private int pairs;

  /** The last pair's figures; JMH reports them beside the pair's time. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Files {
    /** Files indexed per second without the dashboard. */
    public double filesPerSecondOff;
    /** Files indexed per second with the dashboard and two SSE clients. */
    public double filesPerSecondOn;
    /** {@code filesPerSecondOff / filesPerSecondOn}: above 1 means the dashboard cost throughput. */
    public double offOverOn;
    /** Updates the two SSE clients received in the run with the dashboard. */
    public long updatesReceived;
    /**
     * Percent of the run-with-the-dashboard's CPU samples in the dashboard's own code (its server,
     * snapshots, JSON and streams) or in the Observatory that feeds it.
     */
    public double dashboardCpuPercent;
    /** Percent of that run's CPU samples in the two SSE clients (browsers, in a real deployment). */
    public double clientCpuPercent;
    /** Percent of the run-without-the-dashboard's CPU samples in the same code: 0 unless misattributed. */
    public double dashboardCpuPercentOff;
    /** CPU samples taken in the run with the dashboard. */
    public long samples;
  }

  /**
   * Code that is the dashboard's or its data source's, by qualified method name prefix: the
   * Observatory's HdrHistogram is the copy shaded into echo-observability; {@code org.HdrHistogram}
   * is Micrometer's, which the demo's metrics use with and without the dashboard.
   */
  static final List<String> DASHBOARD_CODE = List.of("land.echo.dashboard.", "land.echo.observability.live.",
      "land.echo.observability.internal.hdrhistogram.", "io.javalin.", "org.eclipse.jetty.", "com.fasterxml.jackson.",
      "land.echo.cli.demo.DemoDashboard.");
  /** The benchmark's SSE clients. */
  static final List<String> CLIENT_CODE = List.of("land.echo.bench.DashboardOverheadBenchmark.follow");

  /** One run's figures. */
  private record Run(double filesPerSecond, long[] samples) {
    double percent(int group) {
      long total = samples[samples.length - 1];
      return total == 0 ? 0 : 100.0 * samples[group] / total;
    }
  }

  /** Opens the JDK's sources, the demo's default workload. */
  @Setup(Level.Trial)
  public void open() throws Exception {
    Path sources = Path.of(System.getProperty("java.home"), "lib", "src.zip");
    if (!java.nio.file.Files.isRegularFile(sources)) {
      throw new IllegalStateException("the dashboard benchmark indexes the JDK's sources, and " + sources + " is missing");
    }
    tree = SourceTree.open(sources);
  }

  /** Closes the sources. */
  @TearDown(Level.Trial)
  public void close() throws Exception {
    tree.close();
  }

  /**
   * One pair of runs of the demo's Echo workload, without and with the dashboard.
   *
   * @param files where the pair's figures go
   * @return the ratio, so that nothing is dead code
   * @throws Exception if a run is interrupted
   */
  @Benchmark
  public double pair(Files files) throws Exception {
    LongAdder updates = new LongAdder();
    boolean dashboard = against.equals("dashboard");
    Run off;
    Run on;
    if (pairs++ % 2 == 0) {
      off = run(false, updates);
      on = run(dashboard, updates);
    } else {
      on = run(dashboard, updates);
      off = run(false, updates);
    }
    files.filesPerSecondOff = off.filesPerSecond();
    files.filesPerSecondOn = on.filesPerSecond();
    files.offOverOn = off.filesPerSecond() / on.filesPerSecond();
    files.updatesReceived = updates.sum();
    files.dashboardCpuPercent = on.percent(0);
    files.clientCpuPercent = on.percent(1);
    files.dashboardCpuPercentOff = off.percent(0);
    files.samples = on.samples()[2];
    return files.offOverOn;
  }

  /** One run of the workload, its CPU sampled in both arms alike. */
  private Run run(boolean dashboard, LongAdder updates) throws Exception {
    WorkloadSettings settings = WorkloadSettings.defaults(Duration.ofSeconds(RUN_SECONDS), Kinds.workers());
    SourceIndex index = new SourceIndex();
    FlakySymbolService service = new FlakySymbolService(
        index, settings.serviceFailureRate(), () -> ThreadLocalRandom.current().nextDouble());
    DemoRun run = new DemoRun(tree, index, service, new DemoCounters(), settings);
    DemoDashboard live = dashboard ? new DemoDashboard(0, new PrintWriter(Writer.nullWriter())) : null;
    List<Thread> clients = new ArrayList<>();
    try {
      EchoWorkload workload = new EchoWorkload(run, null, false, live); // starts the dashboard
      if (live != null) {
        URI events = live.dashboard().url().resolve("/api/events");
        for (int i = 0; i < 2; i++) {
          clients.add(Thread.ofPlatform().daemon().name("sse-client-" + i).start(() -> follow(events, updates)));
        }
        // The dashboard is open, not opening: its start (Jetty's threads, the JIT compiling the
        // server's code) and the clients' connections are done before the measured run starts.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (updates.sum() < 10 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        updates.reset();
      }
      try (CpuShare cpu = new CpuShare()) {
        Instant start = Instant.now();
        WorkloadResult result = workload.run();
        // Only while files are indexed: the figure compared is files per second, and after the
        // last file the workers are mostly idle, where any other thread's share is inflated.
        return new Run(result.filesPerSecond(),
            cpu.stop(start, result.indexingTime(), List.of(DASHBOARD_CODE, CLIENT_CODE)));
      }
    } finally {
      if (live != null) {
        live.close(); // ends the streams, and with them the clients
      }
      for (Thread client : clients) {
        client.join(5_000);
      }
    }
  }

  /**
   * Follows the event stream on a plain socket until the server closes it, counting updates. A
   * browser runs on another machine or at least in another process; a client in this JVM must cost
   * the workload as little as possible, so this one only reads bytes and counts the blank lines
   * that end events (the JDK's HttpClient, tried first, cost the workload about 7% by itself).
   */
  private static void follow(URI events, LongAdder updates) {
    try (Socket socket = new Socket(events.getHost(), events.getPort())) {
      socket.getOutputStream().write(("GET " + events.getPath() + " HTTP/1.1\r\nHost: " + events.getHost() + ":"
          + events.getPort() + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      byte previous = 0;
      for (int n; (n = in.read(buffer)) > 0; ) {
        for (int i = 0; i < n; i++) {
          byte b = buffer[i];
          if (b == '\n' && previous == '\n') {
            updates.increment(); // an event ends with an empty line (the headers' end counts once)
          }
          if (b != '\r') {
            previous = b;
          }
        }
      }
    } catch (IOException e) {
      // the dashboard closed the stream
    }
  }

  /** The table rows: files per second without and with the dashboard, and the paired ratio. */
  static List<Row> rows(Results r) {
    String m = "DashboardOverheadBenchmark.pair";
    Map<String, String> none = Map.of("against", "dashboard");
    Map<String, String> control = Map.of("against", "control");
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("dashboard", "demo files/s, without the dashboard against with it (2 SSE clients)", "files/s",
        r.secondaryMedian(m, none, "filesPerSecondOff"), "dashboard on", r.secondaryMedian(m, none, "filesPerSecondOn"),
        null));
    // Targets read "lower is better": at most 2% fewer files per second with the dashboard on is a
    // paired ratio off ÷ on of at most 1 / 0.98 = 1.0204.
    rows.add(new Row("dashboard", "paired ratio files/s off ÷ on (median of pairs)", "x",
        r.secondaryMedian(m, none, "offOverOn"), "—", OptionalDouble.empty(),
        Row.Target.echoAtMost(1 / 0.98, "<= 1.0204 (at most 2% fewer files/s)")));
    rows.add(new Row("dashboard", "control: paired ratio with neither run on the dashboard (the method's own bias)", "x",
        r.secondaryMedian(m, control, "offOverOn"), "—", OptionalDouble.empty(), null));
    rows.add(new Row("dashboard", "SSE updates received per run (2 clients)", "updates",
        r.secondaryMedian(m, none, "updatesReceived"), "—", OptionalDouble.empty(), null));
    // The same target read off the CPU: the share of the run's CPU samples in the dashboard's code
    // and the Observatory, a figure inside one run that the machine's drift does not blur.
    rows.add(new Row("dashboard", "CPU samples in the dashboard and its Observatory, run with the dashboard", "%",
        r.secondaryMedian(m, none, "dashboardCpuPercent"), "run without", r.secondaryMedian(m, none,
        "dashboardCpuPercentOff"), Row.Target.echoAtMost(2, "<= 2% of the CPU")));
    rows.add(new Row("dashboard", "CPU samples in the two SSE clients (not the dashboard's)", "%",
        r.secondaryMedian(m, none, "clientCpuPercent"), "—", OptionalDouble.empty(), null));
    rows.add(new Row("dashboard", "CPU samples per run with the dashboard", "samples",
        r.secondaryMedian(m, none, "samples"), "—", OptionalDouble.empty(), null));
    return rows;
  }
}
