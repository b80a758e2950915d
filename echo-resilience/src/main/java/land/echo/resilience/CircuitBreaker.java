package land.echo.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import land.echo.ActionEffect;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.Policy;
import land.echo.resilience.internal.Checks;
import land.echo.resilience.internal.JavaClock;
import land.echo.resilience.internal.Listeners;
import land.echo.resilience.internal.PolicyTime;
import land.echo.spi.Gate;
import land.echo.time.Clock;

/**
 * A circuit breaker on effects, built on Resilience4j's {@code CircuitBreaker} state machine
 * (count- or time-based sliding window, failure-rate and slow-call-rate thresholds, minimum number
 * of calls, half-open permits, forced-open and disabled states). Applied with {@code
 * effect.via(breaker.policy())}.
 *
 * <p>While the breaker is open the guarded effect does not run: the call ends at once with {@code
 * Faulted(Rejected)} carrying a {@link CircuitOpen} that names the breaker and says when it lets
 * calls through again. Otherwise the effect runs and its outcome is recorded with its duration,
 * read on the breaker's {@link Clock}: by default a domain {@code Failure}, a {@code Panic} and a
 * {@code TimedOut} count as failures, a success as a success, and a cancellation or another
 * policy's rejection is not recorded at all (its permit is released). {@link
 * Builder#recordAsFailure} changes which outcomes count.
 *
 * <p>Resilience4j reads time from a {@code java.time.Clock} built on the injected Echo clock, so a
 * breaker built with a {@code VirtualTime} opens, waits and half-opens on virtual time.
 *
 * <p>Thread-safe: one breaker guards any number of concurrent effects; Resilience4j's state machine
 * is lock-free for permission and recording.
 */
public final class CircuitBreaker {

  /** The breaker's states, Resilience4j's. */
  public enum State {
    /** Calls run; outcomes are recorded. */
    CLOSED,
    /** Calls are refused until the wait in open state has passed. */
    OPEN,
    /** A limited number of trial calls run; their outcomes decide between closed and open. */
    HALF_OPEN,
    /** Calls always run and nothing is recorded. */
    DISABLED,
    /** Calls always run; outcomes are recorded but never change the state. */
    METRICS_ONLY,
    /** Calls are always refused until the state is changed by hand. */
    FORCED_OPEN
  }

  /**
   * The immutable configuration of a breaker.
   *
   * @param name the breaker's name
   * @param slidingWindow count- or time-based window
   * @param windowSize calls (count-based) or seconds (time-based) in the window
   * @param minimumCalls calls needed in the window before rates are computed
   * @param failureRateThreshold failure percentage that opens the breaker, in (0, 100]
   * @param slowCallRateThreshold slow-call percentage that opens the breaker, in (0, 100]
   * @param slowCallDuration a call at least this long is slow
   * @param waitInOpenState how long the breaker stays open before half-opening
   * @param halfOpenPermits trial calls in the half-open state
   * @param recordAsFailure which outcomes count as failures
   * @param ignore which outcomes are not recorded at all
   */
  public record Config(
      String name,
      SlidingWindow slidingWindow,
      int windowSize,
      int minimumCalls,
      double failureRateThreshold,
      double slowCallRateThreshold,
      Duration slowCallDuration,
      Duration waitInOpenState,
      int halfOpenPermits,
      Predicate<? super Outcome<?, ?>> recordAsFailure,
      Predicate<? super Outcome<?, ?>> ignore) {}

  /** How the sliding window counts. */
  public enum SlidingWindow {
    /** The last {@code windowSize} calls. */
    COUNT_BASED,
    /** The calls of the last {@code windowSize} seconds. */
    TIME_BASED
  }

  /**
   * A cheap snapshot of a breaker, for meters and dashboards.
   *
   * @param state the current state
   * @param failureRate failure percentage of the window, or -1 while below the minimum calls
   * @param slowCallRate slow-call percentage of the window, or -1 while below the minimum calls
   * @param bufferedCalls calls in the window
   * @param failedCalls failed calls in the window
   * @param notPermittedCalls calls refused since the breaker last closed
   */
  public record Snapshot(
      State state, float failureRate, float slowCallRate, int bufferedCalls, int failedCalls, long notPermittedCalls) {}

  /** The throwable Resilience4j records for a failed outcome; shared, without a stack trace. */
  private static final Throwable FAILED = new OutcomeFailed();

