import java.io.*;
import java.net.URI;
import java.net.http.*;
import java.nio.charset.StandardCharsets;
import land.echo.*;
import land.echo.dashboard.*;
import land.echo.observability.*;
import land.echo.observability.live.*;
import land.echo.scheduler.*;
import land.echo.time.Clock;

/** From the README's dashboard section: start, let a browser-like client read the stream, close, return from main. */
public class ExitProbe {
  public static void main(String[] args) throws Exception {
    Observatory observatory = Observatory.create(NameTags.ofDefaults(), Clock.system(), 0);
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().build());
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(scheduler).listener(observatory).build();
    EchoDashboard dashboard = EchoDashboard.start(runtime, DashboardConfig.builder(observatory).port(0).build());
    HttpClient http = HttpClient.newHttpClient();
    for (int tab = 0; tab < 3; tab++) {
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(dashboard.url().resolve("/api/events"))
          .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        String l; int data = 0;
        while (data < 2 && (l = lines.readLine()) != null) if (l.startsWith("data:")) data++;
      }
    }
    dashboard.close();
    runtime.shutdown(java.time.Duration.ofSeconds(5));
    http.close();
    System.out.println("main returns at epoch ms " + System.currentTimeMillis());
  }
}
