import java.net.URI;
import java.net.http.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.CompletableFuture;
import land.echo.*;
import land.echo.dashboard.*;
import land.echo.observability.NameTags;
import land.echo.observability.live.Observatory;
import land.echo.scheduler.*;
import land.echo.time.Clock;

// Written from the README's "Live dashboard" section alone: then pushed hard.
public class Stranger {
  public static void main(String[] a) throws Exception {
    Observatory observatory = Observatory.create(NameTags.ofDefaults(), Clock.system(), 0);
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().namedQueue("indexing", 2).build());
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(scheduler).listener(observatory).build();
    Effects<String> app = Effects.failingWith(String.class);
    EchoDashboard dashboard = EchoDashboard.start(runtime, DashboardConfig.builder(observatory).port(0).build());
    System.out.println("Dashboard at " + dashboard.url() + ", control token " + dashboard.token());
    // 1,000 distinct names (beyond the 100 NameTags admits), 100,000 effects in flight.
    for (int i = 0; i < 1000; i++) runtime.run(app.succeed(i).named("name-" + i));
    List<EffectHandle<String, Integer>> stuck = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) stuck.add(runtime.submit(app.async(t -> new CompletableFuture<Integer>(), AsyncCancelMode.CANCEL_FUTURE).named("stuck")));
    HttpClient http = HttpClient.newHttpClient();
    for (int r = 0; r < 5; r++) {
      long t0 = System.nanoTime();
      HttpResponse<String> s = http.send(HttpRequest.newBuilder(dashboard.url().resolve("/api/snapshot")).build(), HttpResponse.BodyHandlers.ofString());
      System.out.printf("snapshot %d bytes in %.1f ms, status %d%n", s.body().length(), (System.nanoTime() - t0) / 1e6, s.statusCode());
    }
    String body = http.send(HttpRequest.newBuilder(dashboard.url().resolve("/api/snapshot")).build(), HttpResponse.BodyHandlers.ofString()).body();
    System.out.println("names listed: " + body.split("\"name\":\"name-").length + ", has other: " + body.contains("\"name\":\"other\"") + ", inFlightTotal: " + body.replaceAll(".*\"inFlightTotal\":(\\d+).*", "$1"));
    long t0 = System.nanoTime();
    stuck.forEach(EffectHandle::cancel);
    System.out.printf("cancelled 100k in %.0f ms%n", (System.nanoTime() - t0) / 1e6);
    dashboard.close();
    dashboard.close(); // idempotent?
    runtime.shutdown(Duration.ofSeconds(10));
    System.out.println("done");
  }
}