  private final Config config;
  private final PolicyTime clock;
  private final io.github.resilience4j.circuitbreaker.CircuitBreaker engine;
  private final Listeners listeners = new Listeners();
  private final Policy<Object> policy = new Guard();
  /** When the breaker last entered OPEN, on {@link #clock}; read to say when it lets calls through. */
  private volatile long openedAt;
  /**
   * The state last noted (after a permission, a refusal, a recorded call, a reset); a change to
   * OPEN means the breaker entered OPEN since.
   */
  private volatile io.github.resilience4j.circuitbreaker.CircuitBreaker.State lastSeen =
      io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED;
  /** Where the state is shared with other processes, or null for a breaker of this process only. */
  private final SharedPolicyState shared;
  /** Whether Resilience4j's transition events are bridged to {@link #listeners} yet. */
  private final java.util.concurrent.atomic.AtomicBoolean bridged = new java.util.concurrent.atomic.AtomicBoolean();

  private CircuitBreaker(Builder b) {
    this.config = new Config(b.name, b.slidingWindow, b.windowSize, b.minimumCalls, b.failureRateThreshold,
        b.slowCallRateThreshold, b.slowCallDuration, b.waitInOpenState, b.halfOpenPermits, b.recordAsFailure, b.ignore);
    PolicyTime clock = new PolicyTime(b.clock, null);
    this.clock = clock;
    CircuitBreakerConfig r4j = CircuitBreakerConfig.custom()
        .slidingWindow(b.windowSize, b.minimumCalls,
            b.slidingWindow == SlidingWindow.COUNT_BASED
                ? CircuitBreakerConfig.SlidingWindowType.COUNT_BASED
                : CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
        .failureRateThreshold((float) b.failureRateThreshold)
        .slowCallRateThreshold((float) b.slowCallRateThreshold)
        .slowCallDurationThreshold(b.slowCallDuration)
        .waitDurationInOpenState(b.waitInOpenState)
        .permittedNumberOfCallsInHalfOpenState(b.halfOpenPermits)
        .writableStackTraceEnabled(false)
        .clock(new JavaClock(clock))
        .build();
    this.engine = io.github.resilience4j.circuitbreaker.CircuitBreaker.of(b.name, r4j);
    this.shared = b.shared;
    if (shared != null) {
      shared.onBreakerState(b.name, this::applyShared);
      shared.breakerState(b.name).ifPresent(this::applyShared);
    }
  }

  /**
   * Moves this breaker to a state another process published. OPEN, CLOSED, FORCED_OPEN and
   * DISABLED are shared; HALF_OPEN is not (each process tries its own calls when its wait is over,
   * and publishes what they decide). The state applied is noted as seen, so that it is not
   * published back.
   */
  private void applyShared(State state) {
    io.github.resilience4j.circuitbreaker.CircuitBreaker.State now = engine.getState();
    switch (state) {
      case OPEN -> {
        if (now != io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN) {
          engine.transitionToOpenState();
          openedAt = clock.nanoTime();
        }
      }
      case CLOSED -> {
        if (now != io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED) {
          engine.transitionToClosedState();
        }
      }
      case FORCED_OPEN -> engine.transitionToForcedOpenState();
      case DISABLED -> engine.transitionToDisabledState();
      case HALF_OPEN, METRICS_ONLY -> {
        return;
      }
    }
    lastSeen = engine.getState();
  }

  /** Publishes a state this process reached by itself, when the state is shared. */
  private void publish(io.github.resilience4j.circuitbreaker.CircuitBreaker.State state) {
    if (shared != null && state != io.github.resilience4j.circuitbreaker.CircuitBreaker.State.HALF_OPEN
        && state != io.github.resilience4j.circuitbreaker.CircuitBreaker.State.METRICS_ONLY) {
      shared.publishBreakerState(config.name(), stateOf(state));
    }
  }

  /**
   * Returns a breaker named {@code name} with the defaults of {@link #builder}.
   *
   * @param name the breaker's name
   * @return a new breaker
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static CircuitBreaker ofDefaults(String name) {
    return builder(name).build();
  }

  /**
   * Returns a builder for a breaker named {@code name}, with Resilience4j's defaults: a count-based
   * window of 100 calls, 100 minimum calls, 50% failure-rate and 100% slow-call-rate thresholds, a
   * 60 s slow-call duration, 60 s open, 10 half-open permits, the system clock.
   *
   * @param name the breaker's name
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Returns the policy that guards effects with this breaker; the same instance on every call.
   *
   * @param <E> the guarded effects' domain error type
   * @return this breaker as a policy
   */
  @SuppressWarnings("unchecked")
  public <E> Policy<E> policy() {
    return (Policy<E>) (Policy<?>) policy;
  }

  /**
   * Returns this breaker's configuration.
   *
   * @return the configuration
   */
  public Config config() {
    return config;
  }

  /**
   * Returns this breaker's name.
   *
   * @return the name
   */
  public String name() {
    return config.name();
  }

  /**
   * Returns the breaker's current state.
   *
   * @return the state
   */
  public State state() {
    return stateOf(engine.getState());
  }

  /**
   * Returns a snapshot of the breaker's state and window.
   *
   * @return the snapshot
   */
  public Snapshot snapshot() {
    io.github.resilience4j.circuitbreaker.CircuitBreaker.Metrics m = engine.getMetrics();
    return new Snapshot(state(), m.getFailureRate(), m.getSlowCallRate(), m.getNumberOfBufferedCalls(),
        m.getNumberOfFailedCalls(), m.getNumberOfNotPermittedCalls());
  }

  // forceOpen() and disable() need not note the state: from FORCED_OPEN or DISABLED the breaker can
  // reach OPEN again only through reset(), which notes it.

  /** Forces the breaker open: every call is refused until {@link #reset()} or {@link #disable()}. */
  public void forceOpen() {
    engine.transitionToForcedOpenState();
    publish(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.FORCED_OPEN);
  }

  /** Disables the breaker: every call runs and nothing is recorded. */
  public void disable() {
    engine.transitionToDisabledState();
    publish(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.DISABLED);
  }

  /** Closes the breaker and empties its window (from any state, forced ones included). */
  public void reset() {
    engine.transitionToClosedState();
    // A call let through before the reset may fail after it and reopen the breaker with no call of
    // its own noting CLOSED in between: the opening must still be seen as one.
    noteState();
    publish(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED);
  }

  /**
   * Registers {@code listener} for this breaker's events ({@link PolicyEvent.CircuitStateChanged},
   * {@link PolicyEvent.CallRejected}); it runs on the thread that caused the event and must be
   * short. A listener that throws is logged and ignored.
   *
   * @param listener receives the events
   * @return the registration; closing it removes the listener
   */
  public Subscription onEvent(Consumer<? super PolicyEvent> listener) {
    Subscription subscription = listeners.add(listener);
    if (bridged.compareAndSet(false, true)) {
      // Registered only once someone listens: with any consumer registered, Resilience4j builds an
      // event object (with a ZonedDateTime) for every recorded call, which more than doubled the
      // breaker's cost per call in ResilienceBenchmark (kind=breaker).
      engine.getEventPublisher().onStateTransition(e -> listeners.publish(new PolicyEvent.CircuitStateChanged(
          config.name(), State.valueOf(e.getStateTransition().getFromState().name()),
          State.valueOf(e.getStateTransition().getToState().name()))));
    }
    return subscription;
  }

  @Override
  public String toString() {
    return "CircuitBreaker[" + config.name() + ", " + state() + "]";
  }

  /** The rejection for a refused call, with the time left in the open state. */
  private CircuitOpen refusal() {
    State state = state();
    Duration remaining = null;
    if (state == State.OPEN) {
      long left = config.waitInOpenState().toNanos() - (clock.nanoTime() - openedAt);
      remaining = Duration.ofNanos(Math.max(0, left));
    }
    return new CircuitOpen(config.name(), state, remaining);
  }

  private static State stateOf(io.github.resilience4j.circuitbreaker.CircuitBreaker.State state) {
    return switch (state) {
      case CLOSED -> State.CLOSED;
      case OPEN -> State.OPEN;
      case HALF_OPEN -> State.HALF_OPEN;
      case DISABLED -> State.DISABLED;
      case FORCED_OPEN -> State.FORCED_OPEN;
      case METRICS_ONLY -> State.METRICS_ONLY;
    };
  }

  /** Records one permitted call's outcome. */
  private void record(Outcome<?, ?> outcome, long startNanos) {
    long elapsed = clock.nanoTime() - startNanos;
    if (config.ignore().test(outcome)) {
      engine.releasePermission();
    } else if (config.recordAsFailure().test(outcome)) {
      engine.onError(elapsed, TimeUnit.NANOSECONDS, FAILED);
    } else {
      engine.onSuccess(elapsed, TimeUnit.NANOSECONDS);
    }
    noteState();
  }

  /** Notes when the breaker opens, for the refusals' retry-after; cheap when nothing changed. */
  private void noteState() {
    // Resilience4j's own enum, compared as it is: converting it on every call (valueOf of its name)
    // was a fifth of the breaker's cost per call.
    io.github.resilience4j.circuitbreaker.CircuitBreaker.State now = engine.getState();
    if (now != lastSeen) {
      if (now == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN) {
        openedAt = clock.nanoTime();
      }
      boolean fromHalfOpen = lastSeen == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.HALF_OPEN;
      lastSeen = now;
      // Shared: an opening, and a closing decided by this process's half-open calls (a reset
      // publishes its own).
      if (now == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN
          || (fromHalfOpen && now == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED)) {
        publish(now);
      }
    }
  }

  /**
   * The policy, as a {@link Gate}: enter asks for a permit and returns the start time (or refuses),
   * exit records the outcome. The interpreter calls exit exactly once for every permit it granted,
   * cancellation included, so a permit (a scarce half-open one too) is never leaked; a run costs one
   * step and the boxed start time.
   */
  private final class Guard implements Policy<Object>, Gate {
    @Override
    public <T> ActionEffect<Object, T> apply(ActionEffect<Object, T> effect) {
      return Objects.requireNonNull(effect, "effect").gatedBy(this);
    }

    @Override
    public Object enter(Gate.Run run) {
      clock.followClock(run.clock());
      if (!engine.tryAcquirePermission()) {
        // The call that opened the breaker may not have noted it yet (a refusal can run between its
        // recording and its noteState, e.g. from a listener of the transition): note it here, so the
        // retry-after counts from this opening, not from an earlier one.
        noteState();
        CircuitOpen open = refusal();
        if (!listeners.isEmpty()) {
          listeners.publish(new PolicyEvent.CallRejected(config.name(), open));
        }
        return Gate.instead(ActionEffect.fromOutcome(Outcome.faulted(Fault.Rejected.by(open))));
      }
      noteState(); // an OPEN breaker half-opens inside tryAcquirePermission
      return clock.nanoTime();
    }

    @Override
    public void exit(Object token, Outcome<?, ?> outcome) {
      record(outcome, (Long) token);
    }
  }

  /** The default failure classification: domain failures, panics and timeouts. */
  static boolean defaultFailure(Outcome<?, ?> outcome) {
    return outcome instanceof Outcome.Failure<?, ?>
        || outcome instanceof Outcome.Faulted<?, ?>(Fault.Panic p)
        || outcome instanceof Outcome.Faulted<?, ?>(Fault.TimedOut t);
  }

  /** The default ignore classification: cancellations and other policies' rejections. */
  static boolean defaultIgnore(Outcome<?, ?> outcome) {
    return outcome instanceof Outcome.Faulted<?, ?>(Fault.Cancelled c)
        || outcome instanceof Outcome.Faulted<?, ?>(Fault.Rejected r);
  }

  /** A shared, stackless marker for Resilience4j's {@code onError}. */
  private static final class OutcomeFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OutcomeFailed() {
      super("the guarded effect's outcome counted as a failure", null, false, false);
    }
  }

