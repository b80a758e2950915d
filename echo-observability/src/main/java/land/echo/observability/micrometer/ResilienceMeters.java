package land.echo.observability.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import land.echo.observability.NameTags;
import land.echo.resilience.AdaptiveTimeout;
import land.echo.resilience.Bulkhead;
import land.echo.resilience.CircuitBreaker;
import land.echo.resilience.Hedge;
import land.echo.resilience.RateLimit;
import land.echo.resilience.ResultCache;

/**
 * The meters of echo-resilience's policies: a {@link PolicyMeters} that binds gauges and function
 * counters over each policy's snapshot, registered with {@link EchoMeters.Builder#policyMeters}.
 * Immutable and thread-safe.
 *
 * <p>Every meter is tagged {@value EchoMeters#POLICY_TAG} with the policy's declared name ({@code
 * config().name()}); two policies of one kind must not share a name (Micrometer would return the
 * first one's meter for the second). Meters:
 *
 * <ul>
 *   <li>{@value #BREAKER_STATE} (gauge; tag {@code state}): one series per {@link
 *       CircuitBreaker.State}, named in lower case ({@code closed}, {@code open}, {@code half_open},
 *       {@code disabled}, {@code metrics_only}, {@code forced_open}), 1 for the current state and 0
 *       for the others, as Resilience4j's own Micrometer binding does.
 *   <li>{@value #BREAKER_FAILURE_RATE} and {@value #BREAKER_SLOW_CALL_RATE} (gauges): percent of
 *       the sliding window, 0 to 100; {@code NaN} while the window holds fewer than the minimum
 *       calls (Resilience4j reports -1 then, which is no rate).
 *   <li>{@value #BREAKER_CALLS_REFUSED} (gauge): calls refused since the breaker last closed. A
 *       gauge, not a counter: Resilience4j resets the count when the breaker closes, and counting
 *       refusals from the breaker's events instead would make Resilience4j build an event object for
 *       every recorded call (see {@link CircuitBreaker#onEvent}).
 *   <li>{@value #RATE_LIMITER_REJECTIONS} and {@value #RATE_LIMITER_WAITED} (function counters):
 *       calls refused, and calls that waited and then got a token; {@value #RATE_LIMITER_TOKENS}
 *       and {@value #RATE_LIMITER_WAITERS} (gauges): tokens in the bucket, calls waiting.
 *   <li>{@value #BULKHEAD_IN_USE}, {@value #BULKHEAD_QUEUED}, {@value #BULKHEAD_LIMIT} (gauges):
 *       slots taken, calls queued, the current concurrency limit (it moves when the bulkhead is
 *       adaptive); {@value #BULKHEAD_REJECTIONS} (function counter).
 *   <li>{@value #CACHE_REQUESTS} (function counters; tag {@code outcome} = {@code hit} or {@code
 *       miss}), {@value #CACHE_EVICTIONS} (function counter), {@value #CACHE_SIZE} (gauge).
 *   <li>{@value #TIMEOUT_CURRENT} (gauge, seconds; tag {@code name}): an adaptive timeout's budget
 *       per effect name, the name going through the {@link NameTags} Echo's meters use. An effect
 *       name's series is registered when the meters are bound (for names seen by then) or when its
 *       budget first adapts; until then the name's budget is the configured initial one. Names
 *       folded into one tag value ({@code other}) report the largest of their budgets.
 *   <li>{@value #HEDGE_CALLS} and {@value #HEDGE_HEDGES} (function counters): calls, backups
 *       started; {@value #HEDGE_DELAY} (gauge, seconds): the current delay before a backup.
 * </ul>
 *
 * <p>Like Micrometer's own binders, the meters hold their policies weakly: once a policy the
 * application no longer references is collected, its gauges read {@code NaN} and its function
 * counters keep their last value. Each meter reads the policy's cheap snapshot (or {@code state()})
 * at scrape time; nothing runs on the policies' call paths except an adaptive timeout's listener,
 * which registers a series the first time a name adapts.
 *
 * {@snippet :
 * EchoMeters meters = EchoMeters.builder(registry)
 *     .policyMeters(ResilienceMeters.builder().breaker(breaker).rateLimit(limit).build())
 *     .build();
 * }
 */
