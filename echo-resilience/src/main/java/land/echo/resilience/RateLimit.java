package land.echo.resilience;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucket;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import land.echo.ActionEffect;
import land.echo.AsyncCancelMode;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.Policy;
import land.echo.Priority;
import land.echo.resilience.internal.Checks;
import land.echo.resilience.internal.Listeners;
import land.echo.resilience.internal.PolicyTime;
import land.echo.resilience.internal.PriorityWaiters;
import land.echo.spi.Gate;
import land.echo.time.Clock;
import land.echo.time.Timer;

/**
 * A rate limit on effects: a Bucket4j token bucket (greedy or interval refill) that every guarded
 * call takes one token from before it runs. Applied with {@code effect.via(limit.policy())}.
 *
 * <p>When the bucket is empty the call either fails at once ({@link OnLimit#FAIL}: {@code
 * Faulted(Rejected)} carrying a {@link RateLimited} with the retry-after Bucket4j computes) or waits
 * ({@link OnLimit#WAIT}). Waiting is priority-aware and cancellable: waiters queue by priority
 * ({@code HIGH} first, FIFO within a priority), each new token goes to the most urgent waiter, a
 * cancelled waiter leaves the queue at once and occupies no thread meanwhile. A waiter whose
 * expected wait exceeds {@link Builder#maxWait} is refused at once instead.
 *
 * <h2>Implementation notes</h2>
 *
 * A caller that finds nobody waiting takes a token straight from the bucket (Bucket4j's lock-free
 * {@code tryConsume}). Otherwise it joins {@link PriorityWaiters} under {@link #lock}, and {@link
 * #pump()} hands tokens to the head of the queue while the bucket has them; when it runs dry the
 * pump arms one timer for the moment Bucket4j says the next token arrives. The timer's action only
 * re-runs the pump (short, as the timer requires); a granted waiter resumes on the scheduler. A
 * token granted to a waiter that was cancelled at the same moment is given back.
 *
 * <p>Thread-safe.
 */
public final class RateLimit {

  /** What a call does when the bucket is empty. */
  public enum OnLimit {
    /** Wait, cancellably and by priority, for a token. */
    WAIT,
    /** Fail at once with {@link RateLimited}. */
    FAIL
  }

  /** How the bucket refills. */
  public enum Refill {
    /** Tokens trickle in as soon as possible (Bucket4j's {@code refillGreedy}). */
    GREEDY,
    /** All of a period's tokens arrive at once at its end ({@code refillIntervally}). */
    INTERVAL
  }

  /**
   * The immutable configuration of a rate limit.
   *
   * @param name the limit's name
   * @param capacity the bucket's size (the largest burst)
   * @param refillTokens tokens added per {@code refillPeriod}
   * @param refillPeriod the refill period
   * @param refill greedy or interval refill
   * @param onLimit wait or fail when the bucket is empty
   * @param maxWait the longest expected wait a waiting call accepts, or null for no bound
   */
  public record Config(
      String name, long capacity, long refillTokens, Duration refillPeriod, Refill refill, OnLimit onLimit,
      Duration maxWait) {}

  /**
   * A cheap snapshot of a rate limit, for meters and dashboards.
   *
   * @param availableTokens tokens in the bucket now
   * @param waiting calls waiting for a token
   * @param rejected calls refused since creation
   * @param waited calls that waited and then got a token, since creation
   */
  public record Snapshot(long availableTokens, int waiting, long rejected, long waited) {}

  private final Config config;
  private final PolicyTime clock;
  /** A local bucket, or the shared one of {@link Builder#sharedState}. */
  private final Bucket bucket;
  private final Listeners listeners = new Listeners();
  private final Policy<Object> policy = new Guard();
  private final Object lock = new Object();
  /** Guarded by {@link #lock}. */
  private final PriorityWaiters waiters = new PriorityWaiters();
  /** Guarded by {@link #lock}: a wake-up is armed on the timer. */
  private boolean wakeArmed;
  /** The number of waiters, readable without the lock for the fast path. */
  private volatile int waiting;
  private final LongAdder rejected = new LongAdder();
  private final LongAdder waited = new LongAdder();
  /**
   * For tests only, null otherwise: runs after a waiter is given a token and before it is told, so
   * that a test can cancel the waiting call at that very moment.
   */
  volatile Consumer<PriorityWaiters.Waiter> beforeTelling;

