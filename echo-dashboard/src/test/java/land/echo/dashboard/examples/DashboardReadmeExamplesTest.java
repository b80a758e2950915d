package land.echo.dashboard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import land.echo.ApplicationRuntime;
import land.echo.Effects;
import land.echo.dashboard.DashboardConfig;
import land.echo.dashboard.EchoDashboard;
import land.echo.observability.NameTags;
import land.echo.observability.live.Observatory;
import land.echo.resilience.CircuitBreaker;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * The README's "Live dashboard" example, compiled and run; {@link #theReadmeShowsEveryRegionVerbatim}
 * checks that the README shows exactly this text.
 */
class DashboardReadmeExamplesTest {
  private static final Effects<String> APP = Effects.failingWith(String.class);

  @Test
  void dashboard() throws Exception {
    // @start region=dashboard
    Observatory observatory = Observatory.create(NameTags.ofDefaults(), Clock.system(), 0); // no journal
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().namedQueue("indexing", 2).build());
    ApplicationRuntime runtime =
        ApplicationRuntime.builder().scheduler(scheduler).listener(observatory).build();
    CircuitBreaker payments = CircuitBreaker.ofDefaults("payments");
    EchoDashboard dashboard = EchoDashboard.start(runtime, DashboardConfig.builder(observatory)
        .port(0)                 // a free port; dashboard.port() and dashboard.url() report it
        .breaker(payments)       // shown, and forced open or closed from the page
        .build());
    System.out.println("Dashboard at " + dashboard.url() + ", control token " + dashboard.token());
    // @end
    try (runtime; dashboard) {
      runtime.run(APP.succeed(1).named("checkout").via(payments.policy()));
      HttpResponse<String> snapshot = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(dashboard.url().resolve("/api/snapshot")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(snapshot.statusCode()).isEqualTo(200);
      assertThat(snapshot.body()).contains("\"name\":\"checkout\"").contains("\"name\":\"payments\"")
          .contains("\"name\":\"indexing\"");
    }
  }

  @Test
  void theReadmeShowsEveryRegionVerbatim() throws IOException {
    Path module = Path.of("").toAbsolutePath();
    String readme = Files.readString(module.resolveSibling("README.md"), StandardCharsets.UTF_8);
    Path self = module.resolve("src/test/java/land/echo/dashboard/examples/DashboardReadmeExamplesTest.java");
    List<String> regions = new ArrayList<>();
    Matcher m = Pattern.compile("// @start region=\\w+\\n(.*?)\\n\\s*// @end", Pattern.DOTALL)
        .matcher(Files.readString(self, StandardCharsets.UTF_8));
    while (m.find()) {
      regions.add(m.group(1).stripIndent().stripTrailing());
    }
    assertThat(regions).hasSize(1);
    for (String region : regions) {
      assertThat(readme).as("README.md shows the example%n%s", region).contains(region);
    }
  }
}