public final class ResilienceMeters implements PolicyMeters {
  /** A breaker's state, one series per state. */
  public static final String BREAKER_STATE = EchoMeters.POLICY_PREFIX + "breaker.state";
  /** A breaker's failure rate, percent. */
  public static final String BREAKER_FAILURE_RATE = EchoMeters.POLICY_PREFIX + "breaker.failure.rate";
  /** A breaker's slow-call rate, percent. */
  public static final String BREAKER_SLOW_CALL_RATE = EchoMeters.POLICY_PREFIX + "breaker.slow.call.rate";
  /** Calls a breaker refused since it last closed. */
  public static final String BREAKER_CALLS_REFUSED = EchoMeters.POLICY_PREFIX + "breaker.calls.refused";
  /** Calls a rate limit refused. */
  public static final String RATE_LIMITER_REJECTIONS = EchoMeters.POLICY_PREFIX + "rate.limiter.rejections";
  /** Calls that waited for a rate limit's token and got it. */
  public static final String RATE_LIMITER_WAITED = EchoMeters.POLICY_PREFIX + "rate.limiter.waited";
  /** Tokens in a rate limit's bucket. */
  public static final String RATE_LIMITER_TOKENS = EchoMeters.POLICY_PREFIX + "rate.limiter.tokens";
  /** Calls waiting for a rate limit's token. */
  public static final String RATE_LIMITER_WAITERS = EchoMeters.POLICY_PREFIX + "rate.limiter.waiters";
  /** A bulkhead's slots in use. */
  public static final String BULKHEAD_IN_USE = EchoMeters.POLICY_PREFIX + "bulkhead.in.use";
  /** Calls queued for a bulkhead's slot. */
  public static final String BULKHEAD_QUEUED = EchoMeters.POLICY_PREFIX + "bulkhead.queued";
  /** A bulkhead's concurrency limit. */
  public static final String BULKHEAD_LIMIT = EchoMeters.POLICY_PREFIX + "bulkhead.limit";
  /** Calls a bulkhead refused. */
  public static final String BULKHEAD_REJECTIONS = EchoMeters.POLICY_PREFIX + "bulkhead.rejections";
  /** A result cache's hits and misses, by {@code outcome}. */
  public static final String CACHE_REQUESTS = EchoMeters.POLICY_PREFIX + "cache.requests";
  /** A result cache's evictions. */
  public static final String CACHE_EVICTIONS = EchoMeters.POLICY_PREFIX + "cache.evictions";
  /** A result cache's entries. */
  public static final String CACHE_SIZE = EchoMeters.POLICY_PREFIX + "cache.size";
  /** An adaptive timeout's budget per effect name. */
  public static final String TIMEOUT_CURRENT = EchoMeters.POLICY_PREFIX + "timeout.current";
  /** A hedge's calls. */
  public static final String HEDGE_CALLS = EchoMeters.POLICY_PREFIX + "hedge.calls";
  /** A hedge's backups started. */
  public static final String HEDGE_HEDGES = EchoMeters.POLICY_PREFIX + "hedge.hedges";
  /** A hedge's delay before a backup. */
  public static final String HEDGE_DELAY = EchoMeters.POLICY_PREFIX + "hedge.delay";

  static final String SECONDS = "seconds";

  private final List<CircuitBreaker> breakers;
  private final List<RateLimit> rateLimits;
  private final List<Bulkhead> bulkheads;
  private final List<ResultCache> caches;
  private final List<AdaptiveTimeout> timeouts;
  private final List<Hedge> hedges;

  private ResilienceMeters(Builder b) {
    this.breakers = List.copyOf(b.breakers);
    this.rateLimits = List.copyOf(b.rateLimits);
    this.bulkheads = List.copyOf(b.bulkheads);
    this.caches = List.copyOf(b.caches);
    this.timeouts = List.copyOf(b.timeouts);
    this.hedges = List.copyOf(b.hedges);
  }

