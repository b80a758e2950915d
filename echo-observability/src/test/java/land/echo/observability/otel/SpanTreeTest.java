package land.echo.observability.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import land.echo.ActionEffect;
import land.echo.EffectHandle;
import land.echo.RetryPolicy;
import land.echo.RunOptions;
import org.junit.jupiter.api.Test;

/** The parent/child shape of the spans across flatMap, all, race, retries and timeouts. */
class SpanTreeTest extends TracingFixture {

  /** Renders the finished spans as "parent -> child" lines, by name, sorted. */
  private List<String> edges() {
    List<SpanData> spans = exporter.getFinishedSpanItems();
    Map<String, SpanData> byId = spans.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
    return spans.stream()
        .map(s -> (byId.containsKey(s.getParentSpanId()) ? byId.get(s.getParentSpanId()).getName() : "-") + " -> " + s.getName())
        .sorted()
        .toList();
  }

  @Test
  void stepsReachedThroughFlatMapNestUnderTheStepTheyRunIn() {
    ActionEffect<String, Integer> fetch = APP.compute(token -> 2).named("fetch");
    ActionEffect<String, Integer> pipeline = fetch
        .flatMap(n -> APP.compute(token -> n * 10).named("parse"))
        .named("pipeline");
    runtime.run(pipeline.flatMap(n -> APP.succeed(n).named("store")), RunOptions.defaults().withName("job"));
    assertThat(edges()).containsExactly(
        "- -> job", "job -> pipeline", "job -> store", "pipeline -> fetch", "pipeline -> parse");
  }

  @Test
  void childrenOfAllAreForkedSpansUnderTheForkingStep() {
    ActionEffect<String, List<Integer>> both = APP.all(List.of(
        APP.compute(token -> 1).named("left"),
        APP.compute(token -> 2).named("right")));
    runtime.run(both.named("pair"), RunOptions.defaults().withName("job"));
    assertThat(edges()).containsExactly(
        "- -> job", "all[0] -> left", "all[1] -> right", "job -> pair", "pair -> all[0]", "pair -> all[1]");
    SpanData forked = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("all[0]")).findFirst().orElseThrow();
    assertThat(forked.getAttributes().get(AttributeKey.stringKey(EchoTracing.STEP_KIND))).isEqualTo("forked");
    assertThat(forked.getAttributes().get(AttributeKey.stringKey(EchoTracing.OUTCOME))).isEqualTo("success");
  }

  @Test
  void theLoserOfARaceEndsCancelled() {
    CountDownLatch slowStarted = new CountDownLatch(1);
    ActionEffect<String, String> fast = APP.blocking(token -> {
      slowStarted.await();
      return "fast";
    });
    ActionEffect<String, String> slow = APP.<String>blocking(token -> {
      slowStarted.countDown();
      new CountDownLatch(1).await(); // until the race's winner interrupts it
      return "slow";
    }).named("slow");
    ActionEffect<String, String> race = APP.race(List.of(fast, slow));
    runtime.run(race, RunOptions.defaults().withName("job"));
    await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
        assertThat(edges()).containsExactly("- -> job", "job -> race[0]", "job -> race[1]", "race[1] -> slow"));
    Map<String, String> outcomes = new TreeMap<>();
    for (SpanData s : exporter.getFinishedSpanItems()) {
      outcomes.put(s.getName(), s.getAttributes().get(AttributeKey.stringKey(EchoTracing.OUTCOME)));
    }
    assertThat(outcomes).containsEntry("race[0]", "success").containsEntry("race[1]", "cancelled")
        .containsEntry("slow", "cancelled").containsEntry("job", "success");
  }

  @Test
  void aRetryInsideAStepIsAnEventOfThatStepAndItsInnerStepsCarryTheAttempt() {
    AtomicInteger calls = new AtomicInteger();
    ActionEffect<String, Integer> call = APP.<Integer>compute(token -> {
      if (calls.incrementAndGet() < 2) {
        throw new IllegalStateException("flaky");
      }
      return 1;
    }).named("call");
    runtime.run(call.retry(RetryPolicy.of(3, Duration.ZERO)).named("fetch"), RunOptions.defaults().withName("job"));
    List<SpanData> spans = exporter.getFinishedSpanItems();
    SpanData fetch = spans.stream().filter(s -> s.getName().equals("fetch")).findFirst().orElseThrow();
    assertThat(fetch.getEvents()).extracting(EventData::getName).containsExactly("echo.retry");
    assertThat(spans).filteredOn(s -> s.getName().equals("call"))
        .extracting(s -> s.getAttributes().get(AttributeKey.longKey(EchoTracing.ATTEMPT)))
        .containsExactly(1L, 2L);
    SpanData job = spans.stream().filter(s -> s.getName().equals("job")).findFirst().orElseThrow();
    assertThat(job.getEvents()).extracting(EventData::getName).doesNotContain("echo.retry");
  }

  @Test
  void anInnerTimeoutIsAnEventOfTheEnclosingStep() {
    ActionEffect<String, String> guarded = APP.<String>never().named("remote")
        .timeoutTo(Duration.ofMillis(50), APP.succeed("cached"))
        .named("lookup");
    EffectHandle<String, String> handle = runtime.submit(guarded, RunOptions.defaults().withName("job"));
    await().until(() -> time.pendingTimers() >= 1);
    time.advance(Duration.ofMillis(50));
    assertThat(handle.join().getOrThrow()).isEqualTo("cached");
    await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
        assertThat(edges()).containsExactly("- -> job", "job -> lookup", "lookup -> remote", "remote -> never"));
    SpanData lookup = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("lookup")).findFirst().orElseThrow();
    assertThat(lookup.getEvents()).filteredOn(e -> e.getName().equals("echo.timeout")).singleElement()
        .satisfies(e -> assertThat(e.getAttributes().get(AttributeKey.longKey(EchoTracing.TIMEOUT_MS))).isEqualTo(50L));
  }

  @Test
  void nestedForksBuildADeepTreeInOneTrace() {
    ActionEffect<String, List<List<Integer>>> tree = APP.all(List.of(
        APP.all(List.of(APP.succeed(1), APP.succeed(2))),
        APP.all(List.of(APP.succeed(3)))));
    runtime.run(tree, RunOptions.defaults().withName("job"));
    assertThat(edges()).containsExactly(
        "- -> job", "all[0] -> all[0]", "all[0] -> all[1]", "all[1] -> all[0]", "job -> all[0]", "job -> all[1]");
    assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getTraceId).containsOnly(
        exporter.getFinishedSpanItems().get(0).getTraceId());
  }
}
