package land.echo.resilience;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import land.echo.ActionEffect;
import land.echo.Outcome;
import land.echo.Policy;
import land.echo.resilience.internal.Checks;
import land.echo.resilience.internal.Listeners;
import land.echo.resilience.internal.PolicyTime;
import land.echo.resilience.internal.SlidingPercentile;
import land.echo.time.Clock;

/**
 * A timeout that adapts to each effect name's recent latency. Applied with {@code
 * effect.via(timeout.policy())}; the budget is chosen per {@link ActionEffect#name()}, so name the
 * effects you guard.
 *
 * <p>For each name the budget is {@code clamp(multiplier × p(percentile) of recent successful
 * latencies, min, max)}. The percentile comes from a sliding window in HdrHistogram ({@code window}
 * long, sliding every {@code updateEvery}). Until the window holds {@code minSamples} the budget is
 * the configured default. The budget is recomputed at most once per {@code updateEvery}, and each
 * step moves it by at most {@code maxStep} (a fraction of the current budget), so that latency
 * rising during an overload cannot push timeouts up without bound in one go. A call over budget
 * ends with {@code Faulted(TimedOut)}, like {@link ActionEffect#timeout}.
 *
 * <p>Latencies are read on the injected {@link Clock} (a {@code VirtualTime} in tests). Thread-safe:
 * recording is wait-free; a recomputation is done by one caller at a time per name.
 */
public final class AdaptiveTimeout {

  /**
   * The immutable configuration of an adaptive timeout.
   *
   * @param name the policy's name
   * @param percentile the latency percentile, in (0, 100]
   * @param multiplier the factor applied to it, at least 1
   * @param min the smallest budget
   * @param max the largest budget
   * @param initial the budget until enough samples exist
   * @param minSamples samples needed in the window before adapting
   * @param window how far back latencies count
   * @param updateEvery how often the budget may change
   * @param maxStep the largest relative change per update, in (0, 10]
   */
  public record Config(
      String name, double percentile, double multiplier, Duration min, Duration max, Duration initial,
      int minSamples, Duration window, Duration updateEvery, double maxStep) {}

  /**
   * A snapshot of one effect name's budget, for meters and dashboards.
   *
   * @param effectName the effect name
   * @param current the budget calls get now
   * @param recentPercentile the configured percentile of the window at the last update
   * @param samples samples in the window at the last update
   */
  public record Snapshot(String effectName, Duration current, Duration recentPercentile, long samples) {}

  private final Config config;
  private final PolicyTime clock;
  private final Listeners listeners = new Listeners();
  private final Map<String, PerName> names = new ConcurrentHashMap<>();
  private final Policy<Object> policy = new Guard();

  private AdaptiveTimeout(Builder b) {
    this.config = new Config(b.name, b.percentile, b.multiplier, b.min, b.max, b.initial, b.minSamples, b.window,
        b.updateEvery, b.maxStep);
    this.clock = new PolicyTime(b.clock, null);
  }

  /**
   * Returns a builder for an adaptive timeout named {@code name}: p99 × 1.5, between 10 ms and 30 s,
   * 1 s until 20 samples, a 60 s window updated every 5 s, at most ±50% per update.
   *
   * @param name the policy's name
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Returns an adaptive timeout with the defaults of {@link #builder}.
   *
   * @param name the policy's name
   * @return a new adaptive timeout on the system clock
   */
  public static AdaptiveTimeout ofDefaults(String name) {
    return builder(name).build();
  }

  /**
   * Returns the policy that bounds effects by their name's adaptive budget; the same instance on
   * every call.
   *
   * @param <E> the guarded effects' domain error type
   * @return this adaptive timeout as a policy
   */
  @SuppressWarnings("unchecked")
  public <E> Policy<E> policy() {
    return (Policy<E>) (Policy<?>) policy;
  }

  /**
   * Returns this policy's configuration.
   *
   * @return the configuration
   */
  public Config config() {
    return config;
  }

  /**
   * Returns the budget effects named {@code effectName} get now (the default for an unseen name).
   *
   * @param effectName the effect name
   * @return the current budget
   */
  public Duration currentTimeout(String effectName) {
    PerName p = names.get(effectName);
    return p == null ? config.initial() : Duration.ofNanos(p.currentNanos);
  }

  /**
   * Returns a snapshot of every effect name's budget.
   *
   * @return one snapshot per effect name seen
   */
  public List<Snapshot> snapshot() {
    return names.entrySet().stream()
        .map(e -> new Snapshot(e.getKey(), Duration.ofNanos(e.getValue().currentNanos),
            Duration.ofNanos(e.getValue().lastPercentileNanos), e.getValue().lastSamples))
        .toList();
  }

  /**
   * Registers {@code listener} for this policy's events ({@link PolicyEvent.TimeoutAdapted}); it
   * runs on the calling effect's thread and must be short. A listener that throws is logged and
   * ignored.
   *
   * @param listener receives the events
   * @return the registration; closing it removes the listener
   */
  public Subscription onEvent(Consumer<? super PolicyEvent> listener) {
    return listeners.add(listener);
  }

  @Override
  public String toString() {
    return "AdaptiveTimeout[" + config.name() + ", " + names.size() + " names]";
  }

  /** The state of one effect name. */
  private final class PerName {
    private final String effectName;
    private final SlidingPercentile latencies;
    private volatile long currentNanos = config.initial().toNanos();
    private volatile long lastPercentileNanos;
    private volatile long lastSamples;
    /** When the budget is next recomputed, on {@link #clock}; the caller that advances it recomputes. */
    private final AtomicLong nextUpdate;
    /** Serialises the recomputations (the window's roll) between the winners of successive updates. */
    private final Object updating = new Object();

