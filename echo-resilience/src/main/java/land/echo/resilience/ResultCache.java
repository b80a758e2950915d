package land.echo.resilience;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.AsyncCancelMode;
import land.echo.EffectHandle;
import land.echo.Outcome;
import land.echo.Policy;
import land.echo.Priority;
import land.echo.resilience.internal.Checks;
import land.echo.time.Clock;

/**
 * A cache of the outcomes of idempotent effects, on Caffeine, keyed by the effect's {@link
 * ActionEffect#name()} and an argument key: {@code effect.via(cache.keyed(userId))}. Entries expire
 * {@code ttl} after they are written; at most {@code maximumSize} are kept.
 *
 * <p><b>Single flight.</b> Concurrent calls with the same key share one execution: the first
 * submits the effect to the {@link ApplicationRuntime} the cache was built with (at the caller's
 * priority) and every caller waits for that one outcome. A waiter that is cancelled (its own
 * timeout, a lost race) stops waiting but does not cancel the shared execution while other
 * waiters remain ({@link AsyncCancelMode#LEAVE_RUNNING}); when the last waiter leaves, the execution
 * is cancelled and forgotten.
 *
 * <p>Only successes are cached by default; with {@link Builder#cacheFailures} domain failures are
 * cached too. Faults (timeouts, panics, cancellations, rejections) are never cached.
 *
 * <p>Expiry is read on the injected {@link Clock} (Caffeine's {@code Ticker}), so it is virtual in
 * tests. Thread-safe.
 */
public final class ResultCache {

  /**
   * The immutable configuration of a result cache.
   *
   * @param name the cache's name
   * @param ttl how long an entry lives after it is written
   * @param maximumSize the most entries kept
   * @param cacheFailures whether domain failures are cached too
   */
  public record Config(String name, Duration ttl, long maximumSize, boolean cacheFailures) {}

  /**
   * A cheap snapshot of a cache, for meters and dashboards.
   *
   * @param size entries, including executions in flight
   * @param hits calls answered from the cache or by joining an execution in flight
   * @param misses calls that started an execution
   * @param evictions entries evicted by size or expiry
   */
  public record Snapshot(long size, long hits, long misses, long evictions) {}

  /** A cache key: the effect's name and the caller's argument key. */
  private record Key(String effectName, Object argument) {}

  private final Config config;
  private final ApplicationRuntime runtime;
  private final AsyncCache<Key, Outcome<?, ?>> cache;

  private ResultCache(Builder b) {
    this.config = new Config(b.name, b.ttl, b.maximumSize, b.cacheFailures);
    this.runtime = b.runtime;
    Clock clock = b.clock;
    this.cache = Caffeine.newBuilder()
        .maximumSize(b.maximumSize)
        .expireAfterWrite(b.ttl)
        .ticker(clock::nanoTime)
        // Maintenance on the calling thread: nothing to schedule, deterministic on virtual time.
        .executor(Runnable::run)
        .recordStats()
        .buildAsync();
  }

  /**
   * Returns a builder for a cache named {@code name} whose shared executions run on {@code
   * runtime}: a TTL of 1 minute, 10,000 entries, successes only.
   *
   * @param name the cache's name
   * @param runtime runs the shared executions
   * @return a new builder
   */
  public static Builder builder(String name, ApplicationRuntime runtime) {
    return new Builder(name, runtime);
  }

  /**
   * Returns the policy that caches effects under their name and {@code argumentKey}.
   *
   * @param <E> the guarded effects' domain error type
   * @param argumentKey what distinguishes calls of one effect name (e.g. the argument); needs
   *     {@code equals} and {@code hashCode}
   * @return a policy caching under that key
   * @throws NullPointerException if {@code argumentKey} is null
   */
  public <E> Policy<E> keyed(Object argumentKey) {
    Objects.requireNonNull(argumentKey, "argumentKey");
    return new Policy<>() {
      @Override
      public <T> ActionEffect<E, T> apply(ActionEffect<E, T> effect) {
        return cached(effect, new Key(effect.name(), argumentKey));
      }
    };
  }

  /**
   * Returns this cache's configuration.
   *
   * @return the configuration
   */
  public Config config() {
    return config;
  }

  /**
   * Returns a snapshot of the cache's size and statistics.
   *
   * @return the snapshot
   */
  public Snapshot snapshot() {
    CacheStats stats = cache.synchronous().stats();
    return new Snapshot(cache.synchronous().estimatedSize(), stats.hitCount(), stats.missCount(), stats.evictionCount());
  }

  /** Removes every entry (executions in flight keep running for their waiters). */
  public void invalidateAll() {
    cache.synchronous().invalidateAll();
  }

  /** Returns how many callers wait for the in-flight execution of one effect and key, 0 if none (for tests). */
  int waiting(String effectName, Object argumentKey) {
    CompletableFuture<Outcome<?, ?>> entry = cache.asMap().get(new Key(effectName, argumentKey));
    return entry instanceof Load load ? Math.max(0, load.waiters.get()) : 0;
  }

  @Override
  public String toString() {
    return "ResultCache[" + config.name() + ", " + snapshot() + "]";
  }

  /**
   * A shared execution: its outcome (the future Caffeine holds), and the callers waiting for it.
   * Callers wait for {@link #settled}, completed after this future: Caffeine stamps an entry's
   * write time when its future completes, so a caller resumes only once the TTL counts (on virtual
   * time, a caller that moved the clock on right after its call could otherwise move the stamp).
   */
  private static final class Load extends CompletableFuture<Outcome<?, ?>> {
    /** Callers waiting; -1 once the last one left an unfinished execution, which is then cancelled. */
    final AtomicInteger waiters = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicBoolean wired = new java.util.concurrent.atomic.AtomicBoolean();
    final CompletableFuture<Outcome<?, ?>> settled = new CompletableFuture<>();
    volatile EffectHandle<?, ?> handle;