  /**
   * Builds a {@link CircuitBreaker}; validates every value in {@link #build()}. Not thread-safe.
   */
  public static final class Builder {
    private final String name;
    private SlidingWindow slidingWindow = SlidingWindow.COUNT_BASED;
    private int windowSize = 100;
    private int minimumCalls = 100;
    private double failureRateThreshold = 50;
    private double slowCallRateThreshold = 100;
    private Duration slowCallDuration = Duration.ofSeconds(60);
    private Duration waitInOpenState = Duration.ofSeconds(60);
    private int halfOpenPermits = 10;
    private Predicate<? super Outcome<?, ?>> recordAsFailure = CircuitBreaker::defaultFailure;
    private Predicate<? super Outcome<?, ?>> ignore = CircuitBreaker::defaultIgnore;
    private Clock clock;
    private SharedPolicyState shared;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Shares the breaker's state with the other processes using {@code state} (a cluster): when a
     * breaker of this name opens in one process it opens in all; when its half-open calls close it
     * in one, it closes in all; forcing it open, disabling or resetting it acts on all. Each
     * process keeps its own window of calls.
     *
     * @param state where the state is shared
     * @return this builder
     */
    public Builder sharedState(SharedPolicyState state) {
      this.shared = Objects.requireNonNull(state, "sharedState");
      return this;
    }

