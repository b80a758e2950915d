package land.echo.observability.live;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import land.echo.CommonError;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.observability.NameTags;
import land.echo.spi.EffectInfo;
import land.echo.spi.OutcomeKind;
import land.echo.spi.RuntimeListener;
import land.echo.time.Clock;

/**
 * A live view of a runtime for dashboards: a {@link RuntimeListener} that keeps per-name latency
 * histograms and per-priority counts ({@link #snapshot()}), and a bounded journal of the latest
 * submissions, starts and completions that a live view follows by cursor ({@link #events}).
 * Thread-safe.
 *
 * {@snippet :
 * Observatory observatory = Observatory.create(NameTags.ofDefaults(), Clock.system(), 4096);
 * ApplicationRuntime runtime =
 *     ApplicationRuntime.builder().scheduler(scheduler).listener(observatory).build();
 * ObservatorySnapshot before = observatory.snapshot();
 * // ... later, e.g. once a second
 * ObservatorySnapshot now = observatory.snapshot();
 * double highPerSecond = now.throughputSince(before, Priority.HIGH);
 * List<EffectEvent> news = observatory.events(before.nextSequence() - 1, 1000);
 * }
 *
 * <p>Recording costs, per root effect, three name look-ups (one map read each for a name that is
 * its own tag), three journal writes (an atomic increment and an array store each, never a lock;
 * none with a journal of capacity 0), three wait-free records into HdrHistogram {@code Recorder}s
 * (queue wait, run time, whole latency) and {@code LongAdder} increments (no counter that every
 * thread updates: in flight is submissions minus completions). Failures and faults also go to a short
 * list of the latest ({@link #recentFailures()}), and retries to the attempt of each effect in
 * flight ({@link #attemptOf(long)}). A snapshot swaps each name's interval histogram out and adds it to that name's
 * cumulative one (see {@link LatencyRecorder}), so reading is cheap enough for a dashboard's
 * polling, not for every effect. Latencies are cumulative since the observatory was built;
 * percentiles are within 1% (two significant digits).
 */
public final class Observatory implements RuntimeListener {
  private static final Priority[] PRIORITIES = Priority.values();
  /** The most failures {@link #recentFailures()} keeps. */
  public static final int RECENT_FAILURES = 50;

  private final NameTags names;
  private final Clock clock;
  private final EventJournal journal;
  private final ConcurrentHashMap<String, NameSeries> byName = new ConcurrentHashMap<>();
  private final LongAdder[] completedByPriority = new LongAdder[PRIORITIES.length];
  /** Submissions per priority; in flight is submissions minus completions (two adders, no shared counter). */
  private final LongAdder[] submittedByPriority = new LongAdder[PRIORITIES.length];
  private final LongAdder[] completedByKind = new LongAdder[OutcomeKind.values().length];
  /** The attempt each in-flight effect that has retried is on; empty while nothing retries. */
  private final ConcurrentHashMap<Long, Integer> attempts = new ConcurrentHashMap<>();
  /** The latest failures and faults, oldest first; guarded by itself. */
  private final ArrayDeque<ObservatorySnapshot.Failure> failures = new ArrayDeque<>();

  private Observatory(NameTags names, Clock clock, int journalCapacity) {
    this.names = names;
    this.clock = clock;
    this.journal = journalCapacity == 0 ? null : new EventJournal(journalCapacity);
    for (int i = 0; i < PRIORITIES.length; i++) {
      completedByPriority[i] = new LongAdder();
      submittedByPriority[i] = new LongAdder();
    }
    for (int i = 0; i < completedByKind.length; i++) {
      completedByKind[i] = new LongAdder();
    }
  }

