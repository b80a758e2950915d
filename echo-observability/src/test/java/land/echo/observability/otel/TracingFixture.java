package land.echo.observability.otel;


import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import land.echo.ApplicationRuntime;
import land.echo.Effects;
import land.echo.observability.TestRuntimes;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

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

  static SpanData named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans.stream().map(SpanData::getName).toList()));
  }
}
