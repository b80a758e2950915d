package land.echo.scheduler;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The immutable configuration of an {@link EchoScheduler}: worker count, blocking limit, fairness
 * interval, named queues, thread names and the handler for tasks that throw.
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

  private static final Logger LOG = LoggerFactory.getLogger(EchoScheduler.class);

  private static final BiConsumer<Runnable, Throwable> LOG_AT_ERROR =
      (task, failure) -> LOG.error("Echo task {} threw; its worker continues", task, failure);

  private final int workers;
  private final int blockingLimit;
  private final int starvationInterval;
  private final Map<String, Integer> namedQueues;
  private final String threadNamePrefix;
  private final BiConsumer<Runnable, Throwable> uncaughtTaskHandler;

  private SchedulerConfig(Builder b) {
    this.workers = b.workers;
    this.blockingLimit = b.blockingLimit;
    this.starvationInterval = b.starvationInterval;
    this.namedQueues = Collections.unmodifiableMap(new LinkedHashMap<>(b.namedQueues));
    this.threadNamePrefix = b.threadNamePrefix;
    this.uncaughtTaskHandler = b.uncaughtTaskHandler;
  }

  /** Returns the default configuration: {@link #defaultWorkers()} workers, no limits. */
  public static SchedulerConfig defaults() {
    return builder().build();
  }

  /** Returns a builder initialised with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the default worker count: the number of available processors, at least 2. */
  public static int defaultWorkers() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  /** Returns the number of worker threads (at least 1). */
  public int workers() {
    return workers;
  }

  /** Returns the maximum number of blocking tasks running at once; 0 means unlimited. */
  public int blockingLimit() {
    return blockingLimit;
  }

  /** Returns K: every K-th pick of a worker prefers lower-priority work (at least 1). */
  public int starvationInterval() {
    return starvationInterval;
  }

  /** Returns the named queues and their concurrency limits, in declaration order (unmodifiable). */
  public Map<String, Integer> namedQueues() {
    return namedQueues;
  }

  /** Returns the prefix of worker thread names. */
  public String threadNamePrefix() {
    return threadNamePrefix;
  }

  /** Returns the handler told about tasks that throw; by default it logs at error through SLF4J. */
  public BiConsumer<Runnable, Throwable> uncaughtTaskHandler() {
    return uncaughtTaskHandler;
  }

  @Override
  public String toString() {
    return "SchedulerConfig[workers=" + workers + ", blockingLimit=" + blockingLimit
        + ", starvationInterval=" + starvationInterval + ", namedQueues=" + namedQueues
        + ", threadNamePrefix=" + threadNamePrefix + "]";
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
    private BiConsumer<Runnable, Throwable> uncaughtTaskHandler = LOG_AT_ERROR;

    private Builder() {}

    /**
     * Sets the number of worker threads.
     *
     * @throws IllegalArgumentException if {@code workers} is zero or negative
     */
    public Builder workers(int workers) {
      this.workers = checkWorkers(workers);
      return this;
    }

    /**
     * Sets the maximum number of blocking tasks running at once; 0 (the default) means unlimited.
     *
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
     * @throws IllegalArgumentException if {@code k} is less than 1
     */
    public Builder starvationInterval(int k) {
      this.starvationInterval = checkStarvationInterval(k);
      return this;
    }

    /**
     * Declares a named queue that runs at most {@code limit} of its tasks at once.
     *
     * @throws IllegalArgumentException if the name is blank or already declared, or the limit {@code < 1}
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
     * Sets the handler told about a task that throws; it runs on the worker, which continues
     * afterwards. A handler that throws is logged and ignored.
     */
    public Builder uncaughtTaskHandler(BiConsumer<Runnable, Throwable> handler) {
      this.uncaughtTaskHandler = Objects.requireNonNull(handler, "uncaughtTaskHandler");
      return this;
    }

    /**
     * Returns the configuration.
     *
     * @throws IllegalArgumentException if a setting is out of range
     */
    public SchedulerConfig build() {
      checkWorkers(workers);
      checkBlockingLimit(blockingLimit);
      checkStarvationInterval(starvationInterval);
      return new SchedulerConfig(this);
    }

    private static int checkWorkers(int workers) {
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be >= 1, was " + workers);
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