  /**
   * Returns an observatory.
   *
   * @param names the bound on name tags
   * @param clock the runtime's clock
   * @param journalCapacity how many of the latest events the journal keeps (rounded up to a power
   *     of two); 0 keeps none ({@link #events} then returns nothing), which saves three writes per
   *     effect when nothing follows the events (the dashboard reads snapshots only)
   * @return a new observatory, to register as a listener
   */
  public static Observatory create(NameTags names, Clock clock, int journalCapacity) {
    if (journalCapacity < 0) {
      throw new IllegalArgumentException("journalCapacity must be at least 0, was " + journalCapacity);
    }
    return new Observatory(Objects.requireNonNull(names, "names"), Objects.requireNonNull(clock, "clock"), journalCapacity);
  }

  /**
   * Returns {@code false}: the observatory records root effects only.
   *
   * @return {@code false}
   */
  @Override
  public boolean observesSteps() {
    return false;
  }

  @Override
  public void submitted(EffectInfo effect) {
    submittedByPriority[effect.priority().ordinal()].increment();
    seriesOf(effect).submitted.increment();
    append(EffectEvent.Type.SUBMITTED, effect, null, clock.nanoTime());
  }

  @Override
  public void started(EffectInfo effect) {
    long now = clock.nanoTime();
    long submitted = effect.submittedNanos();
    if (submitted != -1) {
      seriesOf(effect).queueWait.record(Math.max(0, now - submitted));
    }
    append(EffectEvent.Type.STARTED, effect, null, now);
  }

  @Override
  public void retrying(EffectInfo effect, long stepId, int attempt, Outcome<?, ?> failed, java.time.Duration delay) {
    attempts.merge(effect.id(), attempt + 1, Math::max);
  }

  @Override
  public void completed(EffectInfo effect, Outcome<?, ?> outcome) {
    long now = clock.nanoTime();
    int p = effect.priority().ordinal();
    completedByPriority[p].increment();
    NameSeries series = seriesOf(effect);
    OutcomeKind kind = OutcomeKind.of(outcome);
    completedByKind[kind.ordinal()].increment();
    switch (kind) {
      case SUCCESS -> series.succeeded.increment();
      case FAILURE -> series.failed.increment();
      default -> series.faulted.increment();
    }
    long submitted = effect.submittedNanos();
    if (submitted != -1) {
      series.latency.record(now - submitted);
    }
    long started = effect.startedNanos();
    if (started != -1) {
      series.run.record(Math.max(0, now - started));
    }
    if (!attempts.isEmpty()) {
      attempts.remove(effect.id());
    }
    if (kind != OutcomeKind.SUCCESS) {
      noteFailure(new ObservatorySnapshot.Failure(now, effect.id(), names.tag(effect.name()), effect.priority(),
          kind.tag(), describe(outcome)));
    }
    append(EffectEvent.Type.COMPLETED, effect, kind, now); // one clock read for the latency and the event
  }

  /**
   * Returns what was recorded up to now.
   *
   * @return a snapshot
   */
  public ObservatorySnapshot snapshot() {
    long next = journal == null ? 0 : journal.nextSequence();
    List<ObservatorySnapshot.NameStats> stats = new ArrayList<>(byName.size());
    for (Map.Entry<String, NameSeries> e : byName.entrySet()) {
      NameSeries s = e.getValue();
      LatencyRecorder.Percentiles latency = s.latency.snapshot();
      LatencyRecorder.Percentiles queueWait = s.queueWait.snapshot();
      LatencyRecorder.Percentiles run = s.run.snapshot();
      long succeeded = s.succeeded.sum(); // each adder read once, so the total is the sum of the parts
      long failed = s.failed.sum();
      long faulted = s.faulted.sum();
      stats.add(new ObservatorySnapshot.NameStats(e.getKey(), succeeded + failed + faulted,
          succeeded, failed, faulted, Math.max(0, s.submitted.sum() - succeeded - failed - faulted),
          latency.p50(), latency.p99(), latency.max(), latencyOf(queueWait), latencyOf(run)));
    }
    stats.sort(Comparator.comparing(ObservatorySnapshot.NameStats::name));
    Map<Priority, ObservatorySnapshot.PriorityStats> priorities = new EnumMap<>(Priority.class);
    for (Priority p : PRIORITIES) {
      priorities.put(p, new ObservatorySnapshot.PriorityStats(
          completedByPriority[p.ordinal()].sum(),
          Math.max(0, submittedByPriority[p.ordinal()].sum() - completedByPriority[p.ordinal()].sum())));
    }
    Map<OutcomeKind, Long> outcomes = new EnumMap<>(OutcomeKind.class);
    for (OutcomeKind kind : OutcomeKind.values()) {
      outcomes.put(kind, completedByKind[kind.ordinal()].sum());
    }
    return new ObservatorySnapshot(clock.nanoTime(), stats, priorities, next, outcomes);
  }

