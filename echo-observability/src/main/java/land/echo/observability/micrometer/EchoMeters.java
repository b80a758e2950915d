package land.echo.observability.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.observability.NameTags;
import land.echo.scheduler.EchoScheduler;
import land.echo.spi.EffectInfo;
import land.echo.spi.OutcomeKind;
import land.echo.spi.RuntimeListener;
import land.echo.time.Clock;

/**
 * Micrometer meters for an Echo runtime: a {@link RuntimeListener} that records every root
 * effect, per effect name and priority, and gauges over an {@link EchoScheduler}'s statistics.
 * Thread-safe.
 *
 * <p>Meters (Micrometer's dot-separated names; the Prometheus registry renders {@code
 * echo.effect.duration} as {@code echo_effect_duration_seconds}):
 *
 * <ul>
 *   <li>{@value #EXECUTIONS} (counter; tags {@code name}, {@code priority}, {@code outcome}, one of
 *       {@link OutcomeKind}'s tags): completed root effects.
 *   <li>{@value #DURATION} (timer with percentiles; {@code name}, {@code priority}): submission to
 *       completion, what the caller waited.
 *   <li>{@value #QUEUED} (timer with percentiles; {@code name}, {@code priority}): submission to
 *       the first run of the effect's fiber.
 *   <li>{@value #SUCCESS_RATIO} (gauge; {@code name}, {@code priority}): successes divided by
 *       completions since the meters were built ({@code NaN} before the first).
 *   <li>{@value #IN_FLIGHT} (gauge; {@code name}, {@code priority}): submitted, not yet completed.
 *   <li>{@value #RETRIES} (counter; {@code name}, {@code priority}): failed attempts that were
 *       retried, anywhere in the effect's tree.
 *   <li>{@value #SCHEDULER_QUEUED} (gauge; {@code priority}), {@value #WORKERS_BUSY}, {@value
 *       #WORKERS_PARKED} (gauges), {@value #STEALS} and {@value #TASKS_COMPLETED} (function
 *       counters), when a scheduler is given.
 * </ul>
 *
 * <p>{@code name} is bounded by {@link NameTags} (by default the first 100 names keep their own
 * value, later ones are {@code other}, unnamed effects are {@code unnamed}); {@code priority} is
 * {@code high}, {@code normal} or {@code low}.
 *
 * {@snippet :
 * EchoScheduler scheduler = EchoScheduler.create();
 * EchoMeters meters = EchoMeters.builder(registry)
 *     .names(NameTags.declared(Set.of("checkout", "search"), 0))
 *     .scheduler(scheduler)
 *     .build();
 * ApplicationRuntime runtime =
 *     ApplicationRuntime.builder().scheduler(scheduler).listener(meters).build();
 * }
 *
 * <p>Cost: per root effect, three map look-ups (one per event), one clock read (the runtime takes
 * two more), one record per timer, a counter increment and two {@code LongAdder} updates (in
 * flight); no step events ({@link #observesSteps()}). The series of a name and priority are
 * registered the first time it is seen.
 */
public final class EchoMeters implements RuntimeListener, AutoCloseable {
  /** Completed root effects by outcome. */
  public static final String EXECUTIONS = "echo.effect.executions";
  /** Submission to completion. */
  public static final String DURATION = "echo.effect.duration";
  /** Submission to first run. */
  public static final String QUEUED = "echo.effect.queued";
  /** Successes over completions. */
  public static final String SUCCESS_RATIO = "echo.effect.success.ratio";
  /** Root effects submitted and not yet completed. */
  public static final String IN_FLIGHT = "echo.effect.in.flight";
  /** Failed attempts that were retried. */
  public static final String RETRIES = "echo.effect.retries";
  /** Scheduler tasks queued, per priority. */
  public static final String SCHEDULER_QUEUED = "echo.scheduler.queued";
  /** Scheduler workers running a task. */
  public static final String WORKERS_BUSY = "echo.scheduler.workers.busy";
  /** Scheduler workers parked. */
  public static final String WORKERS_PARKED = "echo.scheduler.workers.parked";
  /** Successful steals between workers. */
  public static final String STEALS = "echo.scheduler.steals";
  /** Scheduler tasks completed. */
  public static final String TASKS_COMPLETED = "echo.scheduler.tasks.completed";
  /** The prefix of every policy meter (see {@link PolicyMeters}). */
  public static final String POLICY_PREFIX = "echo.policy.";
  /** The tag that carries a policy's declared name (see {@link PolicyMeters}). */
  public static final String POLICY_TAG = "policy";

  private static final Priority[] PRIORITIES = Priority.values();
  private static final OutcomeKind[] KINDS = OutcomeKind.values();

