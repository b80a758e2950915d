package land.echo.observability.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Priority;
import land.echo.RetryPolicy;
import land.echo.RunOptions;
import land.echo.observability.TestRuntimes;
import org.junit.jupiter.api.Test;

/** The root span {@link EchoTracing} opens per effect, read back through the SDK's in-memory exporter. */
class EchoTracingTest extends TracingFixture {

  @Test
  void oneTracingSharedByTwoRuntimesKeepsTheirEffectsApart() throws Exception {
    EchoTracing shared = EchoTracing.create(tracer);
    ApplicationRuntime first = shared.install(TestRuntimes.builder(time, TestRuntimes.scheduler(1))).build();
    ApplicationRuntime second = shared.install(TestRuntimes.builder(time, TestRuntimes.scheduler(1))).build();
    try {
      // Both in flight at once: each runtime's first effect (and first step), so any per-runtime
      // numbering would give them the same ids.
      EffectHandle<String, Integer> a = first.submit(APP.<Integer>never().named("inner-a").timeout(Duration.ofMillis(10)).named("a"));
      EffectHandle<String, Integer> b = second.submit(APP.<Integer>never().named("inner-b").timeout(Duration.ofMillis(20)).named("b"));
      await().atMost(Duration.ofSeconds(5)).until(() -> time.pendingTimers() == 2);
      time.advance(Duration.ofMillis(10));
      assertThat(TestRuntimes.done(a).isSuccess()).isFalse();
      time.advance(Duration.ofMillis(10));
      assertThat(TestRuntimes.done(b).isSuccess()).isFalse();
      await().atMost(Duration.ofSeconds(5)).until(() -> exporter.getFinishedSpanItems().size() == 6); // a, inner-a, its never; the same for b
      List<SpanData> spans = exporter.getFinishedSpanItems();
      SpanData rootA = named(spans, "a");
      SpanData rootB = named(spans, "b");
      assertThat(named(spans, "inner-a").getParentSpanId()).isEqualTo(rootA.getSpanId());
      assertThat(named(spans, "inner-b").getParentSpanId()).isEqualTo(rootB.getSpanId());
      assertThat(rootA.getAttributes().get(AttributeKey.longKey(EchoTracing.EFFECT_ID)))
          .isNotEqualTo(rootB.getAttributes().get(AttributeKey.longKey(EchoTracing.EFFECT_ID)));
      assertThat(shared.openSpans()).isZero();
    } finally {
      TestRuntimes.stop(first);
      TestRuntimes.stop(second);
    }
  }