    PerName(String effectName) {
      this.effectName = effectName;
      this.latencies = SlidingPercentile.over(config.window(), config.updateEvery());
      this.nextUpdate = new AtomicLong(clock.nanoTime() + config.updateEvery().toNanos());
    }

    /**
     * The budget for a call starting {@code now}, updating it first if an interval has passed: of
     * the calls that find an update due, the one that moves {@link #nextUpdate} on updates, the
     * others go on with the budget as it is.
     */
    long budget(long now) {
      long due = nextUpdate.get();
      if (now - due < 0 || !nextUpdate.compareAndSet(due, now + config.updateEvery().toNanos())) {
        return currentNanos;
      }
      long from;
      long to;
      synchronized (updating) {
        latencies.roll();
        lastSamples = latencies.count();
        if (lastSamples < config.minSamples()) {
          return currentNanos;
        }
        lastPercentileNanos = latencies.percentileNanos(config.percentile());
        from = currentNanos;
        double target = config.multiplier() * lastPercentileNanos;
        double lower = from / (1 + config.maxStep());
        double upper = from * (1 + config.maxStep());
        double stepped = Math.max(lower, Math.min(upper, target));
        to = Math.max(config.min().toNanos(), Math.min(config.max().toNanos(), (long) stepped));
        currentNanos = to;
      }
      if (to != from && !listeners.isEmpty()) {
        listeners.publish(new PolicyEvent.TimeoutAdapted(
            config.name(), effectName, Duration.ofNanos(from), Duration.ofNanos(to)));
      }
      return currentNanos;
    }
  }

  /** The policy. */
  private final class Guard implements Policy<Object> {
    @Override
    public <T> ActionEffect<Object, T> apply(ActionEffect<Object, T> effect) {
      Objects.requireNonNull(effect, "effect");
      String effectName = effect.name();
      return clock.around(() -> {
        PerName seen = names.get(effectName);
        // Only the first call of a name builds the (capturing) constructor reference.
        PerName p = seen != null ? seen : names.computeIfAbsent(effectName, PerName::new);
        long start = clock.nanoTime();
        long budget = p.budget(start);
        return effect.onExit(outcome -> {
          if (outcome instanceof Outcome.Success<?, ?>) {
            p.latencies.record(clock.nanoTime() - start);
          }
        }).timeout(Duration.ofNanos(budget));
      });
    }
  }

  /** Builds an {@link AdaptiveTimeout}; validates every value in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private double percentile = 99;
    private double multiplier = 1.5;
    private Duration min = Duration.ofMillis(10);
    private Duration max = Duration.ofSeconds(30);
    private Duration initial = Duration.ofSeconds(1);
    private int minSamples = 20;
    private Duration window = Duration.ofSeconds(60);
    private Duration updateEvery = Duration.ofSeconds(5);
    private double maxStep = 0.5;
    private Clock clock;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets the latency percentile the budget follows.
     *
     * @param percentile in (0, 100]
     * @return this builder
     */
    public Builder percentile(double percentile) {
      this.percentile = percentile;
      return this;
    }

    /**
     * Sets the factor applied to the percentile.
     *
     * @param multiplier at least 1
     * @return this builder
     */
    public Builder multiplier(double multiplier) {
      this.multiplier = multiplier;
      return this;
    }

    /**
     * Sets the range the budget stays in.
     *
     * @param min positive
     * @param max at least {@code min}
     * @return this builder
     */
    public Builder bounds(Duration min, Duration max) {
      this.min = min;
      this.max = max;
      return this;
    }

    /**
     * Sets the budget used until {@code minSamples} latencies are in the window.
     *
     * @param initial within the bounds
     * @param minSamples at least 1
     * @return this builder
     */
    public Builder initial(Duration initial, int minSamples) {
      this.initial = initial;
      this.minSamples = minSamples;
      return this;
    }

    /**
     * Sets the window of latencies and how often the budget is recomputed.
     *
     * @param window positive, at least {@code updateEvery}
     * @param updateEvery positive
     * @return this builder
     */
    public Builder window(Duration window, Duration updateEvery) {
      this.window = window;
      this.updateEvery = updateEvery;
      return this;
    }

    /**
     * Sets the largest relative change per update: 0.5 lets the budget grow to 1.5× or shrink to
     * 1/1.5 of itself at each update.
     *
     * @param maxStep in (0, 10]
     * @return this builder
     */
    public Builder maxStep(double maxStep) {
      this.maxStep = maxStep;
      return this;
    }

    /**
     * Sets a fixed clock latencies are measured on. By default the {@linkplain ActionEffect#clock() clock of the runtime} that runs the guarded
     * effect (a {@code VirtualTime} in tests), followed on every call; set one only for a policy
     * that runtimes with different clocks share.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the adaptive timeout.
     *
     * @return a new adaptive timeout
     * @throws IllegalArgumentException naming the field if a value is out of range
     * @throws NullPointerException naming the field if a value is null
     */
    public AdaptiveTimeout build() {
      Checks.name(name);
      Checks.inRange("percentile", percentile, 0, 100);
      if (!(multiplier >= 1)) {
        throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
      }
      Checks.positive("min", min);
      Checks.positive("max", max);
      Checks.atLeast("max", max, "min", min);
      Checks.positive("initial", initial);
      if (initial.compareTo(min) < 0 || initial.compareTo(max) > 0) {
        throw new IllegalArgumentException("initial must be within [min, max] = [" + min + ", " + max + "], was " + initial);
      }
      Checks.atLeast("minSamples", minSamples, 1);
      Checks.positive("updateEvery", updateEvery);
      Checks.positive("window", window);
      Checks.atLeast("window", window, "updateEvery", updateEvery);
      Checks.inRange("maxStep", maxStep, 0, 10);
      return new AdaptiveTimeout(this);
    }
  }
}
