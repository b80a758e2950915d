package land.echo.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
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
import land.echo.resilience.CircuitBreaker;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;

/**
 * The page in a real browser: Debian's {@code chromium}, headless, driven by Selenium through
 * Debian's {@code chromedriver}, against a dashboard on 127.0.0.1 (no other network traffic: the
 * driver and the browser are given by path, so Selenium Manager downloads nothing). Outside CI the
 * test skips when either is missing and says how to install them; under {@code CI=true} it fails.
 */
@Timeout(120)
class DashboardBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Effects<String> APP = Effects.failingWith(String.class);
  private static final String TOKEN = "browser-test-token-0123456789";

  private Observatory observatory;
  private ApplicationRuntime runtime;
  private CircuitBreaker breaker;
  private Bulkhead bulkhead;
  private EchoDashboard dashboard;
  private ChromeDriver browser;

  @BeforeEach
  void start() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present) {
      String how = "the browser test needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
          + "): apt-get install -y chromium chromium-driver";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(how + " (CI=true: not skipped)");
      }
      Assumptions.abort(how);
    }
    observatory = Observatory.create(NameTags.ofDefaults(), Clock.system(), 1024);
    runtime = ApplicationRuntime.builder()
        .scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(2).namedQueue("indexing", 1).build()))
        .listener(observatory)
        .build();
    breaker = CircuitBreaker.ofDefaults("payments");
    bulkhead = Bulkhead.of("indexer", 2, 10);
    dashboard = EchoDashboard.start(runtime, DashboardConfig.builder(observatory).token(TOKEN)
        .breaker(breaker).bulkhead(bulkhead).updateInterval(Duration.ofMillis(100)).build());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // The browser's console, to assert that the page logs no error (a CSP violation is one).
    options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-extensions", "--disable-background-networking", "--window-size=1400,1200");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort()
        .build();
    browser = new ChromeDriver(service, options);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (dashboard != null) {
      dashboard.close();
    }
    if (runtime != null) {
      runtime.shutdown(Duration.ofSeconds(5));
    }
  }

  private static ActionEffect<String, Integer> forever() {
    return APP.async(token -> new CompletableFuture<Integer>(), AsyncCancelMode.CANCEL_FUTURE);
  }

  /** The element's text, read in one script: the page re-renders its tables several times a second. */
  private String text(String css) {
    Object text = ((JavascriptExecutor) browser).executeScript(
        "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css);
    return String.valueOf(text);
  }

  /** Whether the button is there and enabled, read in one script. */
  private boolean enabled(String css) {
    return Boolean.TRUE.equals(((JavascriptExecutor) browser).executeScript(
        "const e = document.querySelector(arguments[0]); return e !== null && !e.disabled;", css));
  }

  @Test
  void thePageShowsTheRuntimeLiveAndItsControlsWork() throws InterruptedException {
    runtime.run(APP.succeed(1).named("checkout"), Priority.HIGH);
    runtime.run(APP.<Integer>fail("card declined").named("checkout"), Priority.HIGH);
    String hostile = "<img src=x onerror=\"document.title='pwned'\">";
    runtime.run(APP.<Integer>fail(hostile).named(hostile));
    EffectHandle<String, Integer> stuck = runtime.submit(forever().named("stuck"), Priority.LOW);
    long stuckId = runtime.inFlight().getFirst().id();

    // Effects keep completing while the page is open, so that the charts have something to draw.
    java.util.concurrent.atomic.AtomicBoolean loading = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread load = Thread.ofPlatform().daemon().start(() -> {
      while (loading.get()) {
        runtime.run(APP.succeed(1).named("load"), Priority.NORMAL);
        runtime.run(APP.succeed(2).named("load"), Priority.HIGH);
      }
    });
    browser.get(dashboard.url().toString());

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(text("#status")).isEqualTo("live"));
    // Each chart draws values that change while effects run.
    for (String chart : java.util.List.of("throughput", "outcomes")) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(chartPoints(chart)).isGreaterThan(3));
      double first = chartSum(chart);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(chartSum(chart)).isNotEqualTo(first));
      assertThat(chartSum(chart)).as(chart).isPositive();
    }
    loading.set(false);
    load.join(5_000);
    assertThat(consoleErrors()).as("the browser console once the page is live").isEmpty();
    assertThat(((JavascriptExecutor) browser).executeScript("return typeof Chart")).isEqualTo("function");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(text("#inflight tbody tr[data-id='" + stuckId + "']")).contains("stuck").contains("low");
      assertThat(text("#names tbody")).contains("checkout");
      assertThat(text("#failures tbody")).contains("card declined");
      assertThat(text("#breakers tbody tr[data-name='payments']")).contains("CLOSED");
      assertThat(text("#bulkheads tbody tr[data-name='indexer']")).contains("open");
      assertThat(text("#scheduler")).contains("workers");
      assertThat(text("#failures tbody")).contains(hostile); // shown as text...
    });
    assertThat(browser.getTitle()).isEqualTo("Echo dashboard"); // ...never run as HTML
    assertThat(browser.findElements(By.cssSelector("#failures img, #names img"))).isEmpty();
    assertThat(text("#message")).as("the page's own error line").isEmpty();
    // Without the token the controls are disabled.
    assertThat(text("#inflight tr[data-id='" + stuckId + "'] button.cancel")).isEqualTo("cancel");
    assertThat(enabled("#inflight tr[data-id='" + stuckId + "'] button.cancel")).isFalse();

    // A wrong token: the page shows the API's refusal, and nothing is cancelled.
    browser.findElement(By.id("token")).sendKeys("wrong-token-0123456789", Keys.TAB);
    clickWhenEnabled("#inflight tr[data-id='" + stuckId + "'] button.cancel");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(text("#message")).contains("the token is wrong"));
    assertThat(stuck.isDone()).isFalse();
    browser.findElement(By.id("token")).clear();
    browser.findElement(By.id("token")).sendKeys(TOKEN, Keys.TAB);

    clickWhenEnabled("#inflight tr[data-id='" + stuckId + "'] button.cancel");
    await().atMost(Duration.ofSeconds(10)).until(stuck::isDone);
    assertThat(stuck.join()).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("cancelled from the dashboard")));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(browser.findElements(By.cssSelector("#inflight tr[data-id='" + stuckId + "']"))).isEmpty());

    clickWhenEnabled("#breakers tr[data-name='payments'] button.open");
    await().atMost(Duration.ofSeconds(10)).until(() -> breaker.state() == CircuitBreaker.State.FORCED_OPEN);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(text("#breakers tbody tr[data-name='payments']")).contains("FORCED_OPEN"));

    clickWhenEnabled("#bulkheads tr[data-name='indexer'] button.drain");
    await().atMost(Duration.ofSeconds(10)).until(bulkhead::isDrained);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(text("#bulkheads tbody tr[data-name='indexer']")).contains("drained"));
    clickWhenEnabled("#bulkheads tr[data-name='indexer'] button.resume");
    await().atMost(Duration.ofSeconds(10)).until(() -> !bulkhead.isDrained());

    land.echo.scheduler.NamedQueue queue = runtime.scheduler().queue("indexing");
    clickWhenEnabled("#namedQueues tr[data-name='indexing'] button.drain");
    await().atMost(Duration.ofSeconds(10)).until(queue::isDrained);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(text("#namedQueues tbody tr[data-name='indexing']")).contains("drained"));
    clickWhenEnabled("#namedQueues tr[data-name='indexing'] button.resume");
    await().atMost(Duration.ofSeconds(10)).until(() -> !queue.isDrained());
    assertThat(text("#message")).as("the page's own error line").doesNotContain("could not show");
    // The one error since: the wrong token's refused request, which the browser logs as such.
    assertThat(consoleErrors()).as("the browser console").allSatisfy(error -> assertThat(error).contains("403 (Forbidden)"));
  }

  /** The console's errors since the last call (reading the log empties it). */
  private java.util.List<String> consoleErrors() {
    return browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
        .map(entry -> entry.getMessage())
        .toList();
  }

  /** Points in the chart's first dataset, read from Chart.js. */
  private long chartPoints(String id) {
    Object n = ((JavascriptExecutor) browser).executeScript(
        "const c = Chart.getChart(arguments[0]); return c ? c.data.labels.length : 0;", id);
    return ((Number) n).longValue();
  }

  /** The sum of every value the chart holds, read from Chart.js. */
  private double chartSum(String id) {
    Object sum = ((JavascriptExecutor) browser).executeScript(
        "const c = Chart.getChart(arguments[0]); if (!c) return 0;"
            + " return c.data.datasets.reduce((a, d) => a + d.data.reduce((x, y) => x + y, 0), 0);", id);
    return ((Number) sum).doubleValue();
  }

  /** Clicks the element once a render with the token has enabled it (rows are re-rendered live). */
  private void clickWhenEnabled(String css) {
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      if (!enabled(css)) {
        return false;
      }
      // As a user does: the pointer goes over the table first, which holds its rows still (the page
      // does not re-render a table with buttons under the pointer), then the button is clicked.
      new Actions(browser).moveToElement(browser.findElement(By.cssSelector(css.substring(0, css.indexOf(' '))))).perform();
      browser.findElement(By.cssSelector(css)).click();
      return true;
    });
  }
}
