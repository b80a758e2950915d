package land.echo.observability.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Effects;
import land.echo.Priority;
import land.echo.RetryPolicy;
import land.echo.RunOptions;
import land.echo.observability.TestRuntimes;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A runtime traced by {@link EchoTracing} into the SDK's in-memory exporter, and helpers to read the spans. */
abstract class TracingFixture {
  static final Effects<String> APP = Effects.failingWith(String.class);

  final VirtualTime time = new VirtualTime();
  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  SdkTracerProvider provider;
  Tracer tracer;
  ApplicationRuntime runtime;

  @BeforeEach
  void start() {
    provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    tracer = provider.get("test");
    EchoTracing tracing = EchoTracing.create(tracer);
    runtime = tracing.install(TestRuntimes.builder(time, TestRuntimes.scheduler(2))).build();
  }

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
    provider.close();
  }

  static <T> T attribute(SpanData span, String key, AttributeKey<T> type) {
    return span.getAttributes().get(type);
  }

  static SpanData named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans.stream().map(SpanData::getName).toList()));
  }

}
