package land.echo.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import land.echo.Priority;
import land.echo.resilience.CircuitBreaker.State;
import org.junit.jupiter.api.Test;

/**
 * Pins the rejections' texts and retry-after hints, the events' null checks, and what the
 * policies' configuration accessors and builder defaults report (issue 13). No runtime needed.
 */
class ValuesPinTest {

  /** An OPEN refusal says how long is left; a forced-open one has no retry-after. */
  @Test
  void circuitOpenSaysWhenCallsAreLetThroughIfThatIsTimeBound() {
    CircuitOpen open = new CircuitOpen("b", State.OPEN, Duration.ofSeconds(3));
    assertThat(open.retryAfter()).contains(Duration.ofSeconds(3));
    assertThat(open.message()).isEqualTo("circuit breaker 'b' is OPEN; calls are let through again in PT3S");
    CircuitOpen forced = new CircuitOpen("b", State.FORCED_OPEN, null);
    assertThat(forced.retryAfter()).isEmpty();
    assertThat(forced.message()).isEqualTo("circuit breaker 'b' is FORCED_OPEN");
    assertThatThrownBy(() -> new CircuitOpen(null, State.OPEN, null)).hasMessage("policyName");
    assertThatThrownBy(() -> new CircuitOpen("b", null, null)).hasMessage("state");
  }

  /** A rate-limit refusal always has a retry-after and says it. */
  @Test
  void rateLimitedCarriesItsRetryAfter() {
    RateLimited limited = new RateLimited("api", Duration.ofMillis(250));
    assertThat(limited.retryAfter()).contains(Duration.ofMillis(250));
    assertThat(limited.message()).isEqualTo("rate limit 'api' exceeded; retry after PT0.25S");
    assertThatThrownBy(() -> new RateLimited(null, Duration.ZERO)).hasMessage("policyName");
    assertThatThrownBy(() -> new RateLimited("api", null)).hasMessage("waitFor");
  }

  /** A bulkhead refusal has no retry-after and tells "full" from "shed". */
  @Test
  void bulkheadFullTellsAFullBulkheadFromASheddingOne() {
    BulkheadFull full = new BulkheadFull("db", Priority.LOW, 4, 2, false);
    assertThat(full.retryAfter()).isEmpty();
    assertThat(full.message()).isEqualTo("bulkhead 'db' is full for a LOW call (limit 4, 2 queued)");
    assertThat(new BulkheadFull("db", Priority.LOW, 4, 2, true).message())
        .isEqualTo("bulkhead 'db' shed a queued LOW call (limit 4, 2 queued)");
    assertThatThrownBy(() -> new BulkheadFull(null, Priority.LOW, 1, 0, false)).hasMessage("policyName");
    assertThatThrownBy(() -> new BulkheadFull("db", null, 1, 0, false)).hasMessage("priority");
  }

  /** Every event refuses a null field, naming it. */
  @Test
  void eventsRefuseNullFieldsNamingThem() {
    Duration d = Duration.ofSeconds(1);
    RateLimited r = new RateLimited("p", d);
    assertThatThrownBy(() -> new PolicyEvent.CircuitStateChanged(null, State.OPEN, State.OPEN)).hasMessage("policyName");
    assertThatThrownBy(() -> new PolicyEvent.CircuitStateChanged("p", null, State.OPEN)).hasMessage("from");
    assertThatThrownBy(() -> new PolicyEvent.CircuitStateChanged("p", State.OPEN, null)).hasMessage("to");
    assertThatThrownBy(() -> new PolicyEvent.CallRejected(null, r)).hasMessage("policyName");
    assertThatThrownBy(() -> new PolicyEvent.CallRejected("p", null)).hasMessage("rejection");
    assertThatThrownBy(() -> new PolicyEvent.PermitWaited(null, Priority.LOW, d)).hasMessage("policyName");
    assertThatThrownBy(() -> new PolicyEvent.PermitWaited("p", null, d)).hasMessage("priority");
    assertThatThrownBy(() -> new PolicyEvent.PermitWaited("p", Priority.LOW, null)).hasMessage("waited");
    assertThatThrownBy(() -> new PolicyEvent.LimitChanged(null, 1, 2)).hasMessage("policyName");
    assertThatThrownBy(() -> new PolicyEvent.TimeoutAdapted(null, "e", d, d)).hasMessage("policyName");
    assertThatThrownBy(() -> new PolicyEvent.TimeoutAdapted("p", null, d, d)).hasMessage("effectName");
    assertThatThrownBy(() -> new PolicyEvent.TimeoutAdapted("p", "e", null, d)).hasMessage("from");
    assertThatThrownBy(() -> new PolicyEvent.TimeoutAdapted("p", "e", d, null)).hasMessage("to");
    assertThatThrownBy(() -> new PolicyEvent.HedgeStarted(null, "e", d)).hasMessage("policyName");
    assertThatThrownBy(() -> new PolicyEvent.HedgeStarted("p", null, d)).hasMessage("effectName");
    assertThatThrownBy(() -> new PolicyEvent.HedgeStarted("p", "e", null)).hasMessage("delay");
    assertThatThrownBy(() -> new PolicyEvent.FallbackApplied(null, "e", "f")).hasMessage("policyName");
    assertThatThrownBy(() -> new PolicyEvent.FallbackApplied("p", null, "f")).hasMessage("effectName");
    assertThatThrownBy(() -> new PolicyEvent.FallbackApplied("p", "e", null)).hasMessage("failure");
    assertThat(new PolicyEvent.LimitChanged("db", 1, 2).policyName()).isEqualTo("db");
  }

