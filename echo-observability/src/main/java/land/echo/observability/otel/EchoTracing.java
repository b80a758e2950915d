package land.echo.observability.otel;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.ApplicationRuntime;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.spi.ContextPropagator;
import land.echo.spi.EffectInfo;
import land.echo.spi.OutcomeKind;
import land.echo.spi.RuntimeListener;
import land.echo.spi.StepInfo;

/**
 * OpenTelemetry tracing for an Echo runtime, on the OpenTelemetry API only: a span per root
 * effect and a child span per step of its tree, with retries and timeouts as span events.
 * Thread-safe. It is both the {@link RuntimeListener} that opens and ends the spans and the
 * {@link ContextPropagator} that makes the effect's span current wherever its code runs; {@link
 * #install} registers it as both.
 *
 * <p>The span tree of one root effect:
 *
 * <ul>
 *   <li>The root span, named after the effect ({@code "effect"} for one without a name; an effect
 *       submitted as {@code e.named("x")} is one span, not a root with a step of the same name), starts at
 *       submission as a child of the submitting thread's current context and ends at completion.
 *       Attributes {@value #NAME}, {@value #PRIORITY}, {@value #EFFECT_ID}, and at the end {@value
 *       #OUTCOME} and {@value #ATTEMPT} (attempts of a retry around the whole effect, 1 without). An event
 *       {@code echo.started} marks the end of its time queued.
 *   <li>A child span per {@code named(..)} step and per child forked by {@code all}, {@code race}
 *       or {@code firstSuccess} (named {@code all[i]}, {@code race[i]}, {@code firstSuccess[i]}),
 *       under the innermost step that encloses it: a step reached through {@code flatMap} nests
 *       under the step the {@code flatMap} runs in, a forked child under the step that forked it.
 *       Attributes {@value #STEP_KIND}, {@value #ATTEMPT} (of the innermost enclosing retry) and
 *       {@value #OUTCOME}.
 *   <li>Events: {@code echo.retry} (attributes {@value #ATTEMPT}, {@value #OUTCOME}, {@value
 *       #RETRY_DELAY_MS}) on the span enclosing the retry; {@code echo.timeout} ({@value
 *       #TIMEOUT_MS}) when a {@code timeout(..)} or the whole effect's deadline expires; {@code
 *       echo.cancelled} when the effect is cancelled otherwise.
 *   <li>Errors: a span whose outcome is not a success has status {@code ERROR}; a panic is
 *       recorded as the exception it carries.
 * </ul>
 *
 * <p>Across the scheduler hop, the root span is current (through {@link Context#makeCurrent()})
 * around everything that runs the effect's code, on workers and on blocking bodies' virtual
 * threads, so spans that instrumented libraries open inside a body nest under it.
 *
 * {@snippet :
 * EchoTracing tracing = EchoTracing.create(openTelemetry);
 * ApplicationRuntime runtime =
 *     tracing.install(ApplicationRuntime.builder().scheduler(EchoScheduler.create())).build();
 * }
 */
public final class EchoTracing implements RuntimeListener, ContextPropagator {
  /** The instrumentation scope name of the tracer. */
  public static final String INSTRUMENTATION_SCOPE = "land.echo";
  /** Attribute: the effect's name. */
  public static final String NAME = "echo.effect.name";
  /** Attribute: the effect's id. */
  public static final String EFFECT_ID = "echo.effect.id";
  /** Attribute: the priority. */
  public static final String PRIORITY = "echo.priority";
  /** Attribute: the attempt. */
  public static final String ATTEMPT = "echo.attempt";
  /** Attribute: the outcome kind ({@link OutcomeKind#tag()}). */
  public static final String OUTCOME = "echo.outcome";
  /** Attribute: what opened a step ({@code named} or {@code forked}). */
  public static final String STEP_KIND = "echo.step.kind";
  /** Event attribute: the delay before the next attempt, in milliseconds. */
  public static final String RETRY_DELAY_MS = "echo.retry.delay_ms";
  /** Event attribute: the budget of the timeout that expired, in milliseconds. */
  public static final String TIMEOUT_MS = "echo.timeout.ms";