  /**
   * Returns up to {@code max} journal events with a sequence number above {@code after}, oldest
   * first. Pass {@code -1} for the oldest the journal still holds, then the last sequence number
   * returned; events overwritten before they were read are skipped (the journal never waits for a
   * reader).
   *
   * @param after the last sequence number already seen, or {@code -1}
   * @param max the most events to return; at least 1
   * @return the events, possibly none
   */
  public List<EffectEvent> events(long after, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, was " + max);
    }
    return journal == null ? List.of() : journal.after(after, max);
  }

  /**
   * Returns the attempt the in-flight effect {@code effectId} is on: 1 until it first retries.
   *
   * @param effectId an effect's id
   * @return its current attempt, 1 if it never retried (or is not in flight)
   */
  public int attemptOf(long effectId) {
    Integer attempt = attempts.get(effectId);
    return attempt == null ? 1 : attempt;
  }

  /**
   * Returns the latest root effects that completed with a failure or a fault (at most {@value
   * #RECENT_FAILURES}), oldest first.
   *
   * @return a new list
   */
  public List<ObservatorySnapshot.Failure> recentFailures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  private void noteFailure(ObservatorySnapshot.Failure failure) {
    synchronized (failures) {
      if (failures.size() == RECENT_FAILURES) {
        failures.removeFirst();
      }
      failures.addLast(failure);
    }
  }

  /** A failure's text, never throwing: a user's error type may have a toString() that throws. */
  static String describe(Outcome<?, ?> outcome) {
    try {
      return switch (outcome) {
        case Outcome.Success<?, ?> s -> "success";
        case Outcome.Failure<?, ?> f -> f.error() instanceof CommonError common ? common.message() : String.valueOf(f.error());
        case Outcome.Faulted<?, ?> f -> f.fault().message();
      };
    } catch (RuntimeException e) {
      return "(the error's text could not be built: " + e.getClass().getName() + ")";
    }
  }

  private static ObservatorySnapshot.Latency latencyOf(LatencyRecorder.Percentiles p) {
    return new ObservatorySnapshot.Latency(p.count(), p.p50(), p.p99(), p.max());
  }

  private void append(EffectEvent.Type type, EffectInfo effect, OutcomeKind outcome, long nanos) {
    if (journal == null) {
      return;
    }
    long seq = journal.claim();
    journal.store(new EffectEvent(seq, nanos, type, effect.id(), effect.name(), effect.priority(), outcome));
  }

  private NameSeries seriesOf(EffectInfo effect) {
    String name = effect.name();
    // A name that is its own tag finds its series in one look-up; NameTags admits a name for good,
    // so a series keyed by a raw name is that name's series.
    NameSeries s = byName.get(name);
    return s != null ? s : byName.computeIfAbsent(names.tag(name), n -> new NameSeries());
  }

  /** What is recorded for one name tag. */
  private static final class NameSeries {
    final LatencyRecorder latency = new LatencyRecorder();
    final LatencyRecorder queueWait = new LatencyRecorder();
    final LatencyRecorder run = new LatencyRecorder();
    final LongAdder succeeded = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder faulted = new LongAdder();
    final LongAdder submitted = new LongAdder();
  }
}
