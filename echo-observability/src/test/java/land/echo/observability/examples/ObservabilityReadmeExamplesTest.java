package land.echo.observability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import land.echo.ApplicationRuntime;
import land.echo.Effects;
import land.echo.Priority;
import land.echo.jfr.JfrListener;
import land.echo.observability.NameTags;
import land.echo.observability.live.EffectEvent;
import land.echo.observability.live.Observatory;
import land.echo.observability.live.ObservatorySnapshot;
import land.echo.observability.micrometer.EchoMeters;
import land.echo.observability.micrometer.ResilienceMeters;
import land.echo.observability.otel.EchoTracing;
import land.echo.observability.prometheus.PrometheusEndpoint;
import land.echo.resilience.CircuitBreaker;
import land.echo.resilience.RateLimit;
import land.echo.resilience.ResultCache;
import land.echo.scheduler.EchoScheduler;
import land.echo.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * The README's "Observability" examples, compiled and run. Each example is a region of this file
 * between {@code // @start region=NAME} and {@code // @end}; {@link #theReadmeShowsEveryRegionVerbatim}
 * checks that the README's code blocks contain exactly that text, so the two cannot drift apart.
 */
class ObservabilityReadmeExamplesTest {
  private static final Effects<String> APP = Effects.failingWith(String.class);

  @Test
  void metrics() throws IOException {
    // @start region=metrics
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    EchoScheduler scheduler = EchoScheduler.create();
    EchoMeters meters = EchoMeters.builder(registry)
        .names(NameTags.declared(Set.of("checkout", "search"), 20))
        .scheduler(scheduler)
        .build();
    ApplicationRuntime runtime =
        ApplicationRuntime.builder().scheduler(scheduler).listener(meters).build();
    PrometheusEndpoint endpoint = PrometheusEndpoint.start(registry, 0);
    // curl http://127.0.0.1:9464/metrics
    // @end
    try (runtime; endpoint) {
      runtime.run(APP.succeed(1).named("checkout"));
      assertThat(registry.scrape()).contains("echo_effect_executions_total{name=\"checkout\",outcome=\"success\",priority=\"normal\"} 1");
    }
  }

  @Test
  void policyMeters() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // @start region=policies
    CircuitBreaker breaker = CircuitBreaker.ofDefaults("payments");
    RateLimit limit = RateLimit.of("partner-api", 100, Duration.ofSeconds(1));
    EchoMeters meters = EchoMeters.builder(registry)
        .policyMeters(ResilienceMeters.builder().breaker(breaker).rateLimit(limit).build())
        .build();
    ApplicationRuntime runtime =
        ApplicationRuntime.builder().scheduler(EchoScheduler.create()).listener(meters).build();
    // A result cache needs the runtime: bind its meters afterwards, with the same name tags.
    ResultCache users = ResultCache.builder("users", runtime).build();
    ResilienceMeters.builder().cache(users).build().bindTo(registry, meters.names());
    // @end
    try (runtime) {
      runtime.run(APP.succeed("ada").named("user").via(users.keyed("ada")));
      assertThat(registry.scrape())
          .contains("echo_policy_breaker_state{policy=\"payments\",state=\"closed\"} 1")
          .contains("echo_policy_rate_limiter_tokens{policy=\"partner-api\"} 100")
          .contains("echo_policy_cache_requests_total{outcome=\"miss\",policy=\"users\"} 1");
    }
  }

  @Test
  void tracing() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build()) {
      ApplicationRuntime runtime = traced(openTelemetry);
      try (runtime) {
        runtime.run(APP.all(List.of(APP.succeed(1).named("left"), APP.succeed(2).named("right"))).named("pair"));
      }
      assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName)
          .containsExactlyInAnyOrder("pair", "all[0]", "all[1]", "left", "right");
    }
  }

  private static ApplicationRuntime traced(OpenTelemetry openTelemetry) {
    // @start region=tracing
    EchoTracing tracing = EchoTracing.create(openTelemetry);
    ApplicationRuntime runtime =
        tracing.install(ApplicationRuntime.builder().scheduler(EchoScheduler.create())).build();
    // @end
    return runtime;
  }

  @Test
  void jfr() {
    // @start region=jfr
    ApplicationRuntime runtime = ApplicationRuntime.builder()
        .scheduler(EchoScheduler.create())
        .listener(JfrListener.create())
        .build();
    // @end
    try (runtime) {
      assertThat(runtime.run(APP.succeed(1)).getOrThrow()).isEqualTo(1);
    }
  }

  @Test
  void liveView() {
    // @start region=live
    Observatory observatory = Observatory.create(NameTags.ofDefaults(), Clock.system(), 4096);
    ApplicationRuntime runtime =
        ApplicationRuntime.builder().scheduler(EchoScheduler.create()).listener(observatory).build();
    ObservatorySnapshot before = observatory.snapshot();
    // ... a second later:
    ObservatorySnapshot now = observatory.snapshot();
    double highPerSecond = now.throughputSince(before, Priority.HIGH);
    List<EffectEvent> news = observatory.events(before.nextSequence() - 1, 1_000);
    // @end
    try (runtime) {
      assertThat(highPerSecond).isZero();
      assertThat(news).isEmpty();
      runtime.run(APP.succeed(1), Priority.HIGH);
      assertThat(observatory.snapshot().priorities().get(Priority.HIGH).completed()).isEqualTo(1);
      assertThat(observatory.events(before.nextSequence() - 1, 1_000)).hasSize(3);
    }
  }

  @Test
  void theReadmeShowsEveryRegionVerbatim() throws IOException {
    Path module = Path.of("").toAbsolutePath();
    Path readme = module.resolveSibling("README.md");
    Path self = module.resolve("src/test/java/land/echo/observability/examples/ObservabilityReadmeExamplesTest.java");
    String readmeText = Files.readString(readme, StandardCharsets.UTF_8);
    List<String> regions = regions(Files.readString(self, StandardCharsets.UTF_8));
    assertThat(regions).hasSize(5);
    for (String region : regions) {
      String shown = region.replace("PrometheusEndpoint.start(registry, 0)", "PrometheusEndpoint.start(registry, 9464)");
      assertThat(readmeText).as("README.md shows the example%n%s", shown).contains(shown);
    }
  }

  /** The regions of {@code source}, each with its common indentation removed. */
  private static List<String> regions(String source) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("// @start region=\\w+\\n(.*?)\\n\\s*// @end", Pattern.DOTALL).matcher(source);
    while (m.find()) {
      out.add(m.group(1).stripIndent().stripTrailing());
    }
    return out;
  }

}