  private final MeterRegistry registry;
  private final NameTags names;
  private final Clock clock;
  private final double[] percentiles;
  private final int bufferLength;
  private final ConcurrentHashMap<String, AtomicReferenceArray<Series>> series = new ConcurrentHashMap<>();
  /**
   * The same series by effect name, for the names that are their own tag value (declared or
   * admitted; bounded like the tags): one look-up per event instead of {@link NameTags#tag} and a
   * second map (ObservabilityOverheadBenchmark, JFR profile: {@code seriesOf} and the maps).
   */
  private final ConcurrentHashMap<String, AtomicReferenceArray<Series>> byOwnName = new ConcurrentHashMap<>();
  /** The scheduler's meters, removed again by {@link #close()}. */
  private final List<Meter> schedulerMeters = new ArrayList<>();

  private EchoMeters(Builder b) {
    this.registry = b.registry;
    this.names = b.names;
    this.clock = b.clock;
    this.percentiles = b.percentiles.clone();
    this.bufferLength = b.bufferLength;
    if (b.scheduler != null) {
      bindScheduler(b.scheduler);
    }
    for (PolicyMeters policy : b.policies) {
      policy.bindTo(registry, names);
    }
  }

  /**
   * Returns a builder of meters registered with {@code registry}.
   *
   * @param registry the registry to register the meters with
   * @return a new builder
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  /**
   * Returns the name tags that bound the {@code name} tag.
   *
   * @return the name tags
   */
  public NameTags names() {
    return names;
  }

  @Override
  public void submitted(EffectInfo effect) {
    seriesOf(effect).inFlight.increment();
  }

