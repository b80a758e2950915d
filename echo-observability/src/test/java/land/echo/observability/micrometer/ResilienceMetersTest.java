package land.echo.observability.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Effects;
import land.echo.Outcome;
import land.echo.observability.NameTags;
import land.echo.observability.Promtool;
import land.echo.observability.TestRuntimes;
import land.echo.resilience.AdaptiveTimeout;
import land.echo.resilience.Bulkhead;
import land.echo.resilience.CircuitBreaker;
import land.echo.resilience.Hedge;
import land.echo.resilience.RateLimit;
import land.echo.resilience.ResultCache;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResilienceMetersTest {
  private static final Effects<String> APP = Effects.failingWith(String.class);

  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = TestRuntimes.onVirtualTime(time);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  /** Binds {@code policies} through {@link EchoMeters}, as an application does. */
  private static void bind(MeterRegistry registry, NameTags names, ResilienceMeters policies) {
    EchoMeters.builder(registry).names(names).policyMeters(policies).build();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  private CircuitBreaker breaker() {
    return CircuitBreaker.builder("payments").countWindow(4).minimumCalls(4).failureRateThreshold(50)
        .waitInOpenState(Duration.ofSeconds(60)).clock(time).build();
  }

  @Test
  void theBreakerStateGaugeFollowsTheBreakerAsItOpens() {
    CircuitBreaker breaker = breaker();
    bind(registry, NameTags.ofDefaults(), ResilienceMeters.builder().breaker(breaker).build());
    assertThat(gauge(ResilienceMeters.BREAKER_STATE, "policy", "payments", "state", "closed")).isEqualTo(1);
    assertThat(gauge(ResilienceMeters.BREAKER_STATE, "policy", "payments", "state", "open")).isEqualTo(0);
    assertThat(gauge(ResilienceMeters.BREAKER_FAILURE_RATE, "policy", "payments")).isNaN();

    for (int i = 0; i < 4; i++) {
      runtime.run(APP.<Integer>fail("down").via(breaker.policy()));
    }
    runtime.run(APP.succeed(1).via(breaker.policy()));

    assertThat(gauge(ResilienceMeters.BREAKER_STATE, "policy", "payments", "state", "closed")).isEqualTo(0);
    assertThat(gauge(ResilienceMeters.BREAKER_STATE, "policy", "payments", "state", "open")).isEqualTo(1);
    assertThat(registry.get(ResilienceMeters.BREAKER_STATE).tag("policy", "payments").gauges())
        .hasSize(CircuitBreaker.State.values().length)
        .extracting(g -> g.value()).containsOnlyOnce(1.0);
    assertThat(gauge(ResilienceMeters.BREAKER_FAILURE_RATE, "policy", "payments")).isEqualTo(100);
    assertThat(gauge(ResilienceMeters.BREAKER_SLOW_CALL_RATE, "policy", "payments")).isEqualTo(0);
    assertThat(gauge(ResilienceMeters.BREAKER_CALLS_REFUSED, "policy", "payments")).isEqualTo(1);
  }

  @Test
  void anExhaustedRateLimitCountsItsRejections() {
    RateLimit limit = RateLimit.builder("api").capacity(2).refillIntervally(2, Duration.ofSeconds(1))
        .onLimit(RateLimit.OnLimit.FAIL).clock(time).timer(time).build();
    bind(registry, NameTags.ofDefaults(), ResilienceMeters.builder().rateLimit(limit).build());
    assertThat(gauge(ResilienceMeters.RATE_LIMITER_TOKENS, "policy", "api")).isEqualTo(2);

    for (int i = 0; i < 5; i++) {
      runtime.run(APP.succeed(i).via(limit.policy()));
    }

    assertThat(counter(ResilienceMeters.RATE_LIMITER_REJECTIONS, "policy", "api")).isEqualTo(3);
    assertThat(counter(ResilienceMeters.RATE_LIMITER_WAITED, "policy", "api")).isEqualTo(0);
    assertThat(gauge(ResilienceMeters.RATE_LIMITER_TOKENS, "policy", "api")).isEqualTo(0);
    assertThat(gauge(ResilienceMeters.RATE_LIMITER_WAITERS, "policy", "api")).isEqualTo(0);
  }

  @Test
  void aFullBulkheadShowsItsSlotsInUseAndItsQueue() {
    Bulkhead bulkhead = Bulkhead.builder("db").maxConcurrent(2).maxQueued(1).clock(time).build();
    bind(registry, NameTags.ofDefaults(), ResilienceMeters.builder().bulkhead(bulkhead).build());
    CountDownLatch release = new CountDownLatch(1);
    List<EffectHandle<String, Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(runtime.submit(gated(release).via(bulkhead.policy())));
    }
    await().until(() -> bulkhead.snapshot().queued() == 1 && bulkhead.snapshot().inUse() == 2);

    Outcome<String, Integer> refused = runtime.run(gated(release).via(bulkhead.policy()));

    assertThat(refused).isInstanceOf(Outcome.Faulted.class);
    assertThat(gauge(ResilienceMeters.BULKHEAD_IN_USE, "policy", "db")).isEqualTo(2);
    assertThat(gauge(ResilienceMeters.BULKHEAD_QUEUED, "policy", "db")).isEqualTo(1);
    assertThat(gauge(ResilienceMeters.BULKHEAD_LIMIT, "policy", "db")).isEqualTo(2);
    assertThat(counter(ResilienceMeters.BULKHEAD_REJECTIONS, "policy", "db")).isEqualTo(1);
    release.countDown();
    calls.forEach(EffectHandle::join);
    await().until(() -> gauge(ResilienceMeters.BULKHEAD_IN_USE, "policy", "db") == 0);
    assertThat(gauge(ResilienceMeters.BULKHEAD_QUEUED, "policy", "db")).isEqualTo(0);
  }

  private static ActionEffect<String, Integer> gated(CountDownLatch release) {
    return APP.blocking(token -> {
      release.await();
      return 1;
    });
  }

  @Test
  void theCacheCountsHitsAndMissesByOutcome() {
    ResultCache cache = ResultCache.builder("users", runtime).ttl(Duration.ofMinutes(5)).maximumSize(100)
        .clock(time).build();
    bind(registry, NameTags.ofDefaults(), ResilienceMeters.builder().cache(cache).build());

    runtime.run(APP.succeed("ada").named("user").via(cache.keyed("ada")));
    runtime.run(APP.succeed("ada").named("user").via(cache.keyed("ada")));
    runtime.run(APP.succeed("ada").named("user").via(cache.keyed("ada")));
    runtime.run(APP.succeed("bob").named("user").via(cache.keyed("bob")));

    assertThat(counter(ResilienceMeters.CACHE_REQUESTS, "policy", "users", "outcome", "hit")).isEqualTo(2);
    assertThat(counter(ResilienceMeters.CACHE_REQUESTS, "policy", "users", "outcome", "miss")).isEqualTo(2);
    assertThat(counter(ResilienceMeters.CACHE_EVICTIONS, "policy", "users")).isEqualTo(0);
    assertThat(gauge(ResilienceMeters.CACHE_SIZE, "policy", "users")).isEqualTo(2);
  }

  private AdaptiveTimeout timeout() {
    return AdaptiveTimeout.builder("timeouts").percentile(99).multiplier(2)
        .bounds(Duration.ofMillis(50), Duration.ofSeconds(4)).initial(Duration.ofSeconds(1), 10)
        .window(Duration.ofSeconds(20), Duration.ofSeconds(5)).maxStep(0.5).clock(time).build();
  }

  /** Runs 10 calls named {@code name} of 100 ms each, then one after the update interval, which adapts. */
  private void feed(AdaptiveTimeout timeout, String name) {
    long start = time.nanoTime();
    for (int i = 0; i < 10; i++) {
      runtime.run(APP.<Integer>blocking(token -> {
        time.advance(Duration.ofMillis(100));
        return 1;
      }).named(name).via(timeout.policy()));
    }
    time.advance(Duration.ofSeconds(5).minusNanos(time.nanoTime() - start));
    runtime.run(APP.succeed(0).named(name).via(timeout.policy()));
  }

  @Test
  void theAdaptiveTimeoutReportsEachNamesBudgetInSeconds() {
    AdaptiveTimeout timeout = timeout();
    runtime.run(APP.succeed(0).named("seen-before").via(timeout.policy()));
    bind(registry, NameTags.declared(Set.of("lookup", "seen-before"), 0),
        ResilienceMeters.builder().timeout(timeout).build());
    assertThat(gauge(ResilienceMeters.TIMEOUT_CURRENT, "policy", "timeouts", "name", "seen-before")).isEqualTo(1.0);
    assertThat(registry.find(ResilienceMeters.TIMEOUT_CURRENT).tag("name", "lookup").gauge()).isNull();

    feed(timeout, "lookup");
    feed(timeout, "undeclared");

    Duration lookup = timeout.currentTimeout("lookup");
    assertThat(lookup).isLessThan(Duration.ofSeconds(1));
    assertThat(gauge(ResilienceMeters.TIMEOUT_CURRENT, "policy", "timeouts", "name", "lookup"))
        .isEqualTo(lookup.toNanos() / 1e9);
    assertThat(gauge(ResilienceMeters.TIMEOUT_CURRENT, "policy", "timeouts", "name", NameTags.OTHER))
        .isEqualTo(timeout.currentTimeout("undeclared").toNanos() / 1e9);
    assertThat(registry.find(ResilienceMeters.TIMEOUT_CURRENT).tag("name", "undeclared").gauge()).isNull();
  }

  @Test
  void theHedgeCountsItsCallsAndShowsItsDelay() {
    Hedge hedge = Hedge.builder("search").initialDelay(Duration.ofMillis(100), 5).maxHedgedFraction(1)
        .clock(time).build();
    bind(registry, NameTags.ofDefaults(), ResilienceMeters.builder().hedge(hedge).build());

    runtime.run(APP.succeed(1).via(hedge.policy()));
    runtime.run(APP.succeed(2).via(hedge.policy()));

    assertThat(counter(ResilienceMeters.HEDGE_CALLS, "policy", "search")).isEqualTo(2);
    assertThat(counter(ResilienceMeters.HEDGE_HEDGES, "policy", "search")).isEqualTo(0);
    assertThat(gauge(ResilienceMeters.HEDGE_DELAY, "policy", "search")).isEqualTo(0.1);
  }

  @Test
  void twoPoliciesOfOneKindWithOneNameAreRefused() {
    assertThatThrownBy(() -> ResilienceMeters.builder().breaker(breaker(), breaker()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'payments'");
  }

  @Test
  void promtoolAcceptsTheScrapedPolicyMeters(@TempDir Path dir) throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CircuitBreaker breaker = breaker();
    RateLimit limit = RateLimit.builder("api").capacity(1).refillIntervally(1, Duration.ofSeconds(1))
        .onLimit(RateLimit.OnLimit.FAIL).clock(time).timer(time).build();
    ResultCache cache = ResultCache.builder("users", runtime).clock(time).build();
    AdaptiveTimeout timeout = timeout();
    // Held until after the scrape: the meters hold their policies weakly (as documented), so a
    // policy created inline here could be collected first and read NaN (a CI run on 2026-12-02 did).
    Bulkhead bulkhead = Bulkhead.of("db", 2, 1);
    Hedge hedge = Hedge.builder("search").clock(time).build();
    bind(prometheus, NameTags.ofDefaults(), ResilienceMeters.builder()
        .breaker(breaker)
        .rateLimit(limit)
        .bulkhead(bulkhead)
        .cache(cache)
        .timeout(timeout)
        .hedge(hedge)
        .build());
    runtime.run(APP.succeed(1).via(limit.policy()));
    runtime.run(APP.succeed(1).via(limit.policy()));
    runtime.run(APP.succeed("ada").named("user").via(cache.keyed("ada")));
    feed(timeout, "lookup");

    String body = prometheus.scrape();
    for (Object policy : new Object[] {breaker, limit, bulkhead, cache, timeout, hedge}) {
      java.lang.ref.Reference.reachabilityFence(policy);
    }

    assertThat(body)
        .contains("echo_policy_breaker_state{policy=\"payments\",state=\"closed\"} 1")
        .contains("echo_policy_breaker_failure_rate{policy=\"payments\"} NaN")
        .contains("echo_policy_rate_limiter_rejections_total{policy=\"api\"} 1")
        .contains("echo_policy_bulkhead_limit{policy=\"db\"} 2")
        .contains("echo_policy_cache_requests_total{outcome=\"miss\",policy=\"users\"} 1")
        .contains("echo_policy_timeout_current_seconds{name=\"lookup\",policy=\"timeouts\"}")
        .contains("echo_policy_hedge_delay_seconds{policy=\"search\"} 0.1");
    Promtool.assertAccepts(Promtool.require(), body, dir);
  }

  /** Every kind refuses two policies of one name, naming the kind and the name; distinct names pass. */
  @Test
  void twoPoliciesOfAnyKindWithOneNameAreRefusedNamingTheKindAndTheName() {
    assertThatThrownBy(() -> ResilienceMeters.builder()
        .rateLimit(RateLimit.of("api", 1, Duration.ofSeconds(1)), RateLimit.of("api", 2, Duration.ofSeconds(1))).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("two rate limits are named 'api': their meters would collide");
    assertThatThrownBy(() -> ResilienceMeters.builder().bulkhead(Bulkhead.of("db", 1, 0), Bulkhead.of("db", 2, 0)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("two bulkheads are named 'db': their meters would collide");
    assertThatThrownBy(() -> ResilienceMeters.builder()
        .cache(ResultCache.builder("users", runtime).build(), ResultCache.builder("users", runtime).build()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("two result caches are named 'users': their meters would collide");
    assertThatThrownBy(() -> ResilienceMeters.builder()
        .timeout(AdaptiveTimeout.ofDefaults("timeouts"), AdaptiveTimeout.ofDefaults("timeouts")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("two adaptive timeouts are named 'timeouts': their meters would collide");
    assertThatThrownBy(() -> ResilienceMeters.builder().hedge(Hedge.builder("search").build(), Hedge.builder("search").build()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("two hedges are named 'search': their meters would collide");

    assertThat(ResilienceMeters.builder()
        .rateLimit(RateLimit.of("a", 1, Duration.ofSeconds(1)), RateLimit.of("b", 1, Duration.ofSeconds(1)))
        .bulkhead(Bulkhead.of("a", 1, 0), Bulkhead.of("b", 1, 0))
        .cache(ResultCache.builder("a", runtime).build(), ResultCache.builder("b", runtime).build())
        .timeout(AdaptiveTimeout.ofDefaults("a"), AdaptiveTimeout.ofDefaults("b"))
        .hedge(Hedge.builder("a").build(), Hedge.builder("b").build())
        .breaker(breaker()).build()).isNotNull();
  }

  /** The breaker's slow-call rate: one call of two at least as long as the slow-call duration. */
  @Test
  void theBreakerShowsItsSlowCallRate() {
    CircuitBreaker breaker = CircuitBreaker.builder("payments").countWindow(2).minimumCalls(2)
        .slowCallRateThreshold(100, Duration.ofMillis(100)).clock(time).build();
    bind(registry, NameTags.ofDefaults(), ResilienceMeters.builder().breaker(breaker).build());

    runtime.run(APP.<Integer>blocking(token -> {
      time.advance(Duration.ofMillis(200));
      return 1;
    }).via(breaker.policy()));
    runtime.run(APP.succeed(2).via(breaker.policy()));

    assertThat(gauge(ResilienceMeters.BREAKER_SLOW_CALL_RATE, "policy", "payments")).isEqualTo(50);
    assertThat(gauge(ResilienceMeters.BREAKER_FAILURE_RATE, "policy", "payments")).isEqualTo(0);
  }

  /** A call waiting for a token shows as a waiter, and once it has its token, as a call that waited. */
  @Test
  void aWaitingCallShowsAsAWaiterThenAsWaited() {
    RateLimit limit = RateLimit.builder("api").capacity(1).refillIntervally(1, Duration.ofSeconds(1))
        .clock(time).timer(time).build();
    bind(registry, NameTags.ofDefaults(), ResilienceMeters.builder().rateLimit(limit).build());
    runtime.run(APP.succeed(0).via(limit.policy()));
    EffectHandle<String, Integer> waiting = runtime.submit(APP.succeed(1).via(limit.policy()));
    await().atMost(Duration.ofSeconds(2)).until(() -> limit.snapshot().waiting() == 1);
    assertThat(gauge(ResilienceMeters.RATE_LIMITER_WAITERS, "policy", "api")).isEqualTo(1);
    assertThat(counter(ResilienceMeters.RATE_LIMITER_WAITED, "policy", "api")).isEqualTo(0);

    time.advance(Duration.ofSeconds(1));

    assertThat(TestRuntimes.done(waiting)).isEqualTo(Outcome.success(1));
    assertThat(counter(ResilienceMeters.RATE_LIMITER_WAITED, "policy", "api")).isEqualTo(1);
    assertThat(gauge(ResilienceMeters.RATE_LIMITER_WAITERS, "policy", "api")).isEqualTo(0);
  }

  /** A cache of one entry evicts one when a second key is loaded. */
  @Test
  void theCacheCountsItsEvictions() {
    ResultCache cache = ResultCache.builder("users", runtime).ttl(Duration.ofMinutes(5)).maximumSize(1)
        .clock(time).build();
    bind(registry, NameTags.ofDefaults(), ResilienceMeters.builder().cache(cache).build());

    runtime.run(APP.succeed("ada").named("user").via(cache.keyed("ada")));
    runtime.run(APP.succeed("bob").named("user").via(cache.keyed("bob")));

    await().atMost(Duration.ofSeconds(2)).until(() -> counter(ResilienceMeters.CACHE_EVICTIONS, "policy", "users") == 1);
    assertThat(gauge(ResilienceMeters.CACHE_SIZE, "policy", "users")).isEqualTo(1);
  }

  /** A call whose first attempt outlasts the delay starts a backup, which the hedges counter shows. */
  @Test
  void theHedgeCountsTheBackupsItStarts() {
    Hedge hedge = Hedge.builder("search").initialDelay(Duration.ofMillis(100), 5).maxHedgedFraction(1)
        .clock(time).build();
    bind(registry, NameTags.ofDefaults(), ResilienceMeters.builder().hedge(hedge).build());
    AtomicInteger attempts = new AtomicInteger();
    EffectHandle<String, String> call = runtime.submit(APP.suspend(() -> attempts.incrementAndGet() == 1
        ? APP.sleep(Duration.ofSeconds(1)).map(ignored -> "first")
        : APP.succeed("backup")).via(hedge.policy()));
    await().atMost(Duration.ofSeconds(2)).until(() -> time.pendingTimers() == 2);

    time.advance(Duration.ofMillis(100));

    assertThat(TestRuntimes.done(call)).isEqualTo(Outcome.success("backup"));
    assertThat(counter(ResilienceMeters.HEDGE_HEDGES, "policy", "search")).isEqualTo(1);
    assertThat(counter(ResilienceMeters.HEDGE_CALLS, "policy", "search")).isEqualTo(1);
  }
}