    /**
     * Sets a count-based window of the last {@code size} calls.
     *
     * @param size calls in the window, at least 1
     * @return this builder
     */
    public Builder countWindow(int size) {
      this.slidingWindow = SlidingWindow.COUNT_BASED;
      this.windowSize = size;
      return this;
    }

    /**
     * Sets a time-based window of the calls of the last {@code seconds} seconds.
     *
     * @param seconds seconds in the window, at least 1
     * @return this builder
     */
    public Builder timeWindow(int seconds) {
      this.slidingWindow = SlidingWindow.TIME_BASED;
      this.windowSize = seconds;
      return this;
    }

    /**
     * Sets how many calls the window needs before the rates are computed.
     *
     * @param calls at least 1
     * @return this builder
     */
    public Builder minimumCalls(int calls) {
      this.minimumCalls = calls;
      return this;
    }

    /**
     * Sets the failure percentage at or above which the breaker opens.
     *
     * @param percent in (0, 100]
     * @return this builder
     */
    public Builder failureRateThreshold(double percent) {
      this.failureRateThreshold = percent;
      return this;
    }

    /**
     * Sets the slow-call percentage at or above which the breaker opens, and what is slow.
     *
     * @param percent in (0, 100]
     * @param slowerThan a call lasting at least this long is slow; positive
     * @return this builder
     */
    public Builder slowCallRateThreshold(double percent, Duration slowerThan) {
      this.slowCallRateThreshold = percent;
      this.slowCallDuration = slowerThan;
      return this;
    }

