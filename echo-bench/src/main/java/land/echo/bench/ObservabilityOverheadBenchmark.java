package land.echo.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Effects;
import land.echo.Environment;
import land.echo.jfr.JfrListener;
import land.echo.observability.NameTags;
import land.echo.observability.live.Observatory;
import land.echo.observability.micrometer.EchoMeters;
import land.echo.observability.otel.EchoTracing;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of observing an effect: the round trip {@code runtime.run(compute(..).named("bench"))}
 * on runtimes that differ only in what observes them, in one run, so that the ratios compare like
 * with like.
 *
 * <ul>
 *   <li>{@code none}: no listener, no propagator (the bare runtime);
 *   <li>{@code jfr}: {@link JfrListener} without a recording (what a production JVM pays);
 *   <li>{@code metrics}: {@link EchoMeters} on a Prometheus registry (timers with percentiles);
 *   <li>{@code tracing}: {@link EchoTracing} on the OpenTelemetry SDK, sampling every span ({@link
 *       RecordingTracer}: spans are recorded, timed and ended, then dropped; no exporter, so the
 *       export's own cost is not counted). Before 2026-12-01 the provider had no span processor,
 *       and such a provider hands out non-recording spans: the tracing rows measured until then
 *       were Echo's own work with no-op spans;
 *   <li>{@code both}: metrics and tracing;
 *   <li>{@code observatory}: the live dashboard's data source ({@link Observatory}).
 * </ul>
 *
 * <p>Anchor: {@code CompletableFuture.supplyAsync(() -> x, commonPool()).join()}, the same round
 * trip {@code EffectOverheadBenchmark} compares {@code run(succeed)} with, so that the {@code none}
 * case can be set against the committed ratio of docs/benchmarks.md (no-listener cost "within
 * noise" of the runtime before observability). Target (issue 9), on {@code run(effect)}, the
 * round trip: {@code both} at most 1.3x {@code none}. The round trip cannot resolve it on a shared
 * machine: its two thread wake-ups follow the CPUs' idle states (round trips of about 9 to 86 µs at
 * the median in docs/measurements/2026-11-30), and
 * the ratio of "both" to "none" measured 0.94x in one full run and 2.17x in the next (pairing the
 * two runtimes round trip by round trip in the same iterations did not help: each runtime's
 * workers wake from their own state, and the p50s landed in different modes). The batch ({@link
 * #echoBatch()}) is what this machine can measure, the CPU cost per effect while the workers stay
 * busy; the report holds both against the target.
 *
 * <p>Run: {@code ./echoctl bench observability} (add {@code --quick} for a short run): the report
 * shows every observed case as a ratio to {@code none} of the same run, for the round trip and for
 * the batch. Directly through JMH: {@code java -cp echo-bench/target/echo-bench.jar
 * org.openjdk.jmh.Main ObservabilityOverhead -jvmArgsAppend
 * "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn"}
 * (add {@code -prof stack} to see where the time goes). Thread-safety: JMH state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ObservabilityOverheadBenchmark {
  private static final Effects<Void> EFFECTS = Effects.failingWith(Void.class);

  /** What observes the runtime. */
  @Param({"none", "jfr", "metrics", "tracing", "both", "observatory"})
  public String observers;

  private ApplicationRuntime runtime;
  private SdkTracerProvider tracerProvider;
  private ActionEffect<Void, Integer> effect;
  private Integer value;
  /** Effects per {@link #echoBatch()} call. */
  static final int BATCH = 1_000;

  @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array, filled and read only here
  private final EffectHandle<Void, Integer>[] batch = new EffectHandle[BATCH];

  /** Builds the runtime with the observers of this trial. */
  @Setup(Level.Trial)
  public void setUp() {
    value = 42;
    Integer v = value;
    effect = EFFECTS.compute(token -> v).named("bench");
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(Kinds.workers()).build());
    ApplicationRuntime.Builder builder = ApplicationRuntime.builder().environment(Environment.empty()).scheduler(scheduler);
    if (observers.equals("jfr")) {
      builder.listener(JfrListener.create());
    }
    if (observers.equals("observatory")) {
      builder.listener(Observatory.create(NameTags.ofDefaults(), land.echo.time.Clock.system(), 0)); // as the dashboard uses it
    }
    if (observers.equals("metrics") || observers.equals("both")) {
      builder.listener(EchoMeters.builder(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).scheduler(scheduler).build());
    }
    if (observers.equals("tracing") || observers.equals("both")) {
      tracerProvider = RecordingTracer.provider();
      EchoTracing.create(tracerProvider.get("bench")).install(builder);
    }
    runtime = builder.build();
  }

  /** Stops the runtime. */
  @TearDown(Level.Trial)
  public void tearDown() {
    runtime.shutdown(Duration.ofSeconds(5));
    if (tracerProvider != null) {
      tracerProvider.close();
    }
  }

  /**
   * Echo: {@code runtime.run(compute(token -> x).named("bench"))}.
   *
   * @return the effect's value
   */
  @Benchmark
  public Integer echoRun() {
    return runtime.run(effect).getOrThrow();
  }

  /**
   * Echo, throughput: submits {@value #BATCH} such effects, then waits for all of them; reported
   * per effect. A round trip on a loaded two-core machine is dominated by how fast a parked thread
   * wakes up; a batch keeps the workers busy, so what observing costs per effect shows.
   *
   * @return the last effect's value
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Integer echoBatch() {
    EffectHandle<Void, Integer>[] handles = batch;
    for (int i = 0; i < BATCH; i++) {
      handles[i] = runtime.submit(effect);
    }
    Integer last = null;
    for (int i = 0; i < BATCH; i++) {
      last = handles[i].join().getOrThrow();
    }
    return last;
  }

  /**
   * Anchor: {@code CompletableFuture.supplyAsync(() -> value, commonPool()).join()} (the same in
   * every trial; its spread across trials shows the run's noise).
   *
   * @return the future's value
   */
  @Benchmark
  public Integer cfSupplyAsyncJoin() {
    Integer v = value;
    return CompletableFuture.supplyAsync(() -> v, ForkJoinPool.commonPool()).join();
  }
}