  @Override
  public void started(EffectInfo effect) {
    long submitted = effect.submittedNanos();
    long started = effect.startedNanos();
    if (submitted != -1 && started != -1) {
      seriesOf(effect).queued.record(Math.max(0, started - submitted), TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void retrying(EffectInfo effect, long stepId, int attempt, Outcome<?, ?> failed, java.time.Duration delay) {
    seriesOf(effect).retries.increment();
  }

  @Override
  public void completed(EffectInfo effect, Outcome<?, ?> outcome) {
    Series s = seriesOf(effect);
    s.inFlight.decrement();
    long submitted = effect.submittedNanos();
    if (submitted != -1) {
      s.duration.record(Math.max(0, clock.nanoTime() - submitted), TimeUnit.NANOSECONDS);
    }
    s.counter(OutcomeKind.of(outcome)).increment();
  }

  /**
   * Returns {@code false}: steps are traced, not metered (their names are not declared), so a
   * runtime whose only listener is this one keeps no step tree.
   *
   * @return {@code false}
   */
  @Override
  public boolean observesSteps() {
    return false;
  }

  private Series seriesOf(EffectInfo effect) {
    String name = effect.name();
    String tag = name; // what byOwnName holds
    AtomicReferenceArray<Series> slots = byOwnName.get(name);
    if (slots == null) {
      tag = names.tag(name);
      slots = series.computeIfAbsent(tag, t -> new AtomicReferenceArray<>(PRIORITIES.length));
      if (tag.equals(name)) {
        byOwnName.putIfAbsent(name, slots);
      }
    }
    int p = effect.priority().ordinal();
    Series s = slots.get(p);
    if (s == null) {
      Series created = new Series(tag, effect.priority()); // once per series
      s = slots.compareAndExchange(p, null, created);
      if (s == null) {
        s = created;
      }
    }
    return s;
  }

  private void bindScheduler(EchoScheduler scheduler) {
    for (Priority priority : PRIORITIES) {
      schedulerMeters.add(Gauge.builder(SCHEDULER_QUEUED, scheduler, s -> s.stats().queued(priority))
          .description("Scheduler tasks accepted but not started")
          .tag("priority", tagOf(priority))
          .register(registry));
    }
    schedulerMeters.add(Gauge.builder(WORKERS_BUSY, scheduler, s -> s.stats().running())
        .description("Scheduler workers running a task")
        .register(registry));
    schedulerMeters.add(Gauge.builder(WORKERS_PARKED, scheduler, s -> s.stats().parkedWorkers())
        .description("Scheduler workers parked (idle)")
        .register(registry));
    schedulerMeters.add(FunctionCounter.builder(STEALS, scheduler, s -> s.stats().steals())
        .description("Successful batch steals from a peer's queue")
        .register(registry));
    schedulerMeters.add(FunctionCounter.builder(TASKS_COMPLETED, scheduler, s -> s.stats().completed())
        .description("Scheduler worker tasks completed")
        .register(registry));
  }

  /**
   * Removes the scheduler's meters from the registry, so that a later {@code EchoMeters} can bind
   * another scheduler under the same names (Micrometer returns an existing meter for a name and
   * tags already registered). The per-effect meters stay: they are cumulative. Idempotent.
   */
  @Override
  public void close() {
    synchronized (schedulerMeters) {
      for (Meter meter : schedulerMeters) {
        registry.remove(meter);
      }
      schedulerMeters.clear();
    }
  }

  /**
   * Returns the tag value of {@code priority}: its name in lower case.
   *
   * @param priority a priority
   * @return {@code "high"}, {@code "normal"} or {@code "low"}
   */
  public static String tagOf(Priority priority) {
    return priority.name().toLowerCase(Locale.ROOT);
  }

  /** The meters of one name and priority. */
  private final class Series {
    final Tags tags;
    final Timer duration;
    final Timer queued;
    final Counter retries;
    /** A LongAdder, not an AtomicLong: the submitter adds and a worker subtracts, on different cores. */
    final LongAdder inFlight = new LongAdder();
    final AtomicReferenceArray<Counter> byOutcome = new AtomicReferenceArray<>(KINDS.length);

    Series(String name, Priority priority) {
      tags = Tags.of("name", name, "priority", tagOf(priority));
      duration = Timer.builder(DURATION)
          .description("Root effects from submission to completion")
          .tags(tags)
          .publishPercentiles(percentiles)
          .distributionStatisticBufferLength(bufferLength)
          .register(registry);
      queued = Timer.builder(QUEUED)
          .description("Root effects from submission to their first run")
          .tags(tags)
          .publishPercentiles(percentiles)
          .distributionStatisticBufferLength(bufferLength)
          .register(registry);
      retries = Counter.builder(RETRIES)
          .description("Failed attempts that were retried")
          .tags(tags)
          .register(registry);
      Gauge.builder(IN_FLIGHT, inFlight, LongAdder::sum)
          .description("Root effects submitted and not yet completed")
          .tags(tags)
          .strongReference(true)
          .register(registry);
      Gauge.builder(SUCCESS_RATIO, this, Series::successRatio)
          .description("Successes divided by completions")
          .tags(tags)
          .strongReference(true)
          .register(registry);
    }

    Counter counter(OutcomeKind kind) {
      Counter c = byOutcome.get(kind.ordinal());
      if (c == null) {
        c = Counter.builder(EXECUTIONS)
            .description("Completed root effects")
            .tags(tags)
            .tag("outcome", kind.tag())
            .register(registry);
        byOutcome.set(kind.ordinal(), c); // registering twice returns the same counter
      }
      return c;
    }

    /** Read from the outcome counters, so that a completion updates one counter, not three. */
    double successRatio() {
      double succeeded = 0;
      double completed = 0;
      for (OutcomeKind kind : KINDS) {
        Counter c = byOutcome.get(kind.ordinal());
        if (c != null) {
          double n = c.count();
          completed += n;
          succeeded += kind == OutcomeKind.SUCCESS ? n : 0;
        }
      }
      return completed == 0 ? Double.NaN : succeeded / completed;
    }
  }

  /** Builds {@link EchoMeters}; not thread-safe. */
  public static final class Builder {
    private final MeterRegistry registry;
    private NameTags names = NameTags.ofDefaults();
    private Clock clock = Clock.system();
    private double[] percentiles = {0.5, 0.95, 0.99};
    private int bufferLength = 1;
    private EchoScheduler scheduler;
    private final List<PolicyMeters> policies = new ArrayList<>();

    private Builder(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Sets the bound on {@code name} tag values; by default {@link NameTags#ofDefaults()}.
     *
     * @param names the name tags
     * @return this builder
     */
    public Builder names(NameTags names) {
      this.names = Objects.requireNonNull(names, "names");
      return this;
    }

    /**
     * Sets the clock durations are measured with; it must be the runtime's. By default {@link
     * Clock#system()}, the runtime's default.
     *
     * @param clock the runtime's clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the percentiles the timers publish; by default 0.5, 0.95 and 0.99.
     *
     * @param percentiles values in [0, 1]
     * @return this builder
     */
    public Builder percentiles(double... percentiles) {
      for (double p : percentiles) {
        if (!(p >= 0 && p <= 1)) {
          throw new IllegalArgumentException("a percentile must be in [0, 1], was " + p);
        }
      }
      this.percentiles = percentiles.clone();
      return this;
    }

    /**
     * Sets how many rotating windows the timers' percentiles and maximum keep (Micrometer's {@code
     * distributionStatisticBufferLength}). The default here is 1, not Micrometer's 3: every record
     * updates each window's maximum and histogram, and with three the timers were the largest
     * cost of observing an effect (ObservabilityOverheadBenchmark, stack profile: {@code
     * TimeWindowMax.record}); the price is a percentile window that starts afresh every two
     * minutes instead of sliding.
     *
     * @param bufferLength windows per timer, at least 1
     * @return this builder
     */
    public Builder distributionBufferLength(int bufferLength) {
      if (bufferLength < 1) {
        throw new IllegalArgumentException("bufferLength must be at least 1, was " + bufferLength);
      }
      this.bufferLength = bufferLength;
      return this;
    }

    /**
     * Adds gauges over {@code scheduler}'s statistics.
     *
     * @param scheduler the runtime's scheduler
     * @return this builder
     */
    public Builder scheduler(EchoScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Adds a policy's meters, bound when the meters are built.
     *
     * @param policy registers the policy's meters
     * @return this builder
     */
    public Builder policyMeters(PolicyMeters policy) {
      policies.add(Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /**
     * Registers the scheduler's and the policies' meters and returns the listener.
     *
     * @return the meters, to register with {@code ApplicationRuntime.builder().listener(..)}
     */
    public EchoMeters build() {
      return new EchoMeters(this);
    }
  }
}