  private RateLimit(Builder b) {
    this.config = new Config(b.name, b.capacity, b.refillTokens, b.refillPeriod, b.refill, b.onLimit, b.maxWait);
    this.clock = new PolicyTime(b.clock, b.timer);
    Bandwidth bandwidth = b.refill == Refill.GREEDY
        ? Bandwidth.builder().capacity(b.capacity).refillGreedy(b.refillTokens, b.refillPeriod).build()
        : Bandwidth.builder().capacity(b.capacity).refillIntervally(b.refillTokens, b.refillPeriod).build();
    this.bucket = b.shared != null
        ? b.shared.bucket(b.name, BucketConfiguration.builder().addLimit(bandwidth).build())
        : localBucket(bandwidth);
  }

  private LocalBucket localBucket(Bandwidth bandwidth) {
    // SYNCHRONIZED instead of Bucket4j's default LOCK_FREE: the lock-free bucket copies its state
    // for every consumption (64 bytes per call); the synchronized one updates it in place, and on
    // this project's 2-CPU machine it was also faster, alone (56-65 against 63-81 ns per
    // tryConsume) and with two threads contending (77-94 against 108-150 ns).
    return Bucket.builder()
        .withSynchronizationStrategy(SynchronizationStrategy.SYNCHRONIZED)
        .addLimit(bandwidth)
        .withCustomTimePrecision(new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return clock.nanoTime(); // the policy's time, which follows the runtime's clock
          }

          @Override
          public boolean isWallClockBased() {
            return false;
          }
        })
        .build();
  }

  /**
   * Returns a limit of {@code permits} calls per {@code period}, greedy refill, waiting when empty.
   *
   * @param name the limit's name
   * @param permits calls per period (also the burst capacity)
   * @param period the period
   * @return a new rate limit on the system clock and timer
   * @throws IllegalArgumentException naming the field if a value is out of range
   */
  public static RateLimit of(String name, long permits, Duration period) {
    return builder(name).capacity(permits).refillGreedy(permits, period).build();
  }

  /**
   * Returns a builder for a limit named {@code name}; capacity and refill must be set.
   *
   * @param name the limit's name
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Returns the policy that guards effects with this limit; the same instance on every call.
   *
   * @param <E> the guarded effects' domain error type
   * @return this limit as a policy
   */
  @SuppressWarnings("unchecked")
  public <E> Policy<E> policy() {
    return (Policy<E>) (Policy<?>) policy;
  }

  /**
   * Returns this limit's configuration.
   *
   * @return the configuration
   */
  public Config config() {
    return config;
  }

  /**
   * Returns a snapshot of the bucket and its waiters.
   *
   * @return the snapshot
   */
  public Snapshot snapshot() {
    return new Snapshot(bucket.getAvailableTokens(), waiting, rejected.sum(), waited.sum());
  }

  /**
   * Registers {@code listener} for this limit's events ({@link PolicyEvent.CallRejected}, {@link
   * PolicyEvent.PermitWaited}); it runs on the thread of the call concerned, never on the timer,
   * and must be short. A listener that throws is logged and ignored.
   *
   * @param listener receives the events
   * @return the registration; closing it removes the listener
   */
  public Subscription onEvent(Consumer<? super PolicyEvent> listener) {
    return listeners.add(listener);
  }

  @Override
  public String toString() {
    return "RateLimit[" + config.name() + ", " + snapshot() + "]";
  }

  private <E, T> ActionEffect<E, T> reject(long nanosToWait) {
    rejected.increment();
    RateLimited limited = new RateLimited(config.name(), Duration.ofNanos(nanosToWait));
    if (!listeners.isEmpty()) {
      listeners.publish(new PolicyEvent.CallRejected(config.name(), limited));
    }
    return ActionEffect.fromOutcome(Outcome.faulted(Fault.Rejected.by(limited)));
  }

  /** Queues a waiter at {@code priority}, or returns null when its expected wait is too long. */
  private PriorityWaiters.Waiter enqueue(Priority priority) {
    PriorityWaiters.Waiter w;
    synchronized (lock) {
      Duration maxWait = config.maxWait();
      boolean accepted = maxWait == null
          || bucket.estimateAbilityToConsume(waiters.size() + 1L).getNanosToWaitForRefill() <= maxWait.toNanos();
      w = accepted ? waiters.add(priority, clock.nanoTime()) : null;
      waiting = waiters.size();
    }
    if (w == null) {
      return null; // its expected wait (for itself and every call queued ahead) is too long
    }
    w.whenComplete((ok, error) -> {
      if (error != null) {
        // Cancelled: leave the queue now rather than when the pump reaches it.
        synchronized (lock) {
          waiters.remove(w);
          waiting = waiters.size();
        }
      }
    });
    pump();
    return w;
  }

  /** Hands tokens to the most urgent waiters while the bucket has them; arms a wake-up if not. */
  private void pump() {
    while (true) {
      List<PriorityWaiters.Waiter> granted = null;
      synchronized (lock) {
        PriorityWaiters.Waiter head;
        while ((head = waiters.peek()) != null) {
          if (!bucket.tryConsume(1)) {
            if (!wakeArmed) {
              long nanos = bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
              wakeArmed = true;
              clock.timer().schedule(Duration.ofNanos(Math.max(1, nanos)), this::wake);
            }
            break;
          }
          waiters.poll();
          if (granted == null) {
            granted = new ArrayList<>(2);
          }
          granted.add(head);
        }
        waiting = waiters.size();
      }
      if (granted == null) {
        return;
      }
      boolean refunded = false;
      for (PriorityWaiters.Waiter w : granted) {
        Consumer<PriorityWaiters.Waiter> hook = beforeTelling;
        if (hook != null) {
          hook.accept(w);
        }
        if (!w.complete(null)) {
          bucket.addTokens(1); // it gave up at the same moment; the token goes to the next one
          refunded = true;
        }
      }
      if (!refunded) {
        return;
      }
    }
  }

  private void wake() {
    synchronized (lock) {
      wakeArmed = false;
    }
    pump();
  }

  /** The policy: take a token, wait for one by priority, or refuse. */
  private final class Guard implements Policy<Object> {
    @Override
    public <T> ActionEffect<Object, T> apply(ActionEffect<Object, T> effect) {
      return Objects.requireNonNull(effect, "effect").gatedBy(new TokenGate<>(effect));
    }
  }

  /**
   * The gate of one guarded effect: a token at hand lets the run start ({@link Gate#PASS}: nothing
   * to give back); otherwise the run waits for one, or is refused, in the effect {@link
   * Gate#instead} runs.
   */
  private final class TokenGate<T> implements Gate {
    private final ActionEffect<Object, T> effect;

    TokenGate(ActionEffect<Object, T> effect) {
      this.effect = effect;
    }

    @Override
    public Object enter(Gate.Run run) {
      clock.followClock(run.clock());
      if (config.onLimit() == OnLimit.FAIL) {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? PASS : Gate.instead(reject(probe.getNanosToWaitForRefill()));
      }
      if (waiting == 0 && bucket.tryConsume(1)) {
        return PASS;
      }
      clock.followTimer(run.timer()); // waiting arms the timer that wakes waiters (slow path only)
      return Gate.instead(waitThenRun(run.priority()));
    }

    @Override
    public void exit(Object token, Outcome<?, ?> outcome) {
      // enter returns only PASS or instead(..), neither of which is exited: a call is a broken gate.
      throw new IllegalStateException("rate limit '" + config.name() + "': exit without a token");
    }

    /** The slow path: wait for a token at {@code priority} (cancellably), or be refused, then run. */
    private ActionEffect<Object, T> waitThenRun(Priority priority) {
      long start = clock.nanoTime(); // built per run, in enter: the wait starts now
      PriorityWaiters.Waiter[] holder = new PriorityWaiters.Waiter[1];
      return ActionEffect.<Object, Void>async(token -> {
        PriorityWaiters.Waiter w = enqueue(priority);
        if (w == null) {
          return CompletableFuture.completedFuture(null); // refused: handled below
        }
        holder[0] = w;
        return w;
      }, AsyncCancelMode.CANCEL_FUTURE).flatMap(ignored -> {
        if (holder[0] == null) {
          return reject(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill());
        }
        waited.increment();
        if (!listeners.isEmpty()) {
          listeners.publish(new PolicyEvent.PermitWaited(
              config.name(), priority, Duration.ofNanos(clock.nanoTime() - start)));
        }
        return effect;
      });
    }
  }

  /** Builds a {@link RateLimit}; validates every value in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private long capacity;
    private long refillTokens;
    private Duration refillPeriod;
    private Refill refill = Refill.GREEDY;
    private OnLimit onLimit = OnLimit.WAIT;
    private Duration maxWait;
    private Clock clock;
    private Timer timer;
    private SharedPolicyState shared;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets the bucket's capacity: the largest burst.
     *
     * @param tokens at least 1
     * @return this builder
     */
    public Builder capacity(long tokens) {
      this.capacity = tokens;
      return this;
    }

    /**
     * Refills {@code tokens} per {@code period}, greedily (a token as soon as its share of the
     * period has passed).
     *
     * @param tokens at least 1
     * @param period positive
     * @return this builder
     */
    public Builder refillGreedy(long tokens, Duration period) {
      this.refill = Refill.GREEDY;
      this.refillTokens = tokens;
      this.refillPeriod = period;
      return this;
    }

    /**
     * Refills {@code tokens} at the end of each {@code period}, all at once.
     *
     * @param tokens at least 1
     * @param period positive
     * @return this builder
     */
    public Builder refillIntervally(long tokens, Duration period) {
      this.refill = Refill.INTERVAL;
      this.refillTokens = tokens;
      this.refillPeriod = period;
      return this;
    }

    /**
     * Sets what a call does when the bucket is empty; {@link OnLimit#WAIT} by default.
     *
     * @param onLimit wait or fail
     * @return this builder
     */
    public Builder onLimit(OnLimit onLimit) {
      this.onLimit = onLimit;
      return this;
    }

    /**
     * Bounds a waiting call's expected wait: a call that would wait longer is refused at once.
     *
     * @param maxWait zero or positive
     * @return this builder
     */
    public Builder maxWait(Duration maxWait) {
      this.maxWait = maxWait;
      return this;
    }

    /**
     * Sets a fixed clock the bucket refills on. By default the {@linkplain ActionEffect#clock() clock of the runtime} that runs the guarded
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
     * Sets a fixed timer that wakes waiters when tokens arrive. By default the {@linkplain
     * ActionEffect#timer() timer of the runtime} whose effect last had to wait; set one only for a
     * limit that runtimes with different timers share.
     *
     * @param timer the timer
     * @return this builder
     */
    public Builder timer(Timer timer) {
      this.timer = Objects.requireNonNull(timer, "timer");
      return this;
    }

    /**
     * Takes tokens from a bucket shared with the other processes using {@code state} (a cluster),
     * created with this builder's limits by the first process that asks for it: every process
     * limited by a rate limit of this name takes from the one bucket. Its time is the wall clock of
     * the member holding it, not this builder's {@link #clock}; a call may wait for a network round
     * trip.
     *
     * @param state where the bucket is shared
     * @return this builder
     */
    public Builder sharedState(SharedPolicyState state) {
      this.shared = Objects.requireNonNull(state, "sharedState");
      return this;
    }

    /**
     * Builds the rate limit.
     *
     * @return a new rate limit with a full bucket
     * @throws IllegalArgumentException naming the field if a value is out of range
     * @throws NullPointerException naming the field if a value is null
     */
    public RateLimit build() {
      Checks.name(name);
      Checks.atLeast("capacity", capacity, 1L);
      Checks.atLeast("refillTokens", refillTokens, 1L);
      Checks.measurable("refillPeriod", refillPeriod);
      Objects.requireNonNull(onLimit, "onLimit");
      if (maxWait != null) {
        Checks.nonNegative("maxWait", maxWait);
      }
      return new RateLimit(this);
    }
  }
}