  /**
   * Returns a builder of meters for no policy yet.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void bindTo(MeterRegistry registry, NameTags names) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(names, "names");
    breakers.forEach(b -> bindBreaker(registry, b));
    rateLimits.forEach(l -> bindRateLimit(registry, l));
    bulkheads.forEach(b -> bindBulkhead(registry, b));
    caches.forEach(c -> bindCache(registry, c));
    timeouts.forEach(t -> TimeoutGauges.bind(registry, names, t));
    hedges.forEach(h -> bindHedge(registry, h));
  }

  private static void bindBreaker(MeterRegistry registry, CircuitBreaker breaker) {
    String policy = breaker.name();
    for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
      Gauge.builder(BREAKER_STATE, breaker, b -> b.state() == state ? 1 : 0)
          .description("1 for the circuit breaker's current state, 0 for the others")
          .tag(EchoMeters.POLICY_TAG, policy)
          .tag("state", state.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    Gauge.builder(BREAKER_FAILURE_RATE, breaker, b -> rate(b.snapshot().failureRate()))
        .description("Failed calls in the breaker's window, percent; NaN below the minimum calls")
        .tag(EchoMeters.POLICY_TAG, policy)
        .register(registry);
    Gauge.builder(BREAKER_SLOW_CALL_RATE, breaker, b -> rate(b.snapshot().slowCallRate()))
        .description("Slow calls in the breaker's window, percent; NaN below the minimum calls")
        .tag(EchoMeters.POLICY_TAG, policy)
        .register(registry);
    Gauge.builder(BREAKER_CALLS_REFUSED, breaker, b -> b.snapshot().notPermittedCalls())
        .description("Calls the breaker refused since it last closed")
        .tag(EchoMeters.POLICY_TAG, policy)
        .register(registry);
  }

  /** Resilience4j's rate, or NaN for its -1 ("fewer than the minimum calls"). */
  private static double rate(float percent) {
    return percent < 0 ? Double.NaN : percent;
  }

  private static void bindRateLimit(MeterRegistry registry, RateLimit limit) {
    String policy = limit.config().name();
    FunctionCounter.builder(RATE_LIMITER_REJECTIONS, limit, l -> l.snapshot().rejected())
        .description("Calls the rate limit refused")
        .tag(EchoMeters.POLICY_TAG, policy)
        .register(registry);
    FunctionCounter.builder(RATE_LIMITER_WAITED, limit, l -> l.snapshot().waited())
        .description("Calls that waited for a token and got one")
        .tag(EchoMeters.POLICY_TAG, policy)
        .register(registry);
    Gauge.builder(RATE_LIMITER_TOKENS, limit, l -> l.snapshot().availableTokens())
        .description("Tokens in the rate limit's bucket")
        .tag(EchoMeters.POLICY_TAG, policy)
        .register(registry);
    Gauge.builder(RATE_LIMITER_WAITERS, limit, l -> l.snapshot().waiting())
        .description("Calls waiting for a token")
        .tag(EchoMeters.POLICY_TAG, policy)
        .register(registry);
  }

  private static void bindBulkhead(MeterRegistry registry, Bulkhead bulkhead) {
    String policy = bulkhead.config().name();
    Gauge.builder(BULKHEAD_IN_USE, bulkhead, b -> b.snapshot().inUse())
        .description("Bulkhead slots in use")
        .tag(EchoMeters.POLICY_TAG, policy)
        .register(registry);
    Gauge.builder(BULKHEAD_QUEUED, bulkhead, b -> b.snapshot().queued())
        .description("Calls queued for a bulkhead slot")
        .tag(EchoMeters.POLICY_TAG, policy)
        .register(registry);
    Gauge.builder(BULKHEAD_LIMIT, bulkhead, b -> b.snapshot().limit())
        .description("The bulkhead's current concurrency limit")
        .tag(EchoMeters.POLICY_TAG, policy)
        .register(registry);
    FunctionCounter.builder(BULKHEAD_REJECTIONS, bulkhead, b -> b.snapshot().rejected())
        .description("Calls the bulkhead refused")
        .tag(EchoMeters.POLICY_TAG, policy)
        .register(registry);
  }

  private static void bindCache(MeterRegistry registry, ResultCache cache) {
    String policy = cache.config().name();
    FunctionCounter.builder(CACHE_REQUESTS, cache, c -> c.snapshot().hits())
        .description("Calls answered from the cache or by joining an execution in flight (hit), or that started one (miss)")
        .tag(EchoMeters.POLICY_TAG, policy)
        .tag("outcome", "hit")
        .register(registry);
    FunctionCounter.builder(CACHE_REQUESTS, cache, c -> c.snapshot().misses())
        .description("Calls answered from the cache or by joining an execution in flight (hit), or that started one (miss)")
        .tag(EchoMeters.POLICY_TAG, policy)
        .tag("outcome", "miss")
        .register(registry);
    FunctionCounter.builder(CACHE_EVICTIONS, cache, c -> c.snapshot().evictions())
        .description("Cache entries evicted by size or expiry")
        .tag(EchoMeters.POLICY_TAG, policy)
        .register(registry);
    Gauge.builder(CACHE_SIZE, cache, c -> c.snapshot().size())
        .description("Cache entries, executions in flight included")
        .tag(EchoMeters.POLICY_TAG, policy)
        .register(registry);
  }

