package land.echo.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.util.AsyncExecutor;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.javalin.util.JavalinBindException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import kotlin.LazyKt;
import land.echo.ApplicationRuntime;
import land.echo.resilience.Bulkhead;
import land.echo.resilience.CircuitBreaker;
import land.echo.scheduler.NamedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live web dashboard for one {@link ApplicationRuntime}, served in process by Javalin (Jetty):
 * the page, a JSON snapshot, a Server-Sent Events stream and the operator's controls. Start it with
 * {@link #start}; close it to stop serving. Thread-safe.
 *
 * {@snippet :
 * Observatory observatory = Observatory.create(NameTags.ofDefaults(), Clock.system(), 0); // no journal
 * ApplicationRuntime runtime = ApplicationRuntime.builder().listener(observatory).build();
 * try (EchoDashboard dashboard = EchoDashboard.start(runtime, DashboardConfig.builder(observatory).build())) {
 *   System.out.println("Dashboard: " + dashboard.url() + " (control token " + dashboard.token() + ")");
 *   // ... run the application
 * }
 * }
 *
 * <p>Paths (docs/dashboard.md documents the JSON shapes, version {@value SnapshotJson#VERSION}):
 *
 * <ul>
 *   <li>{@code GET /}: the page (static HTML, CSS and JavaScript from this jar, Chart.js from its
 *       webjar; nothing is loaded from the internet);
 *   <li>{@code GET /api/snapshot}: everything the page shows, as one JSON object;
 *   <li>{@code GET /api/events}: the same object as an SSE {@code update} event, several times a
 *       second;
 *   <li>{@code POST /api/effects/{id}/cancel}: cancels an in-flight effect;
 *   <li>{@code POST /api/breakers/{name}/state} with {@code {"state": "OPEN"}} (forced open),
 *       {@code "CLOSED"} (reset) or {@code "DISABLED"};
 *   <li>{@code POST /api/queues/{name}/drain} and {@code /resume}: a scheduler's named queue
 *       stops starting its tasks (they wait, nothing is lost) and starts them again;
 *   <li>{@code POST /api/bulkheads/{name}/drain} and {@code /resume}: a bulkhead refuses new calls
 *       and admits them again.
 * </ul>
 *
 * <p>Who may use it: controls need the token in an {@code Authorization: Bearer} header. Reads are
 * open on a loopback address; on any other address they need the token as well (the header, or a
 * {@code token} query parameter for the event stream, which browsers open without headers), and
 * binding to one without a configured token refuses to start. On loopback, a request whose {@code
 * Host} is not a loopback name is refused (a DNS-rebinding page cannot read it). A request with an {@code Origin}
 * other than the dashboard's own is refused, no response allows cross-origin use, and every
 * response carries a strict content security policy. Errors are JSON ({@code {"error": "..."}})
 * with a 4xx status, never an HTML page or a stack trace.
 */
public final class EchoDashboard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EchoDashboard.class);
  /** The content security policy of every response. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /** Name prefix of the threads that serve asynchronous requests (the event streams). */
  static final String REQUEST_THREAD_PREFIX = "echo-dashboard-request-";

  private final ApplicationRuntime runtime;
  private final DashboardConfig config;
  private final String token;
  private final boolean loopback;
  private final ObjectMapper mapper = new ObjectMapper();
  private final SnapshotJson snapshots;
  private final LiveStream stream;
  /**
   * The threads Javalin runs asynchronous requests on (each open event stream holds one): virtual,
   * and shut down by {@link #close}. Javalin's default pool keeps its idle platform threads, which
   * are not daemons, for a minute after {@code stop()} (javalin/javalin#2628), so a program that
   * closed its dashboard could not exit for that minute.
   */
  private final ExecutorService requestThreads =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(REQUEST_THREAD_PREFIX, 0).factory());
  private final Javalin server;

  private EchoDashboard(ApplicationRuntime runtime, DashboardConfig config) {
    this.runtime = runtime;
    this.config = config;
    this.loopback = isLoopback(config.host());
    if (!loopback && config.token().isEmpty()) {
      throw new IllegalStateException("the dashboard would bind to " + config.host()
          + ", which is not a loopback address, without a configured token: anyone who can reach it could "
          + "read and steer the runtime. Set DashboardConfig.Builder.token(..), or bind to 127.0.0.1");
    }
    this.token = config.token().orElseGet(EchoDashboard::newToken);
    this.snapshots = new SnapshotJson(runtime, config);
    this.stream = new LiveStream(this::snapshotText, config.updateInterval());
    try {
      this.server = Javalin.create(c -> {
        c.concurrency.executor = LazyKt.lazyOf(new AsyncExecutor(requestThreads));
        c.startup.showJavalinBanner = false;
        c.startup.showOldJavalinVersionWarning = false;
        c.jsonMapper(new JavalinJackson(mapper, false));
        c.jetty.host = config.host();
        c.jetty.port = config.port();
        c.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrors(mapper)));
        c.staticFiles.add(files -> {
          files.hostedPath = "/";
          files.directory = "/land/echo/dashboard/web";
          files.location = Location.CLASSPATH;
          files.headers = Map.of("Content-Security-Policy", CONTENT_SECURITY_POLICY, "X-Content-Type-Options", "nosniff",
              "X-Frame-Options", "DENY", "Referrer-Policy", "no-referrer");
        });
        c.staticFiles.enableWebjars();
        c.routes.before(this::guard);
        c.routes.get("/api/snapshot", ctx -> ctx.contentType("application/json").result(snapshotText()));
        c.routes.sse("/api/events", stream::subscribe);
        c.routes.post("/api/effects/{id}/cancel", this::cancel);
        c.routes.post("/api/breakers/{name}/state", this::breakerState);
        c.routes.post("/api/queues/{name}/drain", ctx -> queue(ctx, true));
        c.routes.post("/api/queues/{name}/resume", ctx -> queue(ctx, false));
        c.routes.post("/api/bulkheads/{name}/drain", ctx -> bulkhead(ctx, true));
        c.routes.post("/api/bulkheads/{name}/resume", ctx -> bulkhead(ctx, false));
        // Javalin's own 404 and 405 are HttpResponseExceptions too: one handler writes every 4xx.
        c.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
        c.routes.exception(Exception.class, (e, ctx) -> {
          LOG.warn("Dashboard request {} {} failed", ctx.method(), ctx.path(), e);
          error(ctx, 500, "internal error (logged on the server)");
        });
      }).start();
    } catch (RuntimeException e) {
      stream.close();
      requestThreads.shutdownNow();
      if (e instanceof JavalinBindException) {
        throw new IllegalStateException("the dashboard cannot listen on " + config.host() + ":" + config.port()
            + ": the port is in use (choose another, or 0 for a free one)", e);
      }
      throw e;
    }
    if (config.token().isEmpty()) {
      LOG.info("Echo dashboard at {}; control token (printed once): {}", url(), token);
    } else {
      LOG.info("Echo dashboard at {}", url());
    }
  }

  /**
   * Starts serving a dashboard of {@code runtime}.
   *
   * @param runtime the runtime to show and steer; {@code config}'s observatory must be one of its
   *     listeners
   * @param config where to listen, the token, the policies to show
   * @return the running dashboard; close it to stop serving
   * @throws IllegalStateException if the address is not a loopback one and no token is configured,
   *     or if the port is in use (the message names the address)
   */
  public static EchoDashboard start(ApplicationRuntime runtime, DashboardConfig config) {
    return new EchoDashboard(Objects.requireNonNull(runtime, "runtime"), Objects.requireNonNull(config, "config"));
  }

  /**
   * Returns the port the dashboard listens on (the chosen one when the configuration said 0).
   *
   * @return the port
   */
  public int port() {
    return server.port();
  }

  /**
   * Returns the page's address.
   *
   * @return {@code http://host:port/}
   */
  public URI url() {
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return URI.create("http://" + host + ":" + port() + "/");
  }

  /**
   * Returns the token the controls need: the configured one, or the one generated at start.
   *
   * @return the token
   */
  public String token() {
    return token;
  }

  /** Returns how many browsers follow the live stream (for tests and the CLI). */
  int streamSubscribers() {
    return stream.subscribers();
  }

  /** Returns how many browsers are stuck in a write with a newer update waiting (for tests). */
  int streamStalled() {
    return stream.stalled();
  }

  /** Stops serving: the stream's connections are closed and the port is released. Idempotent. */
  @Override
  public void close() {
    stream.close();
    server.stop();
    requestThreads.shutdownNow();
  }

  // ------------------------------------------------------------------ requests

  private String snapshotText() {
    try {
      return mapper.writeValueAsString(snapshots.build());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the snapshot could not be written as JSON", e);
    }
  }

  /** Security headers on every response; the origin and token checks before any handler. */
  private void guard(Context ctx) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-store");
    if (loopback && !isLoopbackHost(ctx.header("Host"))) {
      // DNS rebinding: a hostile page whose own name resolves to 127.0.0.1 would pass the origin
      // check below (its Origin and Host agree); a loopback dashboard answers loopback names only.
      throw new HttpResponseException(403, "this dashboard answers requests for 127.0.0.1, [::1] or localhost only");
    }
    String origin = ctx.header("Origin");
    if (origin != null && !origin.equals("http://" + ctx.header("Host"))) {
      throw new HttpResponseException(403, "cross-origin requests are refused (Origin " + origin + ")");
    }
    if ("cross-site".equals(ctx.header("Sec-Fetch-Site"))) {
      throw new HttpResponseException(403, "cross-site requests are refused");
    }
    boolean control = ctx.method().name().equals("POST");
    boolean api = ctx.path().startsWith("/api/");
    if (control || (!loopback && api)) {
      String given = bearer(ctx);
      if (given == null && !control && ctx.path().equals("/api/events")) {
        given = ctx.queryParam("token");
      }
      if (given == null) {
        throw new HttpResponseException(401, control
            ? "controls need the dashboard's token in an 'Authorization: Bearer <token>' header"
            : "this dashboard is not on a loopback address: reads need its token too");
      }
      if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
        throw new HttpResponseException(403, "the token is wrong");
      }
    }
  }

  /** Whether a Host header names a loopback address or localhost (any port). */
  static boolean isLoopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String name = host.strip().toLowerCase(Locale.ROOT);
    if (name.startsWith("[")) {
      int end = name.indexOf(']');
      return end > 0 && name.substring(1, end).equals("::1");
    }
    int colon = name.indexOf(':');
    name = colon >= 0 ? name.substring(0, colon) : name;
    return name.equals("localhost") || name.equals("127.0.0.1") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  private static String bearer(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).strip();
  }

  private void cancel(Context ctx) {
    String raw = ctx.pathParam("id");
    long id;
    try {
      id = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new HttpResponseException(400, "an effect id is a number, not '" + raw + "'");
    }
    if (!runtime.cancel(id, "cancelled from the dashboard")) {
      throw new HttpResponseException(404, "no effect " + id + " is in flight");
    }
    ctx.json(Map.of("cancelled", id));
  }

  private static final Set<String> BREAKER_STATES = Set.of("OPEN", "CLOSED", "DISABLED");

  private void breakerState(Context ctx) {
    String name = ctx.pathParam("name");
    CircuitBreaker breaker = config.breakers().get(name);
    if (breaker == null) {
      throw new HttpResponseException(404, "no breaker named '" + name + "' is shown");
    }
    JsonNode body;
    try {
      body = mapper.readTree(ctx.body());
    } catch (JsonProcessingException e) {
      throw new HttpResponseException(400, "the body is not JSON: expected {\"state\": \"OPEN\" | \"CLOSED\" | \"DISABLED\"}");
    }
    JsonNode state = body == null ? null : body.get("state");
    String wanted = state != null && state.isTextual() ? state.asText().toUpperCase(Locale.ROOT) : null;
    if (wanted == null || !BREAKER_STATES.contains(wanted)) {
      throw new HttpResponseException(400, "\"state\" must be one of \"OPEN\", \"CLOSED\", \"DISABLED\"");
    }
    switch (wanted) {
      case "OPEN" -> breaker.forceOpen();
      case "CLOSED" -> breaker.reset();
      default -> breaker.disable();
    }
    ctx.json(Map.of("breaker", name, "state", breaker.state().name()));
  }

  private void queue(Context ctx, boolean drain) {
    String name = ctx.pathParam("name");
    if (!runtime.scheduler().config().namedQueues().containsKey(name)) {
      throw new HttpResponseException(404, "the scheduler has no named queue '" + name + "'");
    }
    NamedQueue queue = runtime.scheduler().queue(name);
    if (drain) {
      queue.drain();
    } else {
      queue.resume();
    }
    ctx.json(Map.of("queue", name, "drained", queue.isDrained()));
  }

  private void bulkhead(Context ctx, boolean drain) {
    String name = ctx.pathParam("name");
    Bulkhead bulkhead = config.bulkheads().get(name);
    if (bulkhead == null) {
      throw new HttpResponseException(404, "no bulkhead named '" + name + "' is shown");
    }
    if (drain) {
      bulkhead.drain();
    } else {
      bulkhead.resume();
    }
    ctx.json(Map.of("bulkhead", name, "drained", bulkhead.isDrained()));
  }

  private void error(Context ctx, int status, String message) {
    ctx.status(status);
    ctx.contentType("application/json");
    try {
      ctx.result(mapper.writeValueAsString(Map.of("error", message)));
    } catch (JsonProcessingException e) {
      ctx.result("{\"error\":\"error\"}");
    }
  }

  // ------------------------------------------------------------------ helpers

  private static boolean isLoopback(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("the dashboard's host '" + host + "' cannot be resolved", e);
    }
  }

  private static String newToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