  @Test
  void aRootEffectIsOneSpanWithNamePriorityAttemptAndOutcome() {
    runtime.run(APP.succeed(1).named("checkout"), Priority.HIGH);
    SpanData span = named(exporter.getFinishedSpanItems(), "checkout");
    assertThat(span.getAttributes().get(AttributeKey.stringKey(EchoTracing.NAME))).isEqualTo("checkout");
    assertThat(span.getAttributes().get(AttributeKey.stringKey(EchoTracing.PRIORITY))).isEqualTo("HIGH");
    assertThat(span.getAttributes().get(AttributeKey.longKey(EchoTracing.ATTEMPT))).isEqualTo(1L);
    assertThat(span.getAttributes().get(AttributeKey.stringKey(EchoTracing.OUTCOME))).isEqualTo("success");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getEvents()).extracting(EventData::getName).contains("echo.started");
  }

  @Test
  @SuppressWarnings("try") // the scope only makes the request span current around run(..)
  void theRootSpanIsAChildOfTheSubmittersContextAndCurrentOnTheWorker() {
    AtomicReference<String> seenTrace = new AtomicReference<>();
    AtomicReference<String> seenSpan = new AtomicReference<>();
    AtomicReference<String> workerThread = new AtomicReference<>();
    Span request = tracer.spanBuilder("request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      runtime.run(APP.compute(token -> {
        workerThread.set(Thread.currentThread().getName());
        seenTrace.set(Span.current().getSpanContext().getTraceId());
        seenSpan.set(Span.current().getSpanContext().getSpanId());
        return 1;
      }).named("work"));
    } finally {
      request.end();
    }
    SpanData work = named(exporter.getFinishedSpanItems(), "work");
    assertThat(work.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(work.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
    assertThat(workerThread.get()).as("the body ran after the scheduler hop").isNotEqualTo(Thread.currentThread().getName());
    assertThat(seenTrace.get()).isEqualTo(work.getTraceId());
    assertThat(seenSpan.get()).as("the effect's span is current in its body").isEqualTo(work.getSpanId());
  }

  @Test
  void theSpanIsCurrentInABlockingBodyToo() {
    AtomicReference<String> seenSpan = new AtomicReference<>();
    runtime.run(APP.blocking(token -> {
      seenSpan.set(Span.current().getSpanContext().getSpanId());
      return 1;
    }).named("io"));
    assertThat(seenSpan.get()).isEqualTo(named(exporter.getFinishedSpanItems(), "io").getSpanId());
  }

  @Test
  void aFailureSetsErrorStatusAndAPanicIsRecordedAsAnException() {
    runtime.run(APP.<Integer>fail("declined").named("pay"));
    runtime.run(APP.<Integer>compute(token -> { throw new IllegalStateException("boom"); }).named("crash"));
    List<SpanData> spans = exporter.getFinishedSpanItems();
    SpanData pay = named(spans, "pay");
    assertThat(pay.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(pay.getStatus().getDescription()).isEqualTo("declined");
    assertThat(pay.getAttributes().get(AttributeKey.stringKey(EchoTracing.OUTCOME))).isEqualTo("failure");
    SpanData crash = named(spans, "crash");
    assertThat(crash.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(crash.getEvents()).extracting(EventData::getName).contains("exception");
    assertThat(crash.getAttributes().get(AttributeKey.stringKey(EchoTracing.OUTCOME))).isEqualTo("panic");
  }

  @Test
  void retriesAtTheRootAreSpanEventsAndCountAsAttempts() {
    AtomicInteger calls = new AtomicInteger();
    ActionEffect<String, Integer> flaky = APP.compute(token -> {
      if (calls.incrementAndGet() < 3) {
        throw new IllegalStateException("flaky");
      }
      return 7;
    });
    runtime.run(flaky.retry(RetryPolicy.of(5, Duration.ZERO)), RunOptions.defaults().withName("flaky"));
    SpanData span = named(exporter.getFinishedSpanItems(), "flaky");
    assertThat(span.getEvents()).filteredOn(e -> e.getName().equals("echo.retry"))
        .extracting(e -> e.getAttributes().get(AttributeKey.longKey(EchoTracing.ATTEMPT)))
        .containsExactly(1L, 2L);
    assertThat(span.getAttributes().get(AttributeKey.longKey(EchoTracing.ATTEMPT))).isEqualTo(3L);
  }

  @Test
  void aRetryInsideTheEffectsOwnNamedStepCountsAsItsAttempts() {
    AtomicInteger calls = new AtomicInteger();
    ActionEffect<String, Integer> flaky = APP.compute(token -> {
      if (calls.incrementAndGet() < 2) {
        throw new IllegalStateException("flaky");
      }
      return 7;
    });
    runtime.run(flaky.retry(RetryPolicy.of(5, Duration.ZERO)).named("flaky"));
    assertThat(exporter.getFinishedSpanItems()).singleElement().satisfies(span -> {
      assertThat(span.getName()).isEqualTo("flaky");
      assertThat(span.getAttributes().get(AttributeKey.longKey(EchoTracing.ATTEMPT))).isEqualTo(2L);
      assertThat(span.getEvents()).extracting(EventData::getName).contains("echo.retry");
    });
  }

  @Test
  void aWholeEffectDeadlineIsATimeoutEvent() {
    EffectHandle<String, Void> handle = runtime.submit(APP.<Void>never().named("slow"),
        RunOptions.defaults().withTimeout(Duration.ofSeconds(1)));
    await().until(() -> time.pendingTimers() >= 1);
    time.advance(Duration.ofSeconds(1));
    handle.join();
    await().until(() -> exporter.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals("slow")));
    SpanData span = named(exporter.getFinishedSpanItems(), "slow");
    assertThat(span.getEvents()).filteredOn(e -> e.getName().equals("echo.timeout"))
        .singleElement()
        .satisfies(e -> assertThat(e.getAttributes().get(AttributeKey.longKey(EchoTracing.TIMEOUT_MS))).isEqualTo(1000L));
    assertThat(span.getAttributes().get(AttributeKey.stringKey(EchoTracing.OUTCOME))).isEqualTo("timed_out");
  }

  @Test
  void anUnnamedEffectsSpanIsCalledEffect() {
    runtime.run(APP.succeed(1));
    assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("effect");
  }

  /**
   * Driven directly, as the runtime does: a submitted effect's captured context makes its root span
   * current until the scope is closed, which puts back what the thread held; an effect with no root
   * span falls back to the capturing thread's context. The open spans are counted until completion.
   */
  @Test
  @SuppressWarnings("try") // the scope only makes the request span current around capture(..)
  void aCapturedContextIsCurrentUntilItsScopeIsClosed() {
    EchoTracing tracing = EchoTracing.create(tracer);
    land.echo.spi.EffectInfo job = new land.echo.spi.EffectInfo(42, "job", Priority.NORMAL, 0, -1, java.util.Map.of());
    tracing.submitted(job);
    assertThat(tracing.openSpans()).isEqualTo(1);

    AtomicReference<String> inside = new AtomicReference<>();
    land.echo.spi.ContextPropagator.Scope scope = tracing.capture(job).restore();
    try {
      inside.set(Span.current().getSpanContext().getSpanId());
    } finally {
      scope.close();
    }
    assertThat(Span.current().getSpanContext().isValid()).as("put back on close").isFalse();
    tracing.completed(job, land.echo.Outcome.success(1));
    assertThat(tracing.openSpans()).isZero();
    assertThat(inside.get()).isEqualTo(named(exporter.getFinishedSpanItems(), "job").getSpanId());

    Span request = tracer.spanBuilder("request").startSpan();
    land.echo.spi.ContextPropagator.Captured captured;
    try (Scope ignored = request.makeCurrent()) {
      captured = tracing.capture(new land.echo.spi.EffectInfo(7, "never-submitted", Priority.LOW, 0, -1, java.util.Map.of()));
    }
    land.echo.spi.ContextPropagator.Scope fallback = captured.restore();
    try {
      assertThat(Span.current().getSpanContext().getSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    } finally {
      fallback.close();
    }
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
    request.end();
  }

  /** While an effect waits inside a named step, its root span and the step's span are both open. */
  @Test
  void aRootAndAStepInProgressAreTwoOpenSpans() {
    EchoTracing tracing = EchoTracing.create(tracer);
    land.echo.ApplicationRuntime traced = tracing.install(land.echo.observability.TestRuntimes.builder(
        time, land.echo.observability.TestRuntimes.scheduler(2))).build();
    try {
      EffectHandle<String, Integer> job = traced.submit(APP.sleep(Duration.ofSeconds(1)).named("wait").map(ignored -> 1),
          RunOptions.defaults().withName("job"));
      await().atMost(Duration.ofSeconds(2)).until(() -> time.pendingTimers() == 1);
      assertThat(tracing.openSpans()).isEqualTo(2);
      time.advance(Duration.ofSeconds(1));
      assertThat(land.echo.observability.TestRuntimes.done(job)).isEqualTo(land.echo.Outcome.success(1));
      await().atMost(Duration.ofSeconds(2)).until(() -> tracing.openSpans() == 0);
    } finally {
      land.echo.observability.TestRuntimes.stop(traced);
    }
  }
}
