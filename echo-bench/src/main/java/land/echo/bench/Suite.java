package land.echo.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import land.echo.bench.Row.Target;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.profile.Profiler;

/**
 * The catalogue of benchmarks the runner knows: for each, the JMH classes that implement it, the
 * JMH settings of a full and of a quick run, and how its results become rows of the table with
 * their targets (issue 3, "Targets", as revised by issue 8, "Scheduler performance"). Not
 * instantiable; immutable.
 */
final class Suite {

  /**
   * JMH iteration settings.
   *
   * @param forks forked JVMs
   * @param warmups warm-up iterations
   * @param measurements measured iterations
   * @param seconds length of a timed iteration, or 0 for single-shot benchmarks
   */
  record Settings(int forks, int warmups, int measurements, int seconds) {
    @Override
    public String toString() {
      return forks + " fork(s), " + warmups + " warm-up + " + measurements + " measured iterations"
          + (seconds > 0 ? " of " + seconds + " s" : " (single shot)");
    }
  }

  /**
   * One benchmark of the suite.
   *
   * @param name the name used on the command line
   * @param classes the JMH classes run for it
   * @param profilers extra JMH profilers it needs
   * @param full settings of a full run
   * @param quick settings of a {@code --quick} run
   * @param rows turns the results into table rows
   */
  record Bench(
      String name,
      List<Class<?>> classes,
      List<Class<? extends Profiler>> profilers,
      Settings full,
      Settings quick,
      Function<Results, List<Row>> rows) {}

  private static final List<String> EXECUTOR_ANCHORS = List.of(
      Kinds.FJP_ASYNC, Kinds.FJP_SYNC, Kinds.TPE_FIXED, Kinds.TPE_PRIORITY, Kinds.VIRTUAL, Kinds.CE_WSTP, Kinds.ZIO);

  /**
   * The documented bound on LOW's wait under continuous HIGH load, in microseconds, for the
   * starvation benchmark's parameters; see {@link #starvationRows}.
   */
  static final double STARVATION_BOUND_MICROS = StarvationBound.micros();

  /** Every benchmark, in the order the runner runs them. */
  static final List<Bench> ALL = List.of(
      // Ten warm-up shots, as for skynet: in run Q (docs/measurements/2026-12-02c) Echo's shots in a
      // JVM fell from 891-1,151 ms through all three warm-ups and the five measured ones (to
      // 203-272 ms), while ForkJoinPool's were flat from the third on.
      new Bench("scheduling", List.of(SchedulingBenchmark.class), List.of(),
          new Settings(2, 10, 5, 0), new Settings(1, 1, 3, 0), Suite::schedulingRows),
      // Ten warm-up shots, not three: a JVM's Echo tree kept getting faster through 25 single shots
      // (184 ms down to 77), so three measured part of the JIT's work (docs/measurements/2026-12-02b).
      new Bench("skynet", List.of(SkynetBenchmark.class), List.of(),
          new Settings(2, 10, 5, 0), new Settings(1, 1, 3, 0), Suite::skynetRows),
      new Bench("pingpong", List.of(PingPongBenchmark.class), List.of(),
          new Settings(2, 3, 5, 0), new Settings(1, 1, 3, 0), Suite::pingPongRows),
      new Bench("priority", List.of(PriorityIsolationBenchmark.class), List.of(LatencyProfiler.class),
          new Settings(1, 1, 5, 0), new Settings(1, 1, 2, 0), Suite::priorityRows),
      new Bench("starvation", List.of(StarvationBenchmark.class), List.of(LatencyProfiler.class),
          new Settings(1, 1, 5, 0), new Settings(1, 1, 2, 0), Suite::starvationRows),
      new Bench("overhead", List.of(EffectOverheadBenchmark.class, FlatMapBenchmark.class), List.of(),
          new Settings(2, 3, 5, 1), new Settings(1, 1, 3, 1), Suite::overheadRows),
      // Twenty warm-up shots and ten measured: every kind's burst kept getting faster through the
      // first twenty shots of a JVM (Echo's from 240 ms to 15, the virtual threads' from 100 to 14),
      // so with three the measured shots were the JIT's work (docs/measurements/2026-12-02d).
      new Bench("blocking", List.of(BlockingBurstBenchmark.class), List.of(),
          new Settings(2, 20, 10, 0), new Settings(1, 1, 3, 0), Suite::blockingRows),
      new Bench("allocation", List.of(AllocationBenchmark.class), List.of(GCProfiler.class),
          new Settings(1, 3, 5, 1), new Settings(1, 1, 3, 1), Suite::allocationRows),
      new Bench("timers", List.of(TimerIsolationBenchmark.class), List.of(LatencyProfiler.class),
          new Settings(2, 3, 10, 0), new Settings(1, 2, 5, 0), Suite::timerRows),
      new Bench("idle", List.of(IdleLatencyBenchmark.class), List.of(LatencyProfiler.class),
          new Settings(1, 3, 5, 0), new Settings(1, 2, 3, 0), Suite::idleRows),
      new Bench("observability", List.of(ObservabilityOverheadBenchmark.class, ObservingEnginesBenchmark.class), List.of(),
          new Settings(2, 3, 5, 1), new Settings(1, 2, 3, 1), Suite::observabilityRows),
      new Bench("resilience", List.of(ResilienceBenchmark.class), List.of(GCProfiler.class),
          new Settings(1, 3, 5, 1), new Settings(1, 1, 3, 1), ResilienceBenchmark::rows),
      new Bench("dashboard", List.of(DashboardOverheadBenchmark.class), List.of(),
          new Settings(1, 2, 8, 0), new Settings(1, 1, 3, 0), DashboardOverheadBenchmark::rows),
      new Bench("cluster", List.of(ClusterBenchmark.class, ClusterLatencyBenchmark.class),
          // 14 warm-up iterations: about two minutes for either class, which every engine needs on
          // two CPUs before its throughput levels off (see ClusterBenchmark).
          List.of(LatencyProfiler.class), new Settings(1, 14, 5, 10), new Settings(1, 1, 3, 5), Suite::clusterRows),
      new Bench("cluster-failover", List.of(ClusterFailoverBenchmark.class), List.of(),
          new Settings(1, 0, 5, 0), new Settings(1, 0, 2, 0), ClusterFailoverBenchmark::rows));

