package land.echo.resilience.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.Effects;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.RetryPolicy;
import land.echo.resilience.AdaptiveTimeout;
import land.echo.resilience.Bulkhead;
import land.echo.resilience.BulkheadFull;
import land.echo.resilience.CircuitBreaker;
import land.echo.resilience.CircuitOpen;
import land.echo.resilience.Fallback;
import land.echo.resilience.Hedge;
import land.echo.resilience.PolicyEvent;
import land.echo.resilience.RateLimit;
import land.echo.resilience.RateLimited;
import land.echo.resilience.ResultCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The examples of the README's "Resilience policies" section, compiled and run so they cannot
 * rot. Each method is one README subsection; keep the two in step.
 */
@Timeout(60)
class ReadmeExamplesTest {
  /** README: the domain error of the examples. */
  static final Effects<String> APP = Effects.failingWith(String.class);

  private final ApplicationRuntime runtime = ApplicationRuntime.create();

  @AfterEach
  void stop() {
    runtime.close();
  }

  /** README: "Circuit breaker". */
  static String describe(Outcome<String, String> outcome) {
    return switch (outcome) {
      case Outcome.Success<String, String> s -> "price " + s.value();
      case Outcome.Failure<String, String> f -> "failed: " + f.error();
      case Outcome.Faulted<String, String>(Fault.Rejected(var reason, CircuitOpen open)) ->
          "breaker " + open.policyName() + " open, retry in " + open.retryAfter().orElseThrow().toSeconds() + " s";
      case Outcome.Faulted<String, String> f -> "fault: " + f.fault().message();
    };
  }

  @Test
  void circuitBreaker() {
    CircuitBreaker breaker = CircuitBreaker.builder("prices")
        .countWindow(20).minimumCalls(10).failureRateThreshold(50)
        .slowCallRateThreshold(80, Duration.ofSeconds(2))
        .waitInOpenState(Duration.ofSeconds(30))
        .build();
    breaker.onEvent(event -> {
      if (event instanceof PolicyEvent.CircuitStateChanged changed) {
        System.out.println(changed.policyName() + ": " + changed.from() + " -> " + changed.to());
      }
    });
    ActionEffect<String, String> price = APP.<String>fail("upstream 503").named("prices.get");

    for (int i = 0; i < 10; i++) {
      runtime.run(price.via(breaker.policy()));
    }
    String text = describe(runtime.run(price.via(breaker.policy())));

    assertThat(text).isEqualTo("breaker prices open, retry in 29 s");
  }

  @Test
  void rateLimit() {
    RateLimit limit = RateLimit.builder("search-api")
        .capacity(10).refillGreedy(10, Duration.ofSeconds(1))   // 10 calls a second, bursts of 10
        .onLimit(RateLimit.OnLimit.WAIT)                          // wait by priority, cancellably
        .maxWait(Duration.ofMillis(500))                          // ... or refuse at once
        .build();

    Outcome<String, String> outcome = runtime.run(APP.succeed("hits").via(limit.policy()), Priority.HIGH);

    assertThat(outcome.isSuccess()).isTrue();
    assertThat(new RateLimited("search-api", Duration.ofMillis(100)).retryAfter()).contains(Duration.ofMillis(100));
  }

  @Test
  void bulkhead() {
    Bulkhead database = Bulkhead.builder("database")
        .maxConcurrent(8)        // the starting limit ...
        .adaptive(2, 32)         // ... moved by Gradient2 between 2 and 32
        .maxQueued(100)          // waiters by priority; when full, LOW waiters are shed first
        .build();

    Outcome<String, Integer> outcome = runtime.run(APP.succeed(42).via(database.policy()), Priority.LOW);

    assertThat(outcome).isEqualTo(Outcome.success(42));
    assertThat(database.snapshot().inUse()).isZero();
    assertThat(new BulkheadFull("database", Priority.LOW, 8, 100, true).message()).contains("shed");
  }

  @Test
  void adaptiveTimeout() {
    AdaptiveTimeout timeouts = AdaptiveTimeout.builder("rpc")
        .percentile(99).multiplier(1.5)                              // 1.5 x p99 of recent successes
        .bounds(Duration.ofMillis(20), Duration.ofSeconds(5))        // never outside these
        .initial(Duration.ofSeconds(1), 50)                          // until 50 samples exist
        .window(Duration.ofSeconds(60), Duration.ofSeconds(5))       // sliding window, updated every 5 s
        .maxStep(0.25)                                               // at most +-25% per update
        .build();

    runtime.run(APP.succeed("pong").named("rpc.ping").via(timeouts.policy()));

    assertThat(timeouts.currentTimeout("rpc.ping")).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void hedge() {
    Hedge hedge = Hedge.builder("replicas")
        .percentile(95)                                  // a backup after the p95 latency
        .initialDelay(Duration.ofMillis(50), 20)
        .maxHedgedFraction(0.05)                         // at most 5% extra calls
        .build();

    Outcome<String, String> outcome = runtime.run(APP.succeed("row").named("replica.read").via(hedge.policy()));

    assertThat(outcome).isEqualTo(Outcome.success("row"));
  }

  @Test
  void resultCache() {
    ResultCache users = ResultCache.builder("users", runtime)
        .ttl(Duration.ofMinutes(5)).maximumSize(10_000)
        .build();
    ActionEffect<String, String> load = APP.succeed("Ada Lovelace").named("users.load");

    runtime.run(load.via(users.keyed(42)));
    Outcome<String, String> again = runtime.run(load.via(users.keyed(42)));   // from the cache

    assertThat(again).isEqualTo(Outcome.success("Ada Lovelace"));
    assertThat(users.snapshot().hits()).isEqualTo(1);
  }

  @Test
  void fallback() {
    Fallback<String, String> stale = Fallback.<String, String>builder("stale-price")
        .when(outcome -> outcome instanceof Outcome.Faulted<String, String>(Fault.Rejected r))
        .to(outcome -> APP.succeed("9.99 (cached)"))
        .build();
    CircuitBreaker breaker = CircuitBreaker.ofDefaults("prices");
    breaker.forceOpen();

    Outcome<String, String> outcome = runtime.run(APP.succeed("10.49").via(breaker.policy()).via(stale));

    assertThat(outcome).isEqualTo(Outcome.success("9.99 (cached)"));
  }

  @Test
  void compositionOrder() {
    CircuitBreaker breaker = CircuitBreaker.ofDefaults("inventory");
    RateLimit limit = RateLimit.of("inventory", 100, Duration.ofSeconds(1));
    Bulkhead bulkhead = Bulkhead.of("inventory", 16, 64);
    AdaptiveTimeout timeouts = AdaptiveTimeout.ofDefaults("inventory");
    ResultCache cache = ResultCache.builder("inventory", runtime).build();
    Fallback<String, Integer> zero = Fallback.of("inventory-zero", APP.succeed(0));
    ActionEffect<String, Integer> stock = APP.succeed(7).named("inventory.stock");

    ActionEffect<String, Integer> guarded = zero.apply(   // outermost: nothing below worked
        stock
            .via(timeouts.policy())                         // bounds one attempt
            .via(bulkhead.policy())                         // caps attempts in flight
            .via(breaker.policy())                          // counts every attempt; open: fail fast
            .retry(RetryPolicy.of(2, Duration.ofMillis(50)))
            .via(limit.policy())                            // one token per call, not per attempt
            .via(cache.keyed("sku-1")));                    // a hit skips everything below

    assertThat(runtime.run(guarded)).isEqualTo(Outcome.success(7));
  }
}
