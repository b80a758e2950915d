package land.echo.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import land.echo.observability.micrometer.EchoMeters;
import land.echo.observability.otel.EchoTracing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the observing engines cost per effect on their own, with no Echo code around them: the
 * calls that {@code EchoMeters} makes into Micrometer and {@code EchoTracing} into the OpenTelemetry
 * SDK for one root effect, made directly on one thread. Set against {@link
 * ObservabilityOverheadBenchmark}'s bare runtime in the same run, it shows how much of issue 9's
 * 1.3x budget (30% of the bare cost per effect) the engines take before Echo does anything.
 *
 * <ul>
 *   <li>{@link #micrometer()}: two records on timers with percentiles, built as {@code EchoMeters}
 *       builds them (0.5, 0.95 and 0.99, one window), an outcome counter, and the in-flight adder
 *       up and down;
 *   <li>{@link #otelSpan()}: a span with the three attributes {@code EchoTracing} sets at
 *       submission, made current once (the scheduler hop), the {@code echo.started} event, the
 *       outcome attribute and the end; {@link RecordingTracer}, spans recorded then dropped (as in
 *       {@code ObservabilityOverheadBenchmark});
 *   <li>{@link #both()}: the two together.
 * </ul>
 *
 * <p>Run: {@code ./echoctl bench observability} runs it with the overhead benchmark. Thread-safety:
 * JMH state.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ObservingEnginesBenchmark {
  private static final AttributeKey<String> NAME = AttributeKey.stringKey(EchoTracing.NAME);
  private static final AttributeKey<Long> ID = AttributeKey.longKey(EchoTracing.EFFECT_ID);
  private static final AttributeKey<String> PRIORITY = AttributeKey.stringKey(EchoTracing.PRIORITY);
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey(EchoTracing.OUTCOME);

  private Timer duration;
  private Timer queued;
  private Counter succeeded;
  private final LongAdder inFlight = new LongAdder();
  private SdkTracerProvider provider;
  private Tracer tracer;
  private long id;
  private long nanos = 1_000;

  /** Builds the meters and the tracer. */
  @Setup(Level.Trial)
  public void setUp() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    duration = Timer.builder(EchoMeters.DURATION).tags("name", "bench", "priority", "normal")
        .publishPercentiles(0.5, 0.95, 0.99).distributionStatisticBufferLength(1).register(registry);
    queued = Timer.builder(EchoMeters.QUEUED).tags("name", "bench", "priority", "normal")
        .publishPercentiles(0.5, 0.95, 0.99).distributionStatisticBufferLength(1).register(registry);
    succeeded = Counter.builder(EchoMeters.EXECUTIONS)
        .tags("name", "bench", "priority", "normal", "outcome", "success").register(registry);
    provider = RecordingTracer.provider();
    tracer = provider.get("bench");
  }

  /** Closes the tracer provider. */
  @TearDown(Level.Trial)
  public void tearDown() {
    provider.close();
  }

  /**
   * Micrometer's calls for one effect.
   *
   * @return the in-flight count (kept, so nothing is dead code)
   */
  @Benchmark
  public long micrometer() {
    long n = nanos++ & 0xFFFF; // values that vary, as real durations do
    inFlight.increment();
    queued.record(n, TimeUnit.NANOSECONDS);
    inFlight.decrement();
    duration.record(n + 500, TimeUnit.NANOSECONDS);
    succeeded.increment();
    return n;
  }

  /**
   * The OpenTelemetry SDK's calls for one effect.
   *
   * @return the span (kept, so nothing is dead code)
   */
  @Benchmark
  public Span otelSpan() {
    Context parent = Context.current();
    Span span = tracer.spanBuilder("bench").setParent(parent).setSpanKind(SpanKind.INTERNAL)
        .setAttribute(NAME, "bench").setAttribute(ID, id++).setAttribute(PRIORITY, "NORMAL").startSpan();
    try (Scope ignored = parent.with(span).makeCurrent()) {
      span.addEvent("echo.started");
    }
    span.setAttribute(OUTCOME, "success");
    span.end();
    return span;
  }

  /**
   * Both engines' calls for one effect.
   *
   * @return the span
   */
  @Benchmark
  public Span both() {
    micrometer();
    return otelSpan();
  }
}
