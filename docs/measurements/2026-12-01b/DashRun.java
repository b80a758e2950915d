import java.io.*;
import java.net.URI;
import java.net.http.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.ThreadLocalRandom;
import land.echo.cli.demo.*;

public class DashRun {
  public static void main(String[] a) throws Exception {
    SourceTree tree = SourceTree.open(Path.of(System.getProperty("java.home"), "lib", "src.zip"));
    for (String mode : a) {
      WorkloadSettings settings = WorkloadSettings.defaults(Duration.ofSeconds(5), 2);
      SourceIndex index = new SourceIndex();
      FlakySymbolService service = new FlakySymbolService(index, settings.serviceFailureRate(), () -> ThreadLocalRandom.current().nextDouble());
      DemoRun run = new DemoRun(tree, index, service, new DemoCounters(), settings);
      DemoDashboard live = mode.startsWith("on") ? new DemoDashboard(0, new PrintWriter(Writer.nullWriter())) : null;
      EchoWorkload w = new EchoWorkload(run, null, false, live);
      List<Thread> clients = new ArrayList<>();
      if (live != null && mode.equals("on")) {
        URI events = live.dashboard().url().resolve("/api/events");
        for (int i = 0; i < 2; i++) clients.add(Thread.ofPlatform().daemon().start(() -> {
          try {
            var r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(events).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
            try (var l = new BufferedReader(new InputStreamReader(r.body()))) { while (l.readLine() != null) {} }
          } catch (Exception e) {}
        }));
      }
      if (live != null) Thread.sleep(1500);
      WorkloadResult res = w.run();
      if (live != null) live.close();
      System.out.printf("%s %.0f files/s%n", mode, res.filesPerSecond());
    }
  }
}