  private static final AttributeKey<String> NAME_KEY = AttributeKey.stringKey(NAME);
  private static final AttributeKey<Long> EFFECT_ID_KEY = AttributeKey.longKey(EFFECT_ID);
  private static final AttributeKey<String> PRIORITY_KEY = AttributeKey.stringKey(PRIORITY);
  private static final AttributeKey<Long> ATTEMPT_KEY = AttributeKey.longKey(ATTEMPT);
  private static final AttributeKey<String> OUTCOME_KEY = AttributeKey.stringKey(OUTCOME);
  private static final AttributeKey<String> STEP_KIND_KEY = AttributeKey.stringKey(STEP_KIND);
  private static final AttributeKey<Long> RETRY_DELAY_KEY = AttributeKey.longKey(RETRY_DELAY_MS);
  private static final AttributeKey<Long> TIMEOUT_KEY = AttributeKey.longKey(TIMEOUT_MS);

  private final Tracer tracer;
  /** The open root spans, by effect id. */
  private final ConcurrentHashMap<Long, Root> roots = new ConcurrentHashMap<>();
  /**
   * The open steps, by step id: a {@link Span}, or the {@link Root} for a step that is its root's
   * span (see {@link #stepStarted}), ended with the root, not alone. One map rather than a map
   * and a set of aliases: the common {@code e.named("x")} costs one entry, not two
   * (ObservabilityOverheadBenchmark, JFR profile: map operations and boxing).
   */
  private final ConcurrentHashMap<Long, Object> steps = new ConcurrentHashMap<>();

  private EchoTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  /**
   * Returns tracing with {@code openTelemetry}'s tracer for {@value #INSTRUMENTATION_SCOPE}.
   *
   * @param openTelemetry the application's OpenTelemetry
   * @return new tracing, to {@link #install}
   */
  public static EchoTracing create(OpenTelemetry openTelemetry) {
    return create(openTelemetry.getTracer(INSTRUMENTATION_SCOPE));
  }

  /**
   * Returns tracing with {@code tracer}.
   *
   * @param tracer the tracer to open spans with
   * @return new tracing, to {@link #install}
   */
  public static EchoTracing create(Tracer tracer) {
    return new EchoTracing(Objects.requireNonNull(tracer, "tracer"));
  }

  /**
   * Registers this tracing with {@code builder} as a listener and as a context propagator.
   *
   * @param builder the runtime's builder
   * @return {@code builder}
   */
  public ApplicationRuntime.Builder install(ApplicationRuntime.Builder builder) {
    return builder.listener(this).contextPropagator(this);
  }

  // ------------------------------------------------------------------ listener

  @Override
  public void submitted(EffectInfo effect) {
    Context parent = Context.current();
    Span span = tracer.spanBuilder(spanName(effect.name()))
        .setParent(parent)
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute(NAME_KEY, effect.name())
        .setAttribute(EFFECT_ID_KEY, effect.id())
        .setAttribute(PRIORITY_KEY, effect.priority().name())
        .startSpan();
    roots.put(effect.id(), new Root(span, parent.with(span)));
  }

  @Override
  public void started(EffectInfo effect) {
    Root root = roots.get(effect.id());
    if (root != null) {
      root.span.addEvent("echo.started");
    }
  }

  @Override
  public void stepStarted(EffectInfo effect, StepInfo step) {
    if (step.parentId() == StepInfo.ROOT && step.kind() == StepInfo.Kind.NAMED && step.name().equals(effect.name())) {
      Root root = roots.get(effect.id());
      if (root != null && root.aliased.compareAndSet(false, true)) {
        // effect.named("x") submitted as is: its outermost step is the effect itself, one span.
        steps.put(step.id(), root);
        return;
      }
    }
    Span parent = step.parentId() == StepInfo.ROOT ? null : spanOf(steps.get(step.parentId()));
    if (parent == null) {
      Root root = roots.get(effect.id());
      if (root == null) {
        return; // the root already completed and this step only unwinds: nothing to hang it on
      }
      parent = root.span;
    }
    Span span = tracer.spanBuilder(step.name())
        .setParent(Context.root().with(parent))
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute(STEP_KIND_KEY, step.kind() == StepInfo.Kind.NAMED ? "named" : "forked")
        .setAttribute(ATTEMPT_KEY, (long) step.attempt())
        .setAttribute(PRIORITY_KEY, effect.priority().name())
        .startSpan();
    steps.put(step.id(), span);
  }

  @Override
  public void stepEnded(EffectInfo effect, StepInfo step, Outcome<?, ?> outcome) {
    if (steps.remove(step.id()) instanceof Span span) {
      end(span, outcome);
    }
  }

