package land.echo.observability.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Effects;
import land.echo.Priority;
import land.echo.observability.TestRuntimes;
import land.echo.observability.micrometer.EchoMeters;
import org.junit.jupiter.api.Test;

/**
 * Many effects with forks, failures and race losers at once on real workers: every span ends,
 * every child has a parent in its own trace, nothing stays in the tracing's maps and in-flight
 * returns to zero. Bounded: 2,000 effects.
 */
class TracingStressTest {
  private static final Effects<String> APP = Effects.failingWith(String.class);
  private static final int EFFECTS = 2_000;

  @Test
  void concurrentTreesEndEverySpanAndLeakNothing() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    EchoTracing tracing = EchoTracing.create(provider.get("stress"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EchoMeters meters = EchoMeters.builder(registry).build();
    ApplicationRuntime runtime =
        tracing.install(ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(2)).listener(meters)).build();
    try {
      List<EffectHandle<String, String>> handles = new ArrayList<>();
      for (int i = 0; i < EFFECTS; i++) {
        int n = i;
        ActionEffect<String, String> child = n % 7 == 0 ? APP.<String>fail("no").named("bad") : APP.compute(t -> "ok").named("good");
        ActionEffect<String, String> tree = APP.all(List.of(child, APP.compute(t -> "x").named("other")))
            .map(list -> String.join(",", list))
            .flatMap(s -> APP.race(APP.<String>never().named("loser"), APP.succeed(s).named("winner")))
            .named("job");
        handles.add(runtime.submit(tree, Priority.values()[n % 3]));
      }
      for (EffectHandle<String, String> h : handles) {
        h.join();
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> tracing.openSpans() == 0);
      List<SpanData> spans = exporter.getFinishedSpanItems();
      Map<String, SpanData> byId = spans.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
      long roots = spans.stream().filter(s -> !s.getParentSpanContext().isValid()).count();
      assertThat(roots).isEqualTo(EFFECTS);
      assertThat(spans).allSatisfy(s -> {
        if (s.getParentSpanContext().isValid()) {
          assertThat(byId).containsKey(s.getParentSpanId());
          assertThat(byId.get(s.getParentSpanId()).getTraceId()).isEqualTo(s.getTraceId());
        }
      });
      assertThat(registry.find(EchoMeters.IN_FLIGHT).gauges()).allSatisfy(g -> assertThat(g.value()).isZero());
    } finally {
      TestRuntimes.stop(runtime);
      provider.close();
    }
  }
}
