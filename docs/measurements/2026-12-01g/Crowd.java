import java.io.*;
import java.net.http.*;
import java.util.*;
import land.echo.*;
import land.echo.dashboard.*;
import land.echo.observability.*;
import land.echo.observability.live.*;
import land.echo.scheduler.*;
import land.echo.time.Clock;

/** 200 event streams left open while the dashboard closes (twice), then main returns. */
public class Crowd {
  public static void main(String[] args) throws Exception {
    Observatory observatory = Observatory.create(NameTags.ofDefaults(), Clock.system(), 0);
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(EchoScheduler.create(SchedulerConfig.builder().build())).listener(observatory).build();
    EchoDashboard dashboard = EchoDashboard.start(runtime, DashboardConfig.builder(observatory).port(0).build());
    HttpClient http = HttpClient.newHttpClient();
    List<BufferedReader> open = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(dashboard.url().resolve("/api/events"))
          .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
      BufferedReader lines = new BufferedReader(new InputStreamReader(r.body()));
      while (!lines.readLine().startsWith("data:")) { }
      open.add(lines);
    }
    long t0 = System.nanoTime();
    dashboard.close();
    dashboard.close();
    System.out.println("close with 200 open streams took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    int ended = 0;
    for (BufferedReader lines : open) {
      try { while (lines.readLine() != null) { } ended++; } catch (IOException e) { ended++; }
    }
    System.out.println("streams ended for the clients: " + ended + " of 200");
    runtime.shutdown(java.time.Duration.ofSeconds(5));
    http.close();
    System.out.println("main returns at epoch ms " + System.currentTimeMillis());
  }
}
