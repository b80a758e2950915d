package land.echo.scheduler;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The immutable configuration of an {@link EchoScheduler}: worker count, blocking limit, fairness
 * interval, named queues, thread names, the handler for tasks that throw, and how long a thread
 * spins before it parks.
 *
 * <p>Instances are immutable and thread-safe. Build one with {@link #builder()}; the builder
 * rejects bad values with an {@link IllegalArgumentException} that names the setting.
 */
public final class SchedulerConfig {

  /**
   * The default fairness interval K: every K-th pick of a worker prefers lower-priority work.
   *
   * <p>61 is the interval Tokio uses to look at its global queue before the local one, and the
   * value the original Echo's TODO #6 proposed; it is prime, so it does not fall into step with
   * periodic workloads. With K = 61 a queued LOW task waits at most 2K = 122 picks of a worker
   * (see {@link EchoScheduler}).
   */
  public static final int DEFAULT_STARVATION_INTERVAL = 61;

  /** The default prefix of worker thread names; workers are named {@code echo-worker-0..n-1}. */
  public static final String DEFAULT_THREAD_NAME_PREFIX = "echo-worker-";

  /**
   * The most workers a scheduler may have: 65,534. {@code IdleWorkers} packs the counts of awake
   * and of searching workers into the two 16-bit halves of one atomic int, and requires the
   * worker count to stay below the 16-bit mask (65,535) so that no count carries into the other
   * half. The operating system's thread limit is usually lower and is not checked here.
   */
  public static final int MAX_WORKERS = IdleWorkers.MAX_WORKERS;

  /**
   * The default handler: the JDK's convention for a task that throws on a pool thread, i.e. the
   * calling thread's {@link Thread#getUncaughtExceptionHandler() uncaught exception handler}
   * (its own, else its thread group's, which defers to the default handler or prints the stack
   * trace), so a failure never vanishes even without an SLF4J provider. The thread survives.
   */
  private static final BiConsumer<Runnable, Throwable> TO_THREAD_HANDLER = (task, failure) -> {
    Thread thread = Thread.currentThread();
    thread.getUncaughtExceptionHandler().uncaughtException(thread, failure);
  };

  /**
   * The default of {@link Builder#spinBeforePark}: 50 microseconds on a machine with more than one
   * processor, else zero (spinning on the only processor delays the very thread it waits for).
   *
   * <p>Waking a parked thread costs 20 to 100 microseconds on a virtual machine whose processors
   * are idle (docs/scheduler.md, "Performance"), far longer than a short task runs. A wait of 50
   * microseconds covers a short effect's whole round trip, so {@code run} of such an effect
   * needs no wake-up at all, and costs an idle runtime at most 50 microseconds of processor time
   * per worker after each burst of work, none while nothing is submitted.
   */
  public static final Duration DEFAULT_SPIN_BEFORE_PARK =
      Runtime.getRuntime().availableProcessors() > 1 ? Duration.ofNanos(50_000) : Duration.ZERO;

  /** The longest {@link Builder#spinBeforePark} accepted: 10 milliseconds. */
  public static final Duration MAX_SPIN_BEFORE_PARK = Duration.ofMillis(10);

  private final int workers;
  private final int blockingLimit;
  private final int starvationInterval;
  private final Map<String, Integer> namedQueues;
  private final String threadNamePrefix;
  private final BiConsumer<Runnable, Throwable> uncaughtTaskHandler;
  private final Duration spinBeforePark;

  private SchedulerConfig(Builder b) {
    this.workers = b.workers;
    this.blockingLimit = b.blockingLimit;
    this.starvationInterval = b.starvationInterval;
    this.namedQueues = Collections.unmodifiableMap(new LinkedHashMap<>(b.namedQueues));
    this.threadNamePrefix = b.threadNamePrefix;
    this.uncaughtTaskHandler = b.uncaughtTaskHandler;
    this.spinBeforePark = b.spinBeforePark;
  }

  /**
   * Returns the default configuration: {@link #defaultWorkers()} workers, no limits.
   *
   * @return the default configuration
   */
  public static SchedulerConfig defaults() {
    return builder().build();
  }

  /**
   * Returns a builder initialised with the defaults.
   *
   * @return a new builder holding the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the default worker count: the number of available processors, at least 2.
   *
   * @return {@code max(2, availableProcessors())}
   */
  public static int defaultWorkers() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Returns the number of worker threads (at least 1).
   *
   * @return the worker count
   */
  public int workers() {
    return workers;
  }

  /**
   * Returns the maximum number of blocking tasks running at once; 0 means unlimited.
   *
   * @return the blocking limit, or 0 for none
   */
  public int blockingLimit() {
    return blockingLimit;
  }

  /**
   * Returns K: every K-th pick of a worker prefers lower-priority work (at least 1).
   *
   * @return the fairness interval K
   */
  public int starvationInterval() {
    return starvationInterval;
  }

  /**
   * Returns the named queues and their concurrency limits, in declaration order (unmodifiable).
   *
   * @return an unmodifiable map from queue name to concurrency limit
   */
  public Map<String, Integer> namedQueues() {
    return namedQueues;
  }

  /**
   * Returns the prefix of worker thread names.
   *
   * @return the prefix; worker {@code i} is named {@code prefix + i}
   */
  public String threadNamePrefix() {
    return threadNamePrefix;
  }

  /**
   * Returns the handler told about tasks that throw. By default it passes the failure to the
   * running thread's {@link Thread#getUncaughtExceptionHandler() uncaught exception handler},
   * as a thread pool of the JDK would, while the worker (or blocking thread) keeps running.
   *
   * @return the handler, given the task and what it threw
   */
  public BiConsumer<Runnable, Throwable> uncaughtTaskHandler() {
    return uncaughtTaskHandler;
  }

  /**
   * Returns how long a worker that ran out of work, or a thread blocked in {@code run}, spins
   * before it parks; see {@link Builder#spinBeforePark}.
   *
   * @return the spin before parking, zero if threads park at once
   */
  public Duration spinBeforePark() {
    return spinBeforePark;
  }

  @Override
  public String toString() {
    return "SchedulerConfig[workers=" + workers + ", blockingLimit=" + blockingLimit
        + ", starvationInterval=" + starvationInterval + ", namedQueues=" + namedQueues
        + ", threadNamePrefix=" + threadNamePrefix + ", spinBeforePark=" + spinBeforePark + "]";
  }

  /**
   * A mutable builder of {@link SchedulerConfig}; every setter rejects a bad value at once with an
   * {@link IllegalArgumentException} naming the setting, and {@link #build()} checks again.
   *
   * <p>Not thread-safe: confine a builder to one thread.
   */
  public static final class Builder {
    private int workers = defaultWorkers();
    private int blockingLimit = 0;
    private int starvationInterval = DEFAULT_STARVATION_INTERVAL;
    private final Map<String, Integer> namedQueues = new LinkedHashMap<>();
    private String threadNamePrefix = DEFAULT_THREAD_NAME_PREFIX;
    private BiConsumer<Runnable, Throwable> uncaughtTaskHandler = TO_THREAD_HANDLER;
    private Duration spinBeforePark = DEFAULT_SPIN_BEFORE_PARK;

    private Builder() {}

    /**
     * Sets the number of worker threads, from 1 to {@link #MAX_WORKERS}.
     *
     * @param workers the number of worker threads
     * @return this builder
     * @throws IllegalArgumentException if {@code workers} is outside that range
     */
    public Builder workers(int workers) {
      this.workers = checkWorkers(workers);
      return this;
    }

    /**
     * Sets the maximum number of blocking tasks running at once; 0 (the default) means unlimited.
     *
     * @param limit the maximum number of blocking tasks running at once, or 0 for no limit
     * @return this builder
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public Builder blockingLimit(int limit) {
      this.blockingLimit = checkBlockingLimit(limit);
      return this;
    }

    /**
     * Sets K, the fairness interval: every K-th pick of a worker prefers lower-priority work.
     * 1 turns every pick into a fairness pick; larger values make priority stricter.
     *
     * @param k the fairness interval
     * @return this builder
     * @throws IllegalArgumentException if {@code k} is less than 1
     */
    public Builder starvationInterval(int k) {
      this.starvationInterval = checkStarvationInterval(k);
      return this;
    }

    /**
     * Declares a named queue that runs at most {@code limit} of its tasks at once.
     *
     * @param name the queue's name
     * @param limit the most of its tasks the queue runs at once
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or already declared, or the limit is
     *     less than 1
     */
    public Builder namedQueue(String name, int limit) {
      Objects.requireNonNull(name, "named queue name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("named queue name must not be blank");
      }
      if (limit < 1) {
        throw new IllegalArgumentException(
            "named queue '" + name + "' limit must be >= 1, was " + limit);
      }
      if (namedQueues.containsKey(name)) {
        throw new IllegalArgumentException("named queue '" + name + "' is already declared");
      }
      namedQueues.put(name, limit);
      return this;
    }

    /**
     * Sets the prefix of worker thread names; worker {@code i} is named {@code prefix + i}.
     *
     * @param prefix the prefix of worker thread names
     * @return this builder
     * @throws IllegalArgumentException if the prefix is blank
     */
    public Builder threadNamePrefix(String prefix) {
      Objects.requireNonNull(prefix, "threadNamePrefix");
      if (prefix.isBlank()) {
        throw new IllegalArgumentException("threadNamePrefix must not be blank");
      }
      this.threadNamePrefix = prefix;
      return this;
    }

    /**
     * Sets the handler told about a task that throws; it runs on the worker (or blocking thread),
     * which continues afterwards. A handler that throws is logged and ignored. The default passes
     * the failure to the thread's uncaught exception handler.
     *
     * @param handler receives the task and what it threw
     * @return this builder
     */
    public Builder uncaughtTaskHandler(BiConsumer<Runnable, Throwable> handler) {
      this.uncaughtTaskHandler = Objects.requireNonNull(handler, "uncaughtTaskHandler");
      return this;
    }

    /**
     * Sets how long a thread spins before it parks, from zero (park at once) to {@link
     * #MAX_SPIN_BEFORE_PARK}; by default {@link #DEFAULT_SPIN_BEFORE_PARK}. Two threads spin:
     *
     * <ul>
     *   <li>a worker that ran out of work watches the queues of submissions from outside (and,
     *       now and then, its peers' queues) before it parks, so that a submission meanwhile finds
     *       it awake instead of paying for a wake-up. While it watches, it counts as searching, so
     *       submissions wake no other worker.
     *   <li>a platform thread blocked in {@code ApplicationRuntime.run} waits for the outcome
     *       spinning before it parks, so that the worker that completes a short effect needs not
     *       wake it; one such thread at a time, only while some worker is idle, and not for a
     *       while after a run of spins that ran out (see {@link EchoScheduler#spinWait}). Virtual
     *       threads park at once: spinning would hold their carrier.
     * </ul>
     *
     * <p>The price is processor time: at most this long per worker after each burst of work, and
     * per {@code run} of an effect that takes longer (fewer after a run of such misses); nothing
     * while no work is submitted. Set zero where processor time is scarcer than latency (a
     * battery-powered desktop, a container limited to a fraction of one processor).
     *
     * @param spin how long to spin before parking
     * @return this builder
     * @throws IllegalArgumentException if {@code spin} is negative or longer than {@link
     *     #MAX_SPIN_BEFORE_PARK}
     */
    public Builder spinBeforePark(Duration spin) {
      this.spinBeforePark = checkSpinBeforePark(spin);
      return this;
    }

    /**
     * Returns the configuration.
     *
     * @return a new configuration with this builder's settings
     * @throws IllegalArgumentException if a setting is out of range
     */
    public SchedulerConfig build() {
      checkWorkers(workers);
      checkBlockingLimit(blockingLimit);
      checkStarvationInterval(starvationInterval);
      checkSpinBeforePark(spinBeforePark);
      return new SchedulerConfig(this);
    }

    private static Duration checkSpinBeforePark(Duration spin) {
      Objects.requireNonNull(spin, "spinBeforePark");
      if (spin.isNegative() || spin.compareTo(MAX_SPIN_BEFORE_PARK) > 0) {
        throw new IllegalArgumentException(
            "spinBeforePark must be between 0 and " + MAX_SPIN_BEFORE_PARK + ", was " + spin);
      }
      return spin;
    }

    private static int checkWorkers(int workers) {
      if (workers < 1 || workers > MAX_WORKERS) {
        throw new IllegalArgumentException(
            "workers must be between 1 and " + MAX_WORKERS + " (MAX_WORKERS), was " + workers);
      }
      return workers;
    }

    private static int checkBlockingLimit(int limit) {
      if (limit < 0) {
        throw new IllegalArgumentException(
            "blockingLimit must be >= 0 (0 = unlimited), was " + limit);
      }
      return limit;
    }

    private static int checkStarvationInterval(int k) {
      if (k < 1) {
        throw new IllegalArgumentException("starvationInterval must be >= 1, was " + k);
      }
      return k;
    }
  }
}
