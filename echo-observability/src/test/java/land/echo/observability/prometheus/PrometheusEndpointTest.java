package land.echo.observability.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import land.echo.ApplicationRuntime;
import land.echo.Effects;
import land.echo.Priority;
import land.echo.observability.Promtool;
import land.echo.observability.TestRuntimes;
import land.echo.observability.micrometer.EchoMeters;
import land.echo.scheduler.EchoScheduler;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusEndpointTest {
  private static final Effects<String> APP = Effects.failingWith(String.class);

  private final VirtualTime time = new VirtualTime();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private ApplicationRuntime runtime;
  private PrometheusEndpoint endpoint;

  @BeforeEach
  void start() throws IOException {
    EchoScheduler scheduler = TestRuntimes.scheduler(2);
    EchoMeters meters = EchoMeters.builder(registry).clock(time).scheduler(scheduler).build();
    runtime = TestRuntimes.builder(time, scheduler, meters).build();
    endpoint = PrometheusEndpoint.start(registry, 0);
  }

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
    endpoint.close();
  }

  /** A response: status, content type and body. */
  private record Response(int status, String contentType, String body) {}

  private static Response request(String url, String method) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
    connection.setRequestMethod(method);
    connection.setConnectTimeout(30_000);
    connection.setReadTimeout(30_000);
    try {
      int status = connection.getResponseCode();
      InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
      String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Response(status, connection.getContentType(), body);
    } finally {
      connection.disconnect();
    }
  }

  private String scrapeAfterSomeWork() throws IOException {
    runtime.run(APP.succeed(1).named("checkout"), Priority.HIGH);
    runtime.run(APP.<Integer>fail("declined").named("checkout"), Priority.HIGH);
    runtime.run(APP.compute(token -> 2).named("search"), Priority.LOW);
    Response response = request(endpoint.url(), "GET");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).isEqualTo(PrometheusEndpoint.CONTENT_TYPE);
    return response.body();
  }

  @Test
  void servesEchosMetersInPrometheusTextFormatOnLoopback() throws Exception {
    assertThat(endpoint.url()).startsWith("http://127.0.0.1:").endsWith("/metrics");
    String body = scrapeAfterSomeWork();
    assertThat(body)
        .contains("echo_effect_executions_total{name=\"checkout\",outcome=\"success\",priority=\"high\"} 1")
        .contains("echo_effect_executions_total{name=\"checkout\",outcome=\"failure\",priority=\"high\"} 1")
        .contains("echo_effect_duration_seconds{name=\"search\",priority=\"low\",quantile=\"0.99\"}")
        .contains("echo_effect_queued_seconds_count{name=\"search\",priority=\"low\"} 1")
        .contains("echo_effect_in_flight{name=\"checkout\",priority=\"high\"} 0")
        .contains("echo_effect_success_ratio{name=\"checkout\",priority=\"high\"} 0.5")
        .contains("echo_scheduler_queued{priority=\"normal\"}")
        .contains("echo_scheduler_steals_total");
  }

  @Test
  void otherMethodsThanGetAreRefused() throws Exception {
    assertThat(request(endpoint.url(), "DELETE").status()).isEqualTo(405);
  }

  @Test
  void aPortOutOfRangeIsRefused() {
    assertThatThrownBy(() -> PrometheusEndpoint.start(registry, 70_000))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
  }

  /** Runs {@code promtool check metrics} on the real scraped output (see {@link Promtool}). */
  @Test
  void promtoolAcceptsTheScrapedOutput(@TempDir Path dir) throws Exception {
    String promtool = Promtool.require();
    Promtool.assertAccepts(promtool, scrapeAfterSomeWork(), dir);
  }

  /** A HEAD request is answered 200 with the content type and no body (nothing is scraped). */
  @Test
  void aHeadRequestIsAnsweredWithoutABody() throws Exception {
    Response head = request(endpoint.url(), "HEAD");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.contentType()).isEqualTo(PrometheusEndpoint.CONTENT_TYPE);
    assertThat(head.body()).isEmpty();
  }

  /** The highest port is in range: it is bound, or busy, but never refused as out of range. */
  @Test
  void theHighestPortIsInRangeAndMinusOneIsNot() throws Exception {
    try {
      PrometheusEndpoint.start(registry, 65_535).close();
    } catch (java.net.BindException busy) {
      // taken by another process: still not refused as out of range
    }
    assertThatThrownBy(() -> PrometheusEndpoint.start(registry, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
  }

  /** Requests are served on the endpoint's own daemon thread, which does not keep a JVM alive. */
  @Test
  void requestsAreServedOnTheEndpointsOwnDaemonThread() throws Exception {
    java.util.concurrent.atomic.AtomicReference<Thread> server = new java.util.concurrent.atomic.AtomicReference<>();
    io.micrometer.core.instrument.Gauge.builder("test.serving.thread", server, ref -> {
      ref.compareAndSet(null, Thread.currentThread());
      return 1;
    }).register(registry);

    assertThat(request(endpoint.url(), "GET").status()).isEqualTo(200);

    assertThat(server.get()).isNotNull();
    assertThat(server.get().getName()).isEqualTo("echo-prometheus");
    assertThat(server.get().isDaemon()).isTrue();
  }

  /** Closing releases the port at once. */
  @Test
  void closingReleasesThePort() throws Exception {
    PrometheusEndpoint other = PrometheusEndpoint.start(registry, 0);
    int port = other.port();

    other.close();

    try (java.net.ServerSocket rebound = new java.net.ServerSocket()) {
      rebound.setReuseAddress(false);
      rebound.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
      assertThat(rebound.getLocalPort()).isEqualTo(port);
    }
  }
}
