package land.echo.resilience;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import land.echo.ActionEffect;
import land.echo.AsyncCancelMode;
import land.echo.Outcome;
import land.echo.Policy;
import land.echo.resilience.internal.Checks;
import land.echo.resilience.internal.Listeners;
import land.echo.resilience.internal.PolicyTime;
import land.echo.resilience.internal.SlidingPercentile;
import land.echo.time.Clock;

/**
 * Hedging: if a call has not finished after a delay, a backup attempt of the same effect starts;
 * the first success wins and the other attempt is cancelled ({@link ActionEffect#firstSuccess}).
 * Applied with {@code effect.via(hedge.policy())}; only for idempotent effects.
 *
 * <p>The delay is a percentile (p95 by default) of recent successful latencies of the guarded
 * effects, from a sliding HdrHistogram window, and a configured default until the window holds
 * enough samples. Extra load is bounded: a backup starts only while the hedged calls are at most
 * {@code maxHedgedFraction} of all calls. If the first attempt fails before the delay, no backup
 * starts and its outcome is the call's.
 *
 * <p>Latencies are read on the injected {@link Clock}; the delay itself is the runtime's
 * {@link ActionEffect#sleep}, so both are virtual in tests. Thread-safe.
 */
public final class Hedge {

  /**
   * The immutable configuration of a hedge.
   *
   * @param name the hedge's name
   * @param percentile the latency percentile after which a backup starts, in (0, 100]
   * @param initialDelay the delay until enough samples exist
   * @param minDelay the shortest delay
   * @param minSamples samples needed before the percentile is used
   * @param maxHedgedFraction the largest fraction of calls that may be hedged, in (0, 1]
   * @param window how far back latencies count
   * @param updateEvery how often the delay is recomputed
   */
  public record Config(
      String name, double percentile, Duration initialDelay, Duration minDelay, int minSamples,
      double maxHedgedFraction, Duration window, Duration updateEvery) {}

  /**
   * A cheap snapshot of a hedge, for meters and dashboards.
   *
   * @param delay the current delay
   * @param calls calls since creation
   * @param hedged backups started since creation
   */
  public record Snapshot(Duration delay, long calls, long hedged) {}

  private final Config config;
  private final PolicyTime clock;
  private final Listeners listeners = new Listeners();
  private final Policy<Object> policy = new Guard();
  private final SlidingPercentile latencies;
  /** Serialises {@link SlidingPercentile#roll()} between the winners of successive updates. */
  private final Object updating = new Object();
  private volatile long delayNanos;
  /** When the delay is next recomputed, on {@link #clock}; the caller that advances it recomputes. */
  private final AtomicLong nextUpdate;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong hedged = new AtomicLong();

  private Hedge(Builder b) {
    this.config = new Config(b.name, b.percentile, b.initialDelay, b.minDelay, b.minSamples, b.maxHedgedFraction,
        b.window, b.updateEvery);
    this.clock = new PolicyTime(b.clock, null);
    this.delayNanos = b.initialDelay.toNanos();
    this.latencies = SlidingPercentile.over(b.window, b.updateEvery);
    this.nextUpdate = new AtomicLong(clock.nanoTime() + b.updateEvery.toNanos());
  }

  /**
   * Returns a builder for a hedge named {@code name}: p95, 100 ms until 20 samples, at least 1 ms,
   * at most 10% of calls hedged, a 60 s window updated every second.
   *
   * @param name the hedge's name
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Returns the policy that hedges effects; the same instance on every call.
   *
   * @param <E> the guarded effects' domain error type
   * @return this hedge as a policy
   */
  @SuppressWarnings("unchecked")
  public <E> Policy<E> policy() {
    return (Policy<E>) (Policy<?>) policy;
  }

  /**
   * Returns this hedge's configuration.
   *
   * @return the configuration
   */
  public Config config() {
    return config;
  }

  /**
   * Returns a snapshot of the delay and the counts.
   *
   * @return the snapshot
   */
  public Snapshot snapshot() {
    return new Snapshot(Duration.ofNanos(delayNanos), calls.get(), hedged.get());
  }

  /**
   * Registers {@code listener} for this hedge's events ({@link PolicyEvent.HedgeStarted}); it runs
   * on the backup attempt's thread and must be short. A listener that throws is logged and ignored.
   *
   * @param listener receives the events
   * @return the registration; closing it removes the listener
   */
  public Subscription onEvent(Consumer<? super PolicyEvent> listener) {
    return listeners.add(listener);
  }

  @Override
  public String toString() {
    return "Hedge[" + config.name() + ", " + snapshot() + "]";
  }

  /**
   * The delay for a call starting {@code now}, recomputed first if an update is due: of the calls
   * that find it due, the one that moves {@link #nextUpdate} on recomputes it, the others go on with
   * the delay as it is.
   */
  private long delay(long now) {
    long due = nextUpdate.get();
    if (now - due >= 0 && nextUpdate.compareAndSet(due, now + config.updateEvery().toNanos())) {
      synchronized (updating) {
        latencies.roll();
        if (latencies.count() >= config.minSamples()) {
          delayNanos = Math.max(config.minDelay().toNanos(), latencies.percentileNanos(config.percentile()));
        }
      }
    }
    return delayNanos;
  }