  private Suite() {}

  static List<Row> clusterRows(Results r) {
    List<Row> rows = new java.util.ArrayList<>(ClusterBenchmark.rows(r));
    rows.addAll(ClusterLatencyBenchmark.rows(r));
    return rows;
  }

  /** Returns the benchmark called {@code name}. */
  static Optional<Bench> byName(String name) {
    return ALL.stream().filter(b -> b.name().equals(name)).findFirst();
  }

  /** Returns the names of all benchmarks. */
  static List<String> names() {
    return ALL.stream().map(Bench::name).toList();
  }

  private static List<Row> schedulingRows(Results r) {
    return kindRows(r, "scheduling", "time per run (10,000 chains x 1,000)", "SchedulingBenchmark.scheduling",
        EXECUTOR_ANCHORS, Map.of(Kinds.FJP_ASYNC, Target.ratioAtMost(1.0, "<= 1.00x (>= 1.0x FJP asyncMode)")));
  }

  private static List<Row> skynetRows(Results r) {
    Target cf = Target.ratioAtMost(1.0, "<= 1.00x (>= 1.0x CF)");
    Target ce = Target.ratioAtMost(1.0, "<= 1.00x (>= CE3)");
    return kindRows(r, "skynet", "time per 1M-leaf tree", "SkynetBenchmark.skynet",
        List.of("cf", "virtual", "ce3", "zio"), Map.of("cf", cf, "ce3", ce));
  }

  private static List<Row> pingPongRows(Results r) {
    return kindRows(r, "pingpong", "time per 1,000,000 round trips", "PingPongBenchmark.pingPong",
        EXECUTOR_ANCHORS, Map.of(
            Kinds.CE_WSTP, Target.ratioAtMost(1.0, "<= 1.00x CE WSTP"),
            Kinds.ZIO, Target.ratioAtMost(1.0, "<= 1.00x ZIO")));
  }

  private static List<Row> priorityRows(Results r) {
    String method = "PriorityIsolationBenchmark.priorityIsolation";
    List<Row> rows = new ArrayList<>();
    for (String pct : List.of("p50", "p99", "p99.9")) {
      String label = "latency.high." + pct;
      var echo = r.secondaryMedian(method, Map.of("kind", Kinds.ECHO), label);
      if (pct.equals("p99")) {
        rows.add(new Row("priority", "HIGH submit-to-start " + pct, "us", echo, "—", java.util.OptionalDouble.empty(),
            Target.echoAtMost(1_000, "Echo HIGH p99 <= 1 ms")));
      }
      for (String anchor : EXECUTOR_ANCHORS) {
        Target target = pct.equals("p99") && !anchor.equals(Kinds.TPE_PRIORITY)
            ? Target.ratioAtMost(0.01, "<= 0.01x (anchor >= 100x worse)")
            : null;
        rows.add(new Row("priority", "HIGH submit-to-start " + pct, "us", echo, anchor,
            r.secondaryMedian(method, Map.of("kind", anchor), label), target));
      }
    }
    return rows;
  }