    /** Counts a caller in, unless every caller already left and the execution is being cancelled. */
    boolean tryJoin() {
      for (int n = waiters.get(); n >= 0; n = waiters.get()) {
        if (waiters.compareAndSet(n, n + 1)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Test hook (package-private, null in production): runs after a caller found an execution and before it counts itself in. */
  static volatile Runnable beforeJoin;

  private <E, T> ActionEffect<E, T> cached(ActionEffect<E, T> effect, Key key) {
    return ActionEffect.<E>priority().flatMap(priority -> ActionEffect.suspend(() -> {
      Load[] joined = new Load[1];
      // The caller counts itself in as it finds the execution, inside the onExit below: from then
      // on it leaves exactly once, however it ends, and no other caller's leaving can cancel the
      // execution under it.
      ActionEffect<E, Outcome<?, ?>> wait = ActionEffect.suspend(() -> {
        Load load = join(effect, key, priority);
        joined[0] = load;
        return ActionEffect.async(token -> load.settled, AsyncCancelMode.LEAVE_RUNNING);
      });
      return wait
          .onExit(outcome -> {
            if (joined[0] != null) {
              leave(joined[0], key);
            }
          })
          .flatMap(outcome -> {
            @SuppressWarnings("unchecked")
            Outcome<E, T> typed = (Outcome<E, T>) outcome;
            return ActionEffect.fromOutcome(typed);
          });
    }));
  }

  /**
   * Finds the execution of {@code key}, starting one if there is none, and counts the caller in. An
   * execution every caller has left is being cancelled: it is dropped and the search starts over.
   */
  private Load join(ActionEffect<?, ?> effect, Key key, Priority priority) {
    while (true) {
      Load load = (Load) cache.get(key, (k, executor) -> start(effect, priority));
      if (load.wired.compareAndSet(false, true)) {
        // Outside Caffeine's compute: the execution may already be over, and its completion
        // removes a failure from the cache, which must not happen inside the compute of the key.
        wire(load, key);
      }
      Runnable hook = beforeJoin;
      if (hook != null) {
        hook.run();
      }
      if (load.tryJoin()) {
        return load;
      }
      cache.asMap().remove(key, load);
    }
  }

  /** Submits the shared execution; called inside Caffeine's compute, so it only starts it. */
  private Load start(ActionEffect<?, ?> effect, Priority priority) {
    Load load = new Load();
    load.handle = runtime.submit(effect, priority);
    return load;
  }

  /** Completes {@code load} with the execution's outcome, dropping it from the cache unless kept. */
  private void wire(Load load, Key key) {
    load.handle.outcome().whenComplete((outcome, error) -> {
      Outcome<?, ?> result = outcome != null ? outcome : Outcome.faulted(new land.echo.Fault.Panic(error));
      boolean keep = result.isSuccess() || (config.cacheFailures() && result instanceof Outcome.Failure<?, ?>);
      if (!keep) {
        cache.asMap().remove(key, load);
      }
      load.complete(result); // runs Caffeine's completion handler, which stamps the entry
      load.settled.complete(result);
    });
  }

  private void leave(Load load, Key key) {
    // The last caller to leave an unfinished execution closes it (no caller can join it any more)
    // and cancels it: nobody wants it now.
    if (load.waiters.decrementAndGet() == 0 && !load.isDone() && load.waiters.compareAndSet(0, -1)) {
      cache.asMap().remove(key, load);
      EffectHandle<?, ?> handle = load.handle;
      if (handle != null) {
        handle.cancel("every caller of the cached execution gave up");
      }
    }
  }

  /** Builds a {@link ResultCache}; validates every value in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final ApplicationRuntime runtime;
    private Duration ttl = Duration.ofMinutes(1);
    private long maximumSize = 10_000;
    private boolean cacheFailures;
    private Clock clock;

    private Builder(String name, ApplicationRuntime runtime) {
      this.name = name;
      this.runtime = runtime;
    }

    /**
     * Sets how long an entry lives after it is written.
     *
     * @param ttl positive
     * @return this builder
     */
    public Builder ttl(Duration ttl) {
      this.ttl = ttl;
      return this;
    }

    /**
     * Sets the most entries kept.
     *
     * @param maximumSize at least 1
     * @return this builder
     */
    public Builder maximumSize(long maximumSize) {
      this.maximumSize = maximumSize;
      return this;
    }

    /**
     * Sets whether domain failures are cached too (faults never are).
     *
     * @param cacheFailures true to cache failures
     * @return this builder
     */
    public Builder cacheFailures(boolean cacheFailures) {
      this.cacheFailures = cacheFailures;
      return this;
    }

    /**
     * Sets the clock entries expire on; by default the runtime's.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the cache.
     *
     * @return a new, empty cache
     * @throws IllegalArgumentException naming the field if a value is out of range
     * @throws NullPointerException naming the field if a value is null
     */
    public ResultCache build() {
      Checks.name(name);
      Objects.requireNonNull(runtime, "runtime");
      Checks.positive("ttl", ttl);
      if (maximumSize < 1) {
        throw new IllegalArgumentException("maximumSize must be at least 1, was " + maximumSize);
      }
      if (clock == null) {
        clock = runtime.clock();
      }
      return new ResultCache(this);
    }
  }
}