  /** Whether one more backup keeps the hedged calls within their fraction. */
  private boolean budgetAllows() {
    while (true) {
      long h = hedged.get();
      if (h + 1 > config.maxHedgedFraction() * calls.get()) {
        return false;
      }
      if (hedged.compareAndSet(h, h + 1)) {
        return true;
      }
    }
  }

  private <T> ActionEffect<Object, T> measured(ActionEffect<Object, T> effect) {
    return ActionEffect.suspend(() -> {
      long start = clock.nanoTime();
      return effect.onExit(outcome -> {
        if (outcome instanceof Outcome.Success<?, ?>) {
          latencies.record(clock.nanoTime() - start);
        }
      });
    });
  }

  /** The policy. */
  private final class Guard implements Policy<Object> {
    @Override
    public <T> ActionEffect<Object, T> apply(ActionEffect<Object, T> effect) {
      Objects.requireNonNull(effect, "effect");
      String effectName = effect.name();
      return clock.around(() -> {
        calls.incrementAndGet();
        Duration delay = Duration.ofNanos(delay(clock.nanoTime()));
        // Completed with the first attempt's outcome when it ends: a backup that has not started
        // by then never starts, and mirrors that outcome instead.
        CompletableFuture<Outcome<Object, T>> firstEnded = new CompletableFuture<>();
        ActionEffect<Object, T> first = measured(effect).onExit(firstEnded::complete);
        ActionEffect<Object, Outcome<Object, T>> firstOutcome =
            ActionEffect.async(token -> firstEnded, AsyncCancelMode.LEAVE_RUNNING);
        ActionEffect<Object, T> backup = ActionEffect.<Object, Outcome<Object, T>>race(
                ActionEffect.<Object>sleep(delay).map(ignored -> null), firstOutcome)
            .flatMap(ended -> {
              if (ended == null && budgetAllows()) {
                if (!listeners.isEmpty()) {
                  listeners.publish(new PolicyEvent.HedgeStarted(config.name(), effectName, delay));
                }
                return measured(effect);
              }
              // The first attempt has ended, or the budget refuses a backup: mirror the first
              // attempt's outcome (at once if it has ended).
              return firstOutcome.flatMap(ActionEffect::fromOutcome);
            });
        return ActionEffect.firstSuccess(List.of(first, backup));
      });
    }
  }

  /** Builds a {@link Hedge}; validates every value in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private double percentile = 95;
    private Duration initialDelay = Duration.ofMillis(100);
    private Duration minDelay = Duration.ofMillis(1);
    private int minSamples = 20;
    private double maxHedgedFraction = 0.1;
    private Duration window = Duration.ofSeconds(60);
    private Duration updateEvery = Duration.ofSeconds(1);
    private Clock clock;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets the latency percentile after which a backup starts.
     *
     * @param percentile in (0, 100]
     * @return this builder
     */
    public Builder percentile(double percentile) {
      this.percentile = percentile;
      return this;
    }

    /**
     * Sets the delay used until {@code minSamples} latencies are in the window.
     *
     * @param initialDelay positive
     * @param minSamples at least 1
     * @return this builder
     */
    public Builder initialDelay(Duration initialDelay, int minSamples) {
      this.initialDelay = initialDelay;
      this.minSamples = minSamples;
      return this;
    }

    /**
     * Sets the shortest delay, whatever the percentile says.
     *
     * @param minDelay positive
     * @return this builder
     */
    public Builder minDelay(Duration minDelay) {
      this.minDelay = minDelay;
      return this;
    }

    /**
     * Sets the largest fraction of calls that may start a backup.
     *
     * @param fraction in (0, 1]
     * @return this builder
     */
    public Builder maxHedgedFraction(double fraction) {
      this.maxHedgedFraction = fraction;
      return this;
    }

    /**
     * Sets the window of latencies and how often the delay is recomputed.
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
     * Builds the hedge.
     *
     * @return a new hedge
     * @throws IllegalArgumentException naming the field if a value is out of range
     * @throws NullPointerException naming the field if a value is null
     */
    public Hedge build() {
      Checks.name(name);
      Checks.inRange("percentile", percentile, 0, 100);
      Checks.measurable("initialDelay", initialDelay);
      Checks.positive("minDelay", minDelay);
      Checks.atLeast("minSamples", minSamples, 1);
      Checks.inRange("maxHedgedFraction", maxHedgedFraction, 0, 1);
      Checks.measurable("updateEvery", updateEvery);
      Checks.measurable("window", window);
      Checks.atLeast("window", window, "updateEvery", updateEvery);
      return new Hedge(this);
    }
  }
}