  private static List<Row> starvationRows(Results r) {
    String method = "StarvationBenchmark.starvation";
    Map<String, String> echo = Map.of("kind", Kinds.ECHO);
    Map<String, String> anchor = Map.of("kind", Kinds.TPE_PRIORITY);
    String picksLabel = "latency.lowWaitPicks.max.count";
    List<Row> rows = new ArrayList<>();
    var echoPicks = r.secondaryMedian(method, echo, picksLabel);
    rows.add(new Row("starvation", "LOW max wait, in HIGH tasks started meanwhile", "#", echoPicks, "—",
        java.util.OptionalDouble.empty(),
        Target.echoAtMost(StarvationBound.poolPicks(), "<= documented bound " + StarvationBound.describePicks())));
    rows.add(new Row("starvation", "LOW max wait, in HIGH tasks started meanwhile", "#", echoPicks, Kinds.TPE_PRIORITY,
        r.secondaryMedian(method, anchor, picksLabel), null));
    // The bound is about the oldest LOW task; a task behind a backlog of earlier LOW tasks waits for
    // them too. Reported beside the target, without one of its own (see StarvationBenchmark).
    rows.add(new Row("starvation", "LOW max wait once it was the oldest LOW task, in HIGH tasks started meanwhile", "#",
        r.secondaryMedian(method, echo, "latency.lowOldestPicks.max.count"), "—", java.util.OptionalDouble.empty(), null));
    rows.add(new Row("starvation", "LOW tasks submitted late, at once after the one before (the submitting thread fell behind)", "#",
        r.secondaryMedian(method, echo, "latency.lowLateSubmissions.count"), "—", java.util.OptionalDouble.empty(), null));
    var echoMax = r.secondaryMedian(method, echo, "latency.low.max");
    String timeMetric = "LOW max wait in time (the same bound is " + Math.round(STARVATION_BOUND_MICROS)
        + " us only if the workers always have a CPU)";
    rows.add(new Row("starvation", timeMetric, "us", echoMax, Kinds.TPE_PRIORITY,
        r.secondaryMedian(method, anchor, "latency.low.max"), null));
    rows.add(new Row("starvation", "LOW p50 wait", "us", r.secondaryMedian(method, echo, "latency.low.p50"),
        Kinds.TPE_PRIORITY, r.secondaryMedian(method, anchor, "latency.low.p50"), null));
    rows.add(new Row("starvation", "LOW tasks started while HIGH load lasted (of "
        + Integer.parseInt(StarvationBenchmark.DEFAULT_WINDOW_MILLIS) / Integer.parseInt(StarvationBenchmark.DEFAULT_LOW_SPACING_MILLIS)
        + ")", "#", r.secondaryMedian(method, echo, "latency.lowStartedUnderLoad.count"), Kinds.TPE_PRIORITY,
        r.secondaryMedian(method, anchor, "latency.lowStartedUnderLoad.count"), null));
    return rows;
  }

