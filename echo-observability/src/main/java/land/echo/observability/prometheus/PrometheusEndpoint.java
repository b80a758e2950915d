package land.echo.observability.prometheus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Prometheus scrape endpoint: serves a {@link PrometheusMeterRegistry} in Prometheus' text
 * format at {@code http://127.0.0.1:<port>/metrics}, on the JDK's {@code com.sun.net.httpserver}.
 * Thread-safe.
 *
 * <p>It binds the loopback address only: exposing metrics beyond the host is a deployment
 * decision (a reverse proxy, a sidecar), not a library default. Requests are served one at a time
 * on one daemon thread ({@code echo-prometheus}), never on a runtime's worker.
 *
 * {@snippet :
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(registry, 9464)) {
 *   // curl http://127.0.0.1:9464/metrics
 * }
 * }
 */
public final class PrometheusEndpoint implements AutoCloseable {
  /** The path the metrics are served at. */
  public static final String PATH = "/metrics";
  /** The content type of Prometheus' text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private PrometheusEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving {@code registry} on {@code 127.0.0.1:port}.
   *
   * @param registry the registry to scrape
   * @param port the TCP port; 0 for any free one (see {@link #port()})
   * @return the running endpoint
   * @throws IOException if the port cannot be bound
   */
  public static PrometheusEndpoint start(PrometheusMeterRegistry registry, int port) throws IOException {
    Objects.requireNonNull(registry, "registry");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext(PATH, exchange -> serve(registry, exchange));
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "echo-prometheus");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
    return new PrometheusEndpoint(server, executor);
  }

  private static void serve(PrometheusMeterRegistry registry, HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      if ("HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(200, -1); // no body: no scrape
        return;
      }
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /**
   * Returns the port the endpoint listens on (the one chosen, when started with 0).
   *
   * @return the bound port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Returns the URL of the metrics.
   *
   * @return {@code http://127.0.0.1:<port>/metrics}
   */
  public String url() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + port() + PATH;
  }

  /** Stops serving at once and releases the port and the thread. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