  @Override
  public void retrying(EffectInfo effect, long stepId, int attempt, Outcome<?, ?> failed, Duration delay) {
    Root root = roots.get(effect.id());
    Object step = stepId == StepInfo.ROOT ? null : steps.get(stepId);
    if (root != null && (stepId == StepInfo.ROOT || step instanceof Root)) {
      root.retries.incrementAndGet(); // a retry of the effect itself, e.g. e.retry(p).named("x")
    }
    Span span = spanOf(step);
    if (span == null && root != null) {
      span = root.span;
    }
    if (span != null) {
      span.addEvent("echo.retry", Attributes.of(
          ATTEMPT_KEY, (long) attempt,
          OUTCOME_KEY, OutcomeKind.of(failed).tag(),
          RETRY_DELAY_KEY, delay.toMillis()));
    }
  }

  @Override
  public void timedOut(EffectInfo effect, long stepId, Duration after) {
    Span span = spanOf(effect, stepId);
    if (span != null) {
      span.addEvent("echo.timeout", Attributes.of(TIMEOUT_KEY, after.toMillis()));
    }
  }

  @Override
  public void cancelled(EffectInfo effect, Fault cause) {
    Root root = roots.get(effect.id());
    if (root == null) {
      return;
    }
    if (cause instanceof Fault.TimedOut t) {
      root.span.addEvent("echo.timeout", Attributes.of(TIMEOUT_KEY, t.after().toMillis()));
    } else {
      root.span.addEvent("echo.cancelled", Attributes.of(OUTCOME_KEY, OutcomeKind.of(new Outcome.Faulted<>(cause)).tag()));
    }
  }

  @Override
  public void completed(EffectInfo effect, Outcome<?, ?> outcome) {
    Root root = roots.remove(effect.id());
    if (root != null) {
      root.span.setAttribute(ATTEMPT_KEY, (long) root.retries.get() + 1);
      end(root.span, outcome);
    }
  }

  // ------------------------------------------------------------------ propagator

  /** Captures the calling thread's current context; the runtime calls {@link #capture(EffectInfo)}. */
  @Override
  public Captured capture() {
    Context context = Context.current();
    return () -> context.makeCurrent()::close;
  }

  /** Captures the context of {@code effect}'s root span, which {@link #submitted} opened. */
  @Override
  public Captured capture(EffectInfo effect) {
    Root root = roots.get(effect.id());
    if (root == null) {
      return capture();
    }
    Context context = root.context;
    return () -> context.makeCurrent()::close;
  }

  // ------------------------------------------------------------------ helpers

  /** Returns how many root and step spans are open (for tests: none once every effect has unwound). */
  int openSpans() {
    return roots.size() + steps.size();
  }

  /** The span of an entry of {@link #steps}, or null for none. */
  private static Span spanOf(Object step) {
    return step instanceof Root root ? root.span : (Span) step;
  }

  private Span spanOf(EffectInfo effect, long stepId) {
    Span span = stepId == StepInfo.ROOT ? null : spanOf(steps.get(stepId));
    if (span == null) {
      Root root = roots.get(effect.id());
      span = root == null ? null : root.span;
    }
    return span;
  }

  private static void end(Span span, Outcome<?, ?> outcome) {
    OutcomeKind kind = OutcomeKind.of(outcome);
    span.setAttribute(OUTCOME_KEY, kind.tag());
    switch (outcome) {
      case Outcome.Success<?, ?> s -> { }
      case Outcome.Failure<?, ?> f -> span.setStatus(StatusCode.ERROR, describe(f.error()));
      case Outcome.Faulted<?, ?> f -> {
        if (f.fault() instanceof Fault.Panic(Throwable cause)) {
          span.recordException(cause);
        }
        span.setStatus(StatusCode.ERROR, f.fault().message());
      }
    }
    span.end();
  }

  /** A domain error's text; a user type whose {@code toString()} throws never breaks tracing. */
  private static String describe(Object error) {
    try {
      return String.valueOf(error);
    } catch (RuntimeException e) {
      return error.getClass().getName();
    }
  }

  private static String spanName(String effectName) {
    return effectName.startsWith("effect#") ? "effect" : effectName;
  }

  /** An open root span and the context that makes it current. */
  private static final class Root {
    final Span span;
    final Context context;
    final AtomicInteger retries = new AtomicInteger();
    /** Whether an outermost named step of the effect's own name is this span too. */
    final AtomicBoolean aliased = new AtomicBoolean();

    Root(Span span, Context context) {
      this.span = span;
      this.context = context;
    }
  }
}
