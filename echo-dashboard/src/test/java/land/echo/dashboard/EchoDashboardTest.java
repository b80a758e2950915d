package land.echo.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.AsyncCancelMode;
import land.echo.EffectHandle;
import land.echo.Effects;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.observability.NameTags;
import land.echo.observability.live.Observatory;
import land.echo.resilience.Bulkhead;
import land.echo.resilience.BulkheadDrained;
import land.echo.resilience.CircuitBreaker;
import land.echo.resilience.CircuitOpen;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The dashboard's HTTP API, on a real Javalin server on 127.0.0.1. */
@Timeout(60)
class EchoDashboardTest {
  private static final Effects<String> APP = Effects.failingWith(String.class);
  private static final String TOKEN = "a-test-token-of-24-chars";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Observatory observatory = Observatory.create(NameTags.ofDefaults(), Clock.system(), 1024);
  private final ApplicationRuntime runtime = ApplicationRuntime.builder()
      .scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(2).namedQueue("indexing", 1).build()))
      .listener(observatory)
      .build();
  private final CircuitBreaker breaker = CircuitBreaker.ofDefaults("payments");
  private final Bulkhead bulkhead = Bulkhead.of("indexer", 2, 10);
  private final EchoDashboard dashboard = EchoDashboard.start(runtime,
      DashboardConfig.builder(observatory).token(TOKEN).breaker(breaker).bulkhead(bulkhead)
          .updateInterval(Duration.ofMillis(50)).build());
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    dashboard.close();
    runtime.shutdown(Duration.ofSeconds(5));
  }

  private static ActionEffect<String, Integer> forever() {
    return APP.async(token -> new CompletableFuture<Integer>(), AsyncCancelMode.CANCEL_FUTURE);
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(dashboard.url().resolve(path)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(dashboard.url().resolve(path))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    return JSON.readTree(response.body());
  }

  @Test
  void theSnapshotShowsNamesPrioritiesTheSchedulerAndTheEffectsInFlight() throws Exception {
    runtime.run(APP.succeed(1).named("checkout"), Priority.HIGH);
    runtime.run(APP.<Integer>fail("card declined").named("checkout"), Priority.HIGH);
    EffectHandle<String, Integer> waiting = runtime.submit(forever().named("waiter"), Priority.LOW);

    HttpResponse<String> response = get("/api/snapshot");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Security-Policy")).hasValue(EchoDashboard.CONTENT_SECURITY_POLICY);
    JsonNode s = json(response);
    assertThat(s.get("version").asInt()).isEqualTo(1);
    assertThat(s.at("/priorities/high/completed").asLong()).isEqualTo(2);
    assertThat(s.at("/priorities/low/inFlight").asLong()).isEqualTo(1);
    assertThat(s.at("/outcomes/failure").asLong()).isEqualTo(1);
    assertThat(s.at("/outcomes/success").asLong()).isEqualTo(1);
    assertThat(s.at("/outcomes/timed_out").asLong()).isZero();
    assertThat(s.at("/scheduler/namedQueues/0/name").asText()).isEqualTo("indexing");
    assertThat(s.at("/scheduler/namedQueues/0/limit").asInt()).isEqualTo(1);
    assertThat(s.at("/scheduler/namedQueues/0/drained").asBoolean()).isFalse();
    JsonNode checkout = s.get("names").findParents("name").stream()
        .filter(n -> n.get("name").asText().equals("checkout")).findFirst().orElseThrow();
    assertThat(checkout.get("completed").asLong()).isEqualTo(2);
    assertThat(checkout.get("successRate").asDouble()).isEqualTo(0.5);
    assertThat(checkout.at("/run/maxMillis").isNumber()).isTrue();
    assertThat(checkout.at("/queueWait/p99Millis").isNumber()).isTrue();
    assertThat(s.at("/scheduler/workers").asInt()).isEqualTo(2);
    assertThat(s.at("/inFlight/0/name").asText()).isEqualTo("waiter");
    assertThat(s.at("/inFlight/0/priority").asText()).isEqualTo("low");
    assertThat(s.at("/inFlight/0/attempt").asInt()).isEqualTo(1);
    assertThat(s.at("/inFlight/0/ageMillis").asDouble()).isNotNegative();
    assertThat(s.at("/failures/0/message").asText()).isEqualTo("card declined");
    assertThat(s.at("/breakers/0/name").asText()).isEqualTo("payments");
    assertThat(s.at("/breakers/0/state").asText()).isEqualTo("CLOSED");
    assertThat(s.at("/bulkheads/0/name").asText()).isEqualTo("indexer");
    assertThat(s.at("/bulkheads/0/drained").asBoolean()).isFalse();
    waiting.cancel();
  }

  @Test
  void thePageAndChartJsAreServedFromTheJarWithTheContentSecurityPolicy() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>Echo dashboard</title>").doesNotContain("${");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(EchoDashboard.CONTENT_SECURITY_POLICY);
    String script = page.body().replaceAll("(?s).*<script src=\"(/webjars/[^\"]+)\".*", "$1");
    HttpResponse<String> chartJs = get(script);
    assertThat(chartJs.statusCode()).as(script).isEqualTo(200);
    assertThat(chartJs.body()).contains("Chart");
    assertThat(get("/app.js").statusCode()).isEqualTo(200);
    assertThat(get("/style.css").statusCode()).isEqualTo(200);
  }

  @Test
  void theEventStreamPushesUpdatesAndForgetsAClosedBrowser() throws Exception {
    // What a browser's EventSource sends; Javalin answers an SSE route only to this Accept header.
    HttpRequest request = HttpRequest.newBuilder(dashboard.url().resolve("/api/events"))
        .header("Accept", "text/event-stream").GET().build();
    HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    int updates = 0;
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while (updates < 3 && (line = lines.readLine()) != null) {
        if (line.startsWith("data:")) {
          JsonNode update = JSON.readTree(line.substring(5).strip());
          assertThat(update.get("version").asInt()).isEqualTo(1);
          updates++;
        } else if (line.startsWith("event:")) {
          assertThat(line.substring(6).strip()).isEqualTo("update");
        }
      }
      assertThat(dashboard.streamSubscribers()).isEqualTo(1);
    }
    assertThat(updates).isEqualTo(3);
    // The closed connection is noticed at the next write, one update interval later.
    await().atMost(Duration.ofSeconds(10)).until(() -> dashboard.streamSubscribers() == 0);
  }

  /** Opens an event stream as a browser does; returns its lines. */
  private BufferedReader subscribe() throws Exception {
    HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(dashboard.url().resolve("/api/events"))
        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
  }

  /** Reads {@code n} updates from {@code lines}; returns the last one's JSON. */
  private static JsonNode read(BufferedReader lines, int n) throws Exception {
    JsonNode last = null;
    for (int read = 0; read < n; ) {
      String line = lines.readLine();
      assertThat(line).as("the stream ended after %d updates", read).isNotNull();
      if (line.startsWith("data:")) {
        last = JSON.readTree(line.substring(5).strip());
        read++;
      }
    }
    return last;
  }

  /**
   * An event stream holds a request thread for as long as it is open. Javalin's default pool for
   * them keeps idle platform threads, not daemons, for a minute after {@code stop()}, so a program
   * that closed its dashboard could not exit for that minute; the dashboard runs them on virtual
   * threads of its own, shut down by {@code close()}.
   */
  @Test
  void closingTheDashboardLeavesNoPlatformThreadOfItsEventStreamsBehind() throws Exception {
    try (BufferedReader lines = subscribe()) {
      read(lines, 1);
    }
    dashboard.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> platformThreadsNamed("JavalinDefaultAsyncThreadPool").isEmpty());
  }

  private static java.util.List<String> platformThreadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .map(Thread::getName)
        .toList();
  }

  @Test
  void severalBrowsersFollowTheStreamAndOneLeavingChangesNothingForTheOthers() throws Exception {
    try (BufferedReader a = subscribe(); BufferedReader b = subscribe()) {
      BufferedReader c = subscribe();
      await().until(() -> dashboard.streamSubscribers() == 3);
      for (BufferedReader lines : java.util.List.of(a, b, c)) {
        assertThat(read(lines, 2).get("version").asInt()).isEqualTo(1);
      }
      c.close(); // a closed tab

      await().atMost(Duration.ofSeconds(10)).until(() -> dashboard.streamSubscribers() == 2);
      runtime.run(APP.succeed(1).named("after-leaving"));
      for (BufferedReader lines : java.util.List.of(a, b)) {
        JsonNode update = read(lines, 1);
        // Updates keep coming, and show what happened after the third browser left.
        while (update.get("names").findValuesAsText("name").stream().noneMatch("after-leaving"::equals)) {
          update = read(lines, 1);
        }
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> dashboard.streamSubscribers() == 0);
  }

  @Test
  void aBrowserThatStopsReadingSlowsNobody() throws Exception {
    // Big updates: 100 names, 200 effects in flight, 50 failures.
    for (int i = 0; i < 100; i++) {
      runtime.run(APP.<Integer>fail("a failure whose text is long enough to weigh something " + i).named("name-" + i));
    }
    java.util.List<EffectHandle<String, Integer>> stuck = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      stuck.add(runtime.submit(forever().named("stuck-" + (i % 10))));
    }
    try (java.net.Socket stalled = new java.net.Socket()) {
      stalled.setReceiveBufferSize(1024);
      stalled.connect(new java.net.InetSocketAddress("127.0.0.1", dashboard.port()));
      stalled.getOutputStream().write(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII)); // and never reads
      await().until(() -> dashboard.streamSubscribers() == 1);
      // Once the socket's buffers are full, its sender blocks in a write and newer updates wait
      // for it, replacing each other: it is behind for good.
      await().atMost(Duration.ofSeconds(60)).until(() -> dashboard.streamStalled() == 1);
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> dashboard.streamStalled() == 1);

      HttpResponse<InputStream> healthy = http.send(HttpRequest.newBuilder(dashboard.url().resolve("/api/events"))
          .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
      long start = System.nanoTime();
      int updates = 0;
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(healthy.body(), StandardCharsets.UTF_8))) {
        String line;
        while (updates < 20 && (line = lines.readLine()) != null) {
          updates += line.startsWith("data:") ? 1 : 0;
        }
      }
      assertThat(updates).isEqualTo(20);
      assertThat(dashboard.streamStalled()).as("the stalled browser is still stuck").isEqualTo(1);
      // 20 updates at 50 ms take about a second; far less than the stalled write's forever.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      assertThat(runtime.run(APP.succeed(7)).isSuccess()).isTrue();
    } finally {
      stuck.forEach(EffectHandle::cancel);
    }
  }

  @Test
  void controlsNeedTheTokenAndSayWhyInJson() throws Exception {
    HttpResponse<String> none = post("/api/bulkheads/indexer/drain", "", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(json(none).get("error").asText()).contains("Authorization: Bearer");
    HttpResponse<String> wrong = post("/api/bulkheads/indexer/drain", "", "not-the-right-token-at-all");
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(json(wrong).get("error").asText()).isEqualTo("the token is wrong");
    assertThat(bulkhead.isDrained()).isFalse();
  }

  @Test
  void cancelStopsTheEffectWithThatId() throws Exception {
    EffectHandle<String, Integer> handle = runtime.submit(forever().named("stuck"));
    long id = runtime.inFlight().getFirst().id();

    HttpResponse<String> response = post("/api/effects/" + id + "/cancel", "", TOKEN);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("cancelled").asLong()).isEqualTo(id);
    assertThat(handle.outcome().get()).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("cancelled from the dashboard")));
    HttpResponse<String> again = post("/api/effects/" + id + "/cancel", "", TOKEN);
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(json(again).get("error").asText()).isEqualTo("no effect " + id + " is in flight");
    HttpResponse<String> bad = post("/api/effects/twelve/cancel", "", TOKEN);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).get("error").asText()).isEqualTo("an effect id is a number, not 'twelve'");
  }

  @Test
  void aBreakerIsForcedOpenAndClosedAgain() throws Exception {
    HttpResponse<String> open = post("/api/breakers/payments/state", "{\"state\":\"OPEN\"}", TOKEN);
    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(json(open).get("state").asText()).isEqualTo("FORCED_OPEN");
    Outcome<String, Integer> refused = runtime.run(APP.succeed(1).via(breaker.policy()));
    assertThat(((Outcome.Faulted<?, ?>) refused).fault()).isInstanceOfSatisfying(Fault.Rejected.class,
        r -> assertThat(r.rejection()).isInstanceOf(CircuitOpen.class));

    HttpResponse<String> closed = post("/api/breakers/payments/state", "{\"state\":\"closed\"}", TOKEN);
    assertThat(json(closed).get("state").asText()).isEqualTo("CLOSED");
    assertThat(runtime.run(APP.succeed(1).via(breaker.policy())).isSuccess()).isTrue();

    HttpResponse<String> badState = post("/api/breakers/payments/state", "{\"state\":\"HALF\"}", TOKEN);
    assertThat(badState.statusCode()).isEqualTo(400);
    assertThat(json(badState).get("error").asText()).contains("\"OPEN\", \"CLOSED\", \"DISABLED\"");
    HttpResponse<String> notJson = post("/api/breakers/payments/state", "state=OPEN", TOKEN);
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(json(notJson).get("error").asText()).startsWith("the body is not JSON");
    HttpResponse<String> unknown = post("/api/breakers/ledger/state", "{\"state\":\"OPEN\"}", TOKEN);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).get("error").asText()).isEqualTo("no breaker named 'ledger' is shown");
  }

  @Test
  void aNamedQueueIsDrainedAndResumed() throws Exception {
    land.echo.scheduler.NamedQueue queue = runtime.scheduler().queue("indexing");
    HttpResponse<String> drained = post("/api/queues/indexing/drain", "", TOKEN);
    assertThat(json(drained).get("drained").asBoolean()).isTrue();
    assertThat(queue.isDrained()).isTrue();
    java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
    queue.execute(ran::countDown);
    assertThat(queue.waiting()).isEqualTo(1);
    assertThat(json(get("/api/snapshot")).at("/scheduler/namedQueues/0/waiting").asInt()).isEqualTo(1);

    HttpResponse<String> resumed = post("/api/queues/indexing/resume", "", TOKEN);
    assertThat(json(resumed).get("drained").asBoolean()).isFalse();
    assertThat(ran.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    HttpResponse<String> unknown = post("/api/queues/nope/drain", "", TOKEN);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).get("error").asText()).isEqualTo("the scheduler has no named queue 'nope'");
  }

  @Test
  void aBulkheadIsDrainedAndResumed() throws Exception {
    HttpResponse<String> drained = post("/api/bulkheads/indexer/drain", "", TOKEN);
    assertThat(json(drained).get("drained").asBoolean()).isTrue();
    Outcome<String, Integer> refused = runtime.run(APP.succeed(1).via(bulkhead.policy()));
    assertThat(((Outcome.Faulted<?, ?>) refused).fault()).isInstanceOfSatisfying(Fault.Rejected.class,
        r -> assertThat(r.rejection()).isInstanceOf(BulkheadDrained.class));
    assertThat(json(get("/api/snapshot")).at("/bulkheads/0/drained").asBoolean()).isTrue();

    HttpResponse<String> resumed = post("/api/bulkheads/indexer/resume", "", TOKEN);
    assertThat(json(resumed).get("drained").asBoolean()).isFalse();
    assertThat(runtime.run(APP.succeed(1).via(bulkhead.policy())).isSuccess()).isTrue();
    assertThat(post("/api/bulkheads/nope/drain", "", TOKEN).statusCode()).isEqualTo(404);
  }

  @Test
  void crossOriginRequestsAreRefused() throws Exception {
    HttpResponse<String> read = get("/api/snapshot", "Origin", "http://evil.example");
    assertThat(read.statusCode()).isEqualTo(403);
    assertThat(json(read).get("error").asText()).contains("cross-origin");
    assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    HttpRequest control = HttpRequest.newBuilder(dashboard.url().resolve("/api/bulkheads/indexer/drain"))
        .header("Authorization", "Bearer " + TOKEN).header("Origin", "http://evil.example")
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    assertThat(http.send(control, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    assertThat(bulkhead.isDrained()).isFalse();
    assertThat(get("/api/snapshot", "Origin", "http://127.0.0.1:" + dashboard.port()).statusCode()).isEqualTo(200);
  }

  @Test
  void aLoopbackDashboardRefusesOtherHostNames() throws Exception {
    // What a DNS-rebinding page sends: its own name, resolved to 127.0.0.1, as Host and Origin.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", dashboard.port())) {
      socket.getOutputStream().write(("GET /api/snapshot HTTP/1.1\r\nHost: evil.example:" + dashboard.port()
          + "\r\nOrigin: http://evil.example:" + dashboard.port() + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 403").contains("127.0.0.1, [::1] or localhost only")
          .doesNotContain("\"version\"");
    }
    assertThat(EchoDashboard.isLoopbackHost("localhost:8080")).isTrue();
    assertThat(EchoDashboard.isLoopbackHost("127.0.0.1")).isTrue();
    assertThat(EchoDashboard.isLoopbackHost("127.1.2.3:9")).isTrue();
    assertThat(EchoDashboard.isLoopbackHost("[::1]:7070")).isTrue();
    assertThat(EchoDashboard.isLoopbackHost("LOCALHOST")).isTrue();
    assertThat(EchoDashboard.isLoopbackHost("localhost.evil.example")).isFalse();
    assertThat(EchoDashboard.isLoopbackHost("127.0.0.1.evil.example")).isFalse();
    assertThat(EchoDashboard.isLoopbackHost("[::2]:7070")).isFalse();
    assertThat(EchoDashboard.isLoopbackHost(null)).isFalse();
    assertThat(get("/api/snapshot", "Origin", "http://localhost:" + dashboard.port()).statusCode())
        .as("Origin localhost against Host 127.0.0.1: not the same origin").isEqualTo(403);
  }

  @Test
  void unknownPathsAndWrongMethodsGetJsonErrorsNotHtml() throws Exception {
    HttpResponse<String> missing = get("/api/nothing-here");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).get("error").asText()).isEqualTo("Endpoint GET /api/nothing-here not found");
    HttpResponse<String> wrongMethod = get("/api/queues/indexing/drain");
    assertThat(wrongMethod.statusCode()).isBetween(400, 499);
    assertThat(wrongMethod.body()).doesNotContain("<html").doesNotContain("Exception");
  }

  @Test
  void pathsThatJettyRefusesGetJsonErrorsToo() throws Exception {
    for (String path : java.util.List.of("/../../etc/passwd", "/webjars/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd")) {
      // Raw, unnormalised: what a hostile client sends (java.net.URI would resolve the dots away).
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", dashboard.port())) {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(response).as(path).startsWith("HTTP/1.1 4").contains("application/json").contains("{\"error\":")
            .doesNotContain("<html").doesNotContain("passwd:").doesNotContain("root:");
      }
    }
  }

  @Test
  void aNonLoopbackAddressWithoutATokenRefusesToStart() {
    assertThatIllegalStateException()
        .isThrownBy(() -> EchoDashboard.start(runtime, DashboardConfig.builder(observatory).host("0.0.0.0").build()))
        .withMessageContaining("not a loopback address").withMessageContaining("token");
  }

  @Test
  void onANonLoopbackAddressReadsNeedTheTokenToo() throws Exception {
    try (EchoDashboard open = EchoDashboard.start(runtime,
        DashboardConfig.builder(observatory).host("0.0.0.0").token(TOKEN).build())) {
      URI base = URI.create("http://127.0.0.1:" + open.port() + "/");
      HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(base.resolve("/api/snapshot")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      HttpResponse<String> withToken = http.send(HttpRequest.newBuilder(base.resolve("/api/snapshot"))
          .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(withToken.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aPortInUseIsNamed() {
    assertThatIllegalStateException()
        .isThrownBy(() -> EchoDashboard.start(runtime, DashboardConfig.builder(observatory).port(dashboard.port()).build()))
        .withMessage("the dashboard cannot listen on 127.0.0.1:" + dashboard.port()
            + ": the port is in use (choose another, or 0 for a free one)");
  }

  @Test
  void aGeneratedTokenIsLongAndDiffersEachTime() {
    try (EchoDashboard a = EchoDashboard.start(runtime, DashboardConfig.builder(observatory).build());
        EchoDashboard b = EchoDashboard.start(runtime, DashboardConfig.builder(observatory).build())) {
      assertThat(a.token()).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(b.token());
      assertThat(a.port()).isPositive().isNotEqualTo(b.port());
      assertThat(a.url().toString()).isEqualTo("http://127.0.0.1:" + a.port() + "/");
    }
  }

  @Test
  void badConfigurationIsNamed() {
    DashboardConfig.Builder b = DashboardConfig.builder(observatory);
    assertThatIllegalArgumentException().isThrownBy(() -> b.port(70_000)).withMessage("port must be in [0, 65535], was 70000");
    assertThatIllegalArgumentException().isThrownBy(() -> b.token("short"))
        .withMessage("token must be at least 16 characters without whitespace");
    assertThatIllegalArgumentException().isThrownBy(() -> b.updateInterval(Duration.ofMillis(1)))
        .withMessageStartingWith("updateInterval must be in [50 ms, 10 s]");
    assertThatIllegalArgumentException().isThrownBy(() -> b.host(" ")).withMessage("host must not be blank");
    b.breaker(breaker);
    assertThatIllegalArgumentException().isThrownBy(() -> b.breaker(CircuitBreaker.ofDefaults("payments")))
        .withMessage("a breaker named 'payments' is already shown");
  }
}