  private static void bindHedge(MeterRegistry registry, Hedge hedge) {
    String policy = hedge.config().name();
    FunctionCounter.builder(HEDGE_CALLS, hedge, h -> h.snapshot().calls())
        .description("Calls through the hedge")
        .tag(EchoMeters.POLICY_TAG, policy)
        .register(registry);
    FunctionCounter.builder(HEDGE_HEDGES, hedge, h -> h.snapshot().hedged())
        .description("Backup attempts the hedge started")
        .tag(EchoMeters.POLICY_TAG, policy)
        .register(registry);
    Gauge.builder(HEDGE_DELAY, hedge, h -> h.snapshot().delay().toNanos() / 1e9)
        .description("The hedge's delay before a backup attempt")
        .tag(EchoMeters.POLICY_TAG, policy)
        .baseUnit(SECONDS)
        .register(registry);
  }

  /** Builds {@link ResilienceMeters}; checks in {@link #build()} that names are unique per kind. Not thread-safe. */
  public static final class Builder {
    private final List<CircuitBreaker> breakers = new ArrayList<>();
    private final List<RateLimit> rateLimits = new ArrayList<>();
    private final List<Bulkhead> bulkheads = new ArrayList<>();
    private final List<ResultCache> caches = new ArrayList<>();
    private final List<AdaptiveTimeout> timeouts = new ArrayList<>();
    private final List<Hedge> hedges = new ArrayList<>();

    private Builder() {}

    /**
     * Meters circuit breakers.
     *
     * @param breakers the breakers
     * @return this builder
     */
    public Builder breaker(CircuitBreaker... breakers) {
      return add(this.breakers, breakers);
    }

    /**
     * Meters rate limits.
     *
     * @param limits the rate limits
     * @return this builder
     */
    public Builder rateLimit(RateLimit... limits) {
      return add(this.rateLimits, limits);
    }

    /**
     * Meters bulkheads.
     *
     * @param bulkheads the bulkheads
     * @return this builder
     */
    public Builder bulkhead(Bulkhead... bulkheads) {
      return add(this.bulkheads, bulkheads);
    }

    /**
     * Meters result caches.
     *
     * @param caches the caches
     * @return this builder
     */
    public Builder cache(ResultCache... caches) {
      return add(this.caches, caches);
    }

    /**
     * Meters adaptive timeouts.
     *
     * @param timeouts the adaptive timeouts
     * @return this builder
     */
    public Builder timeout(AdaptiveTimeout... timeouts) {
      return add(this.timeouts, timeouts);
    }

    /**
     * Meters hedges.
     *
     * @param hedges the hedges
     * @return this builder
     */
    public Builder hedge(Hedge... hedges) {
      return add(this.hedges, hedges);
    }

    @SafeVarargs
    private <P> Builder add(List<P> to, P... policies) {
      for (P policy : policies) {
        to.add(Objects.requireNonNull(policy, "policy"));
      }
      return this;
    }

    /**
     * Returns the meters, to register with {@link EchoMeters.Builder#policyMeters}.
     *
     * @return the meters
     * @throws IllegalArgumentException if two policies of one kind share a name
     */
    public ResilienceMeters build() {
      unique("circuit breaker", breakers.stream().map(CircuitBreaker::name).toList());
      unique("rate limit", rateLimits.stream().map(l -> l.config().name()).toList());
      unique("bulkhead", bulkheads.stream().map(b -> b.config().name()).toList());
      unique("result cache", caches.stream().map(c -> c.config().name()).toList());
      unique("adaptive timeout", timeouts.stream().map(t -> t.config().name()).toList());
      unique("hedge", hedges.stream().map(h -> h.config().name()).toList());
      return new ResilienceMeters(this);
    }

    private static void unique(String kind, List<String> names) {
      Set<String> seen = new HashSet<>();
      for (String name : names) {
        if (!seen.add(name)) {
          throw new IllegalArgumentException("two " + kind + "s are named '" + name + "': their meters would collide");
        }
      }
    }
  }
}