    /**
     * Sets how long the breaker stays open before letting trial calls through.
     *
     * @param wait at least 1 ms, at most {@code Long.MAX_VALUE} nanoseconds
     * @return this builder
     */
    public Builder waitInOpenState(Duration wait) {
      this.waitInOpenState = wait;
      return this;
    }

    /**
     * Sets how many trial calls run in the half-open state.
     *
     * @param permits at least 1
     * @return this builder
     */
    public Builder halfOpenPermits(int permits) {
      this.halfOpenPermits = permits;
      return this;
    }

    /**
     * Sets which outcomes count as failures (the rest of the recorded ones count as successes).
     *
     * @param predicate accepts the failed outcomes
     * @return this builder
     */
    public Builder recordAsFailure(Predicate<? super Outcome<?, ?>> predicate) {
      this.recordAsFailure = predicate;
      return this;
    }

    /**
     * Sets which outcomes are not recorded at all (their permit is released); by default
     * cancellations and other policies' rejections. Checked before {@link #recordAsFailure}.
     *
     * @param predicate accepts the ignored outcomes
     * @return this builder
     */
    public Builder ignore(Predicate<? super Outcome<?, ?>> predicate) {
      this.ignore = predicate;
      return this;
    }

    /**
     * Sets a fixed clock the breaker measures calls and its open state on. By default the {@linkplain ActionEffect#clock() clock of the runtime} that runs the guarded
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
     * Builds the breaker.
     *
     * @return a new breaker, closed
     * @throws IllegalArgumentException naming the field if a value is out of range
     * @throws NullPointerException naming the field if a value is null
     */
    public CircuitBreaker build() {
      Checks.name(name);
      Checks.atLeast("windowSize", windowSize, 1);
      Checks.atLeast("minimumCalls", minimumCalls, 1);
      Checks.inRange("failureRateThreshold", failureRateThreshold, 0, 100);
      Checks.inRange("slowCallRateThreshold", slowCallRateThreshold, 0, 100);
      Checks.measurable("slowCallDuration", slowCallDuration);
      // Resilience4j's engine keeps the open state in whole milliseconds and refuses less.
      Checks.atLeast("waitInOpenState", waitInOpenState, Duration.ofMillis(1));
      Checks.atMost("waitInOpenState", waitInOpenState, Checks.LONGEST);
      Checks.atLeast("halfOpenPermits", halfOpenPermits, 1);
      Objects.requireNonNull(recordAsFailure, "recordAsFailure");
      Objects.requireNonNull(ignore, "ignore");
      return new CircuitBreaker(this);
    }
  }
}