  /** A breaker's defaults are Resilience4j's, and its accessors report what was built. */
  @Test
  void aBreakersDefaultsAndAccessors() {
    CircuitBreaker breaker = CircuitBreaker.ofDefaults("payments");
    CircuitBreaker.Config c = breaker.config();
    assertThat(breaker.name()).isEqualTo("payments");
    assertThat(c.name()).isEqualTo("payments");
    assertThat(c.slidingWindow()).isEqualTo(CircuitBreaker.SlidingWindow.COUNT_BASED);
    assertThat(c.windowSize()).isEqualTo(100);
    assertThat(c.minimumCalls()).isEqualTo(100);
    assertThat(c.failureRateThreshold()).isEqualTo(50);
    assertThat(c.slowCallRateThreshold()).isEqualTo(100);
    assertThat(c.slowCallDuration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.waitInOpenState()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.halfOpenPermits()).isEqualTo(10);
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.toString()).isEqualTo("CircuitBreaker[payments, CLOSED]");
    assertThat(breaker.snapshot()).isEqualTo(new CircuitBreaker.Snapshot(State.CLOSED, -1f, -1f, 0, 0, 0));
    assertThat(breaker.<String>policy()).isSameAs(breaker.<Integer>policy());
    CircuitBreaker.Config timed = CircuitBreaker.builder("t").timeWindow(30).build().config();
    assertThat(timed.slidingWindow()).isEqualTo(CircuitBreaker.SlidingWindow.TIME_BASED);
    assertThat(timed.windowSize()).isEqualTo(30);
  }

  /** A breaker refuses each out-of-range value, naming it; the boundaries themselves are accepted. */
  @Test
  void aBreakersBuilderChecksEveryValueAtItsBoundary() {
    assertThat(CircuitBreaker.builder("b").countWindow(1).minimumCalls(1).failureRateThreshold(100)
        .slowCallRateThreshold(100, Duration.ofNanos(1)).waitInOpenState(Duration.ofMillis(1)).halfOpenPermits(1)
        .build().config().halfOpenPermits()).isEqualTo(1);
    assertThatThrownBy(() -> CircuitBreaker.builder("b").minimumCalls(0).build()).hasMessageContaining("minimumCalls");
    assertThatThrownBy(() -> CircuitBreaker.builder("b").slowCallRateThreshold(0, Duration.ofSeconds(1)).build())
        .hasMessageContaining("slowCallRateThreshold");
    assertThatThrownBy(() -> CircuitBreaker.builder("b").slowCallRateThreshold(50, Duration.ZERO).build())
        .hasMessageContaining("slowCallDuration");
    assertThatThrownBy(() -> CircuitBreaker.builder("b").recordAsFailure(null).build()).hasMessage("recordAsFailure");
    assertThatThrownBy(() -> CircuitBreaker.builder("b").ignore(null).build()).hasMessage("ignore");
    assertThatThrownBy(() -> CircuitBreaker.builder("b").clock(null)).hasMessage("clock");
  }

  /** A rate limit's accessors and snapshot report what was built; of(..) is greedy and waits. */
  @Test
  void aRateLimitsDefaultsAndAccessors() {
    RateLimit limit = RateLimit.of("api", 5, Duration.ofSeconds(2));
    assertThat(limit.config()).isEqualTo(new RateLimit.Config(
        "api", 5, 5, Duration.ofSeconds(2), RateLimit.Refill.GREEDY, RateLimit.OnLimit.WAIT, null));
    assertThat(limit.snapshot()).isEqualTo(new RateLimit.Snapshot(5, 0, 0, 0));
    assertThat(limit.toString()).isEqualTo("RateLimit[api, Snapshot[availableTokens=5, waiting=0, rejected=0, waited=0]]");
    assertThat(limit.<String>policy()).isSameAs(limit.<Integer>policy());
    RateLimit interval = RateLimit.builder("i").capacity(3).refillIntervally(2, Duration.ofSeconds(1))
        .onLimit(RateLimit.OnLimit.FAIL).maxWait(Duration.ZERO).build();
    assertThat(interval.config()).isEqualTo(new RateLimit.Config(
        "i", 3, 2, Duration.ofSeconds(1), RateLimit.Refill.INTERVAL, RateLimit.OnLimit.FAIL, Duration.ZERO));
    assertThatThrownBy(() -> RateLimit.builder("r").capacity(1).refillGreedy(1, Duration.ofSeconds(1)).onLimit(null).build())
        .hasMessage("onLimit");
    assertThatThrownBy(() -> RateLimit.builder("r").clock(null)).hasMessage("clock");
    assertThatThrownBy(() -> RateLimit.builder("r").timer(null)).hasMessage("timer");
  }

  /** A bulkhead's defaults and accessors; its adaptive bounds are checked only when adaptive. */
  @Test
  void aBulkheadsDefaultsAndAccessors() {
    Bulkhead bulkhead = Bulkhead.builder("db").build();
    assertThat(bulkhead.config()).isEqualTo(new Bulkhead.Config("db", 25, 100, false, 1, 1000));
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(25, 0, 0, 0));
    assertThat(bulkhead.toString()).isEqualTo("Bulkhead[db, Snapshot[limit=25, inUse=0, queued=0, rejected=0]]");
    assertThat(bulkhead.<String>policy()).isSameAs(bulkhead.<Integer>policy());
    assertThat(Bulkhead.of("q", 1, 0).config()).isEqualTo(new Bulkhead.Config("q", 1, 0, false, 1, 1000));
    Bulkhead adaptive = Bulkhead.builder("a").maxConcurrent(3).adaptive(3, 3).build();
    assertThat(adaptive.config()).isEqualTo(new Bulkhead.Config("a", 3, 100, true, 3, 3));
    assertThatThrownBy(() -> Bulkhead.builder("a").maxConcurrent(3).adaptive(0, 3).build()).hasMessageContaining("minLimit");
    assertThatThrownBy(() -> Bulkhead.builder("a").maxConcurrent(3).adaptive(4, 5).build())
        .hasMessage("maxConcurrent must be in [minLimit, maxLimit] = [4, 5], was 3");
    assertThatThrownBy(() -> Bulkhead.builder("a").maxConcurrent(6).adaptive(4, 5).build())
        .hasMessage("maxConcurrent must be in [minLimit, maxLimit] = [4, 5], was 6");
    assertThatThrownBy(() -> Bulkhead.builder("a").clock(null)).hasMessage("clock");
  }

  /** An adaptive timeout's defaults and accessors; the default budget for an unseen name. */
  @Test
  void anAdaptiveTimeoutsDefaultsAndAccessors() {
    AdaptiveTimeout timeout = AdaptiveTimeout.ofDefaults("t");
    assertThat(timeout.config()).isEqualTo(new AdaptiveTimeout.Config("t", 99, 1.5, Duration.ofMillis(10),
        Duration.ofSeconds(30), Duration.ofSeconds(1), 20, Duration.ofSeconds(60), Duration.ofSeconds(5), 0.5));
    assertThat(timeout.currentTimeout("x")).isEqualTo(Duration.ofSeconds(1));
    assertThat(timeout.snapshot()).isEmpty();
    assertThat(timeout.toString()).isEqualTo("AdaptiveTimeout[t, 0 names]");
    assertThat(timeout.<String>policy()).isSameAs(timeout.<Integer>policy());
    // The boundaries themselves are accepted.
    AdaptiveTimeout edge = AdaptiveTimeout.builder("e").percentile(100).multiplier(1)
        .bounds(Duration.ofSeconds(1), Duration.ofSeconds(1)).initial(Duration.ofSeconds(1), 1)
        .window(Duration.ofSeconds(1), Duration.ofSeconds(1)).maxStep(10).build();
    assertThat(edge.config().maxStep()).isEqualTo(10);
    assertThatThrownBy(() -> AdaptiveTimeout.builder("e").multiplier(Double.NaN).build()).hasMessageContaining("multiplier");
    assertThatThrownBy(() -> AdaptiveTimeout.builder("e").initial(Duration.ofMillis(9), 1).build())
        .hasMessage("initial must be within [min, max] = [PT0.01S, PT30S], was PT0.009S");
    assertThatThrownBy(() -> AdaptiveTimeout.builder("e").initial(Duration.ofSeconds(1), 0).build())
        .hasMessageContaining("minSamples");
    assertThatThrownBy(() -> AdaptiveTimeout.builder("e").maxStep(0).build()).hasMessageContaining("maxStep");
    assertThatThrownBy(() -> AdaptiveTimeout.builder("e").clock(null)).hasMessage("clock");
  }

  /** A hedge's defaults and accessors; the boundaries themselves are accepted. */
  @Test
  void aHedgesDefaultsAndAccessors() {
    Hedge hedge = Hedge.builder("h").build();
    assertThat(hedge.config()).isEqualTo(new Hedge.Config("h", 95, Duration.ofMillis(100), Duration.ofMillis(1), 20,
        0.1, Duration.ofSeconds(60), Duration.ofSeconds(1)));
    assertThat(hedge.snapshot()).isEqualTo(new Hedge.Snapshot(Duration.ofMillis(100), 0, 0));
    assertThat(hedge.toString()).isEqualTo("Hedge[h, Snapshot[delay=PT0.1S, calls=0, hedged=0]]");
    assertThat(hedge.<String>policy()).isSameAs(hedge.<Integer>policy());
    Hedge edge = Hedge.builder("e").percentile(100).initialDelay(Duration.ofNanos(1), 1).minDelay(Duration.ofNanos(1))
        .maxHedgedFraction(1).window(Duration.ofSeconds(1), Duration.ofSeconds(1)).build();
    assertThat(edge.config().minDelay()).isEqualTo(Duration.ofNanos(1));
    assertThatThrownBy(() -> Hedge.builder("e").minDelay(Duration.ZERO).build()).hasMessageContaining("minDelay");
    assertThatThrownBy(() -> Hedge.builder("e").initialDelay(Duration.ofSeconds(1), 0).build())
        .hasMessageContaining("minSamples");
    assertThatThrownBy(() -> Hedge.builder("e").window(Duration.ofMillis(999), Duration.ofSeconds(1)).build())
        .hasMessageContaining("window");
    assertThatThrownBy(() -> Hedge.builder("e").clock(null)).hasMessage("clock");
  }

  /** A fallback's name and text; a null replacement effect or trigger is refused. */
  @Test
  void aFallbacksNameAndChecks() {
    Fallback<String, Integer> fallback = Fallback.of("f", Runtimes.APP.succeed(1));
    assertThat(fallback.name()).isEqualTo("f");
    assertThat(fallback.toString()).isEqualTo("Fallback[f]");
    assertThatThrownBy(() -> Fallback.<String, Integer>of("f", null)).hasMessage("replacement");
    assertThatThrownBy(() -> Fallback.<String, Integer>builder("f").when(null).to(o -> Runtimes.APP.succeed(1)).build())
        .hasMessage("when");
  }

  /** Every policy's onEvent returns a registration that closes (idempotently). */
  @Test
  void everyOnEventReturnsAClosableRegistration() {
    java.util.function.Consumer<PolicyEvent> ignore = event -> { };
    List<Subscription> subscriptions = List.of(
        CircuitBreaker.ofDefaults("b").onEvent(ignore),
        RateLimit.of("r", 1, Duration.ofSeconds(1)).onEvent(ignore),
        Bulkhead.of("k", 1, 0).onEvent(ignore),
        AdaptiveTimeout.ofDefaults("t").onEvent(ignore),
        Hedge.builder("h").build().onEvent(ignore),
        Fallback.of("f", Runtimes.APP.succeed(1)).onEvent(ignore));
    subscriptions.forEach(s -> {
      s.close();
      s.close();
    });
    assertThat(subscriptions).hasSize(6).doesNotContainNull();
  }
}