  private static List<Row> overheadRows(Results r) {
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("overhead", "run(succeed(x)) round trip", r.unit("EffectOverheadBenchmark.echoRunPure", Map.of()),
        r.median("EffectOverheadBenchmark.echoRunPure", Map.of()), "cf supplyAsync.join",
        r.median("EffectOverheadBenchmark.cfSupplyAsyncJoin", Map.of()),
        Target.ratioAtMost(1.0, "<= 1.00x CF")));
    for (String depth : List.of("20", "1000")) {
      Map<String, String> p = Map.of("depth", depth);
      var echo = r.median("FlatMapBenchmark.echo", p);
      String unit = r.unit("FlatMapBenchmark.echo", p);
      rows.add(new Row("overhead", "flatMap chain depth " + depth, unit, echo, "zio",
          r.median("FlatMapBenchmark.zio", p), Target.ratioAtMost(1.0, "<= 1.00x (>= ZIO)")));
      rows.add(new Row("overhead", "flatMap chain depth " + depth, unit, echo, "ce3",
          r.median("FlatMapBenchmark.ce3", p), Target.ratioAtMost(1.0, "<= 1.00x (>= CE3)")));
    }
    return rows;
  }

  /**
   * Rows of {@link BlockingBurstBenchmark}: Echo's median time against each anchor's, and the
   * spread of Echo's single-shot times against the virtual threads': the range (max - min) of
   * every measured iteration's time, all forks together, from JMH's raw iteration results (see
   * {@link Results#range}). Target (issue 8): at most 1.2x the virtual threads' time, with a spread
   * no wider than theirs.
   */
  private static List<Row> blockingRows(Results r) {
    String method = "BlockingBurstBenchmark.blockingBurst";
    List<Row> rows = new ArrayList<>(kindRows(r, "blocking", "time per 10,000 x 10 ms blocking calls", method,
        List.of("virtual", "pool200"), Map.of("virtual", Target.ratioAtMost(1.2, "<= 1.20x VT"))));
    Map<String, String> echo = Map.of("kind", Kinds.ECHO);
    rows.add(new Row("blocking", "spread of the single-shot times (max - min of all measured iterations)",
        r.unit(method, echo), r.range(method, echo), "virtual", r.range(method, Map.of("kind", "virtual")),
        Target.ratioAtMost(1.0, "Echo spread <= VT spread")));
    return rows;
  }

  private static List<Row> allocationRows(Results r) {
    String norm = "gc.alloc.rate.norm";
    var cf = r.secondaryMedian("AllocationBenchmark.cfSupplyAsyncJoin", Map.of(), norm);
    return List.of(
        new Row("allocation", "bytes per run(compute(..))", "B/op",
            r.secondaryMedian("AllocationBenchmark.echoRunCompute", Map.of(), norm), "cf supplyAsync.join", cf,
            Target.ratioAtMost(1.2, "<= 1.20x CF bytes")),
        new Row("allocation", "bytes per run(succeed(x))", "B/op",
            r.secondaryMedian("AllocationBenchmark.echoRunPure", Map.of(), norm), "cf supplyAsync.join", cf, null));
  }

  private static List<Row> timerRows(Results r) {
    String method = "TimerIsolationBenchmark.timerIsolation";
    Map<String, String> any = Map.of();
    String burst = "20,000 timeouts of another runtime";
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("timers", "probe timeout's lateness, " + burst + " due at its instant", "us",
        r.secondaryMedian(method, any, "latency.probe.burst"), "same probe, no burst",
        r.secondaryMedian(method, any, "latency.probe.baseline"),
        Target.echoAtMost(5_000, "Echo <= 5 ms")));
    rows.add(new Row("timers", "timer thread's own lateness at that instant (plain Timer.system() action)",
        "us", r.secondaryMedian(method, any, "latency.probe.timerThread"), "—", java.util.OptionalDouble.empty(), null));
    for (String pct : List.of("p50", "max")) {
      rows.add(new Row("timers", "lateness of the 20,000 burst timeouts, " + pct,
          "us", r.secondaryMedian(method, any, "latency.burst." + pct), "—", java.util.OptionalDouble.empty(), null));
    }
    return rows;
  }

  /**
   * Rows of {@link IdleLatencyBenchmark}: Echo's p50 and p99 submit-to-start latency on an idle
   * pool (the medians of the per-iteration percentiles) against each anchor's, and the bare
   * scheduler's against ForkJoinPool's. Target (issue 8): the runtime's p50 and p99 each at most
   * 1.0x ForkJoinPool asyncMode's.
   */
  private static List<Row> idleRows(Results r) {
    String method = "IdleLatencyBenchmark.idleLatency";
    List<Row> rows = new ArrayList<>();
    for (String pct : List.of("p50", "p99")) {
      String label = "latency.idle." + pct;
      var echo = r.secondaryMedian(method, Map.of("kind", Kinds.ECHO), label);
      for (String anchor : List.of(Kinds.FJP_ASYNC, Kinds.CE_WSTP, Kinds.VIRTUAL)) {
        Target target = anchor.equals(Kinds.FJP_ASYNC) ? Target.ratioAtMost(1.0, "<= 1.00x FJP async") : null;
        rows.add(new Row("idle", "submit-to-start on an idle pool, " + pct, "us", echo, anchor,
            r.secondaryMedian(method, Map.of("kind", anchor), label), target));
      }
      // The bare scheduler, without the effect, handle and fiber: the scheduler's share of Echo's
      // latency (no target; the issue's target is the runtime's, above).
      rows.add(new Row("idle", "submit-to-start on an idle pool, " + pct + ", bare EchoScheduler", "us",
          r.secondaryMedian(method, Map.of("kind", IdleLatencyBenchmark.BARE_SCHEDULER), label), Kinds.FJP_ASYNC,
          r.secondaryMedian(method, Map.of("kind", Kinds.FJP_ASYNC), label), null));
      // Both sides with the demo's 250 ms budget on each submission (no target of its own).
      rows.add(new Row("idle", "submit-to-start on an idle pool, " + pct + ", under a 250 ms timeout", "us",
          r.secondaryMedian(method, Map.of("kind", IdleLatencyBenchmark.ECHO_TIMEOUT), label), IdleLatencyBenchmark.FJP_TIMEOUT,
          r.secondaryMedian(method, Map.of("kind", IdleLatencyBenchmark.FJP_TIMEOUT), label), null));
    }
    return rows;
  }

  /**
   * Rows of {@link ObservabilityOverheadBenchmark}: each observed runtime against the runtime
   * without a listener, measured in the same run, for the round trip and for the batch; and the
   * runtime without a listener against the {@code CompletableFuture} round trip of the same trial,
   * the ratio {@code overhead} reports for the runtime before observability existed ("within
   * noise" of it). Target (issue 9): {@code run(effect)} with metrics and tracing together at most
   * 1.3x the same round trip without them, held against both the round trip (what the issue names,
   * but noise decides it here; see {@link ObservabilityOverheadBenchmark}) and the batch, the CPU
   * cost per effect with the workers busy.
   */
  private static List<Row> observabilityRows(Results r) {
    String bench = "observability";
    String cls = "ObservabilityOverheadBenchmark.";
    Map<String, String> none = Map.of("observers", "none");
    List<Row> rows = new ArrayList<>();
    rows.add(new Row(bench, "run(compute) round trip, no listener", r.unit(cls + "echoRun", none),
        r.median(cls + "echoRun", none), "cf supplyAsync.join", r.median(cls + "cfSupplyAsyncJoin", none), null));
    for (String method : List.of("echoRun", "echoBatch")) {
      String metric = method.equals("echoRun") ? "run(compute) round trip" : "per effect, batches of "
          + String.format(java.util.Locale.ROOT, "%,d", ObservabilityOverheadBenchmark.BATCH);
      var bare = r.median(cls + method, none);
      String unit = r.unit(cls + method, none);
      for (String observers : List.of("jfr", "metrics", "tracing", "both", "observatory")) {
        Target target = observers.equals("both") ? Target.ratioAtMost(1.3, "<= 1.30x no listener") : null;
        rows.add(new Row(bench, metric + ", " + observers, unit, r.median(cls + method, Map.of("observers", observers)),
            "no listener", bare, target));
      }
    }
    // The engines alone (no Echo code), against the whole budget the 1.3x target leaves per effect.
    var batchBare = r.median(cls + "echoBatch", none);
    var budget = batchBare.isPresent() ? java.util.OptionalDouble.of(0.3 * batchBare.getAsDouble()) : batchBare;
    String engines = "ObservingEnginesBenchmark.";
    for (String[] engine : List.of(new String[] {"micrometer", "metrics"}, new String[] {"otelSpan", "tracing"},
        new String[] {"both", "both"})) {
      rows.add(new Row(bench, "engines alone per effect, " + engine[1], r.unit(engines + engine[0], Map.of()),
          r.median(engines + engine[0], Map.of()), "0.3x no-listener batch (the budget)", budget, null));
    }
    return rows;
  }

  private static List<Row> kindRows(
      Results r, String bench, String metric, String method, List<String> anchors, Map<String, Target> targets) {
    Map<String, String> echoParams = Map.of("kind", Kinds.ECHO);
    var echo = r.median(method, echoParams);
    String unit = r.unit(method, echoParams);
    for (String anchor : anchors) {
      unit = "?".equals(unit) ? r.unit(method, Map.of("kind", anchor)) : unit;
    }
    List<Row> rows = new ArrayList<>();
    for (String anchor : anchors) {
      Map<String, String> params = Map.of("kind", anchor);
      rows.add(new Row(bench, metric, unit, echo, anchor, r.median(method, params), targets.get(anchor)));
    }
    return rows;
  }
}
