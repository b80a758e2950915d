package land.echo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import picocli.CommandLine;

/**
 * {@code echoctl demo --dashboard} in a real browser: Debian's headless {@code chromium} through
 * its {@code chromedriver}, on the JDK's sources. It waits until the page has drawn a few seconds
 * of the run and saves a screenshot to {@code target/dashboard.png}, and also to the path in the
 * system property {@code echo.screenshot} when set (docs/dashboard.png was taken that way:
 * {@code ./mvnw -pl echo-cli test -Dtest=DemoDashboardScreenshotTest -Decho.screenshot=$PWD/docs/dashboard.png}).
 * Skipped outside CI when the browser or the sources are missing; under {@code CI=true} it fails.
 */
@Timeout(120)
class DemoDashboardScreenshotTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @Test
  void theDemosDashboardDrawsTheRunAndIsPhotographed() throws Exception {
    Path javaHome = Path.of(System.getProperty("java.home"));
    boolean ready = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)
        && Files.isRegularFile(javaHome.resolve("lib/src.zip"));
    if (!ready) {
      String how = "the demo's browser test needs Debian's chromium and chromium-driver (apt-get install -y chromium"
          + " chromium-driver) and the JDK's lib/src.zip";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(how + " (CI=true: not skipped)");
      }
      Assumptions.abort(how);
    }
    // The browser starts first, on a machine the demo does not load yet.
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-extensions", "--disable-background-networking", "--hide-scrollbars");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
    ChromeDriver browser = new ChromeDriver(service, options);
    StringWriter out = new StringWriter();
    CompletableFuture<Integer> demo;
    try {
    CommandLine cli = EchoCommand.commandLine(false, javaHome, Optional.empty());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    demo = CompletableFuture.supplyAsync(() -> cli.execute("demo", "--dashboard", "--seconds", "25"));
    Pattern address = Pattern.compile("Dashboard: (http://127\\.0\\.0\\.1:\\d+/)");
    String url = await().atMost(Duration.ofSeconds(60)).until(() -> {
      Matcher m = address.matcher(out.toString());
      return m.find() ? m.group(1) : null;
    }, u -> u != null);
      browser.manage().window().setSize(new Dimension(1400, 1700));
      browser.get(url);
      JavascriptExecutor js = browser;
      // A few seconds of the run drawn: points on the charts, files being indexed in flight.
      await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) js.executeScript(
          "const c = Chart.getChart('throughput'); return c ? c.data.labels.length : 0;")).intValue() >= 16);
      assertThat(((Number) js.executeScript("return document.querySelectorAll('#inflight tbody tr').length;")).intValue())
          .isPositive();
      assertThat((String) js.executeScript("return document.getElementById('names').innerText;")).contains("index.file");
      byte[] png = browser.getScreenshotAs(OutputType.BYTES);
      assertThat(png).startsWith(0x89, 'P', 'N', 'G');
      assertThat(png.length).isGreaterThan(20_000);
      Path target = Path.of("target", "dashboard.png");
      Files.createDirectories(target.getParent());
      Files.write(target, png);
      String copy = System.getProperty("echo.screenshot");
      if (copy != null && !copy.isBlank()) {
        Files.write(Path.of(copy), png);
      }
    } finally {
      browser.quit();
    }
    assertThat(demo.get()).as(out.toString()).isZero();
    assertThat(out.toString()).contains("0 lost");
  }
}
