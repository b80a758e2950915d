package land.echo.jfr;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.Outcome;
import land.echo.spi.EffectInfo;
import land.echo.spi.OutcomeKind;
import land.echo.spi.RuntimeListener;
import land.echo.spi.StepInfo;
import land.echo.time.Clock;

/**
 * A {@link RuntimeListener} that commits one JFR event, {@value #EFFECT_EXECUTED}, per root effect
 * when it completes: its id, name, priority, time queued, time running, outcome kind and attempt
 * (the attempts of a retry around the whole effect, also when the effect is submitted as {@code
 * e.retry(p).named("x")}; 1 without one). Thread-safe.
 *
 * <p>The scheduler commits its own events whatever listeners a runtime has: {@value
 * #TASKS_STOLEN} (a worker stole from a peer) and {@value #WORKER_PARKED} (an idle worker parked;
 * its duration is the time parked). All three belong to the JFR category "Echo" and are recorded
 * by the JDK's {@code default} and {@code profile} settings, or with {@code
 * -XX:StartFlightRecording}.
 *
 * {@snippet :
 * ApplicationRuntime runtime = ApplicationRuntime.builder()
 *     .scheduler(EchoScheduler.create())
 *     .listener(JfrListener.create())
 *     .build();
 * // jfr print --events land.echo.EffectExecuted recording.jfr
 * }
 *
 * <p>Register it with the same {@link Clock} as the runtime when the runtime has its own (the
 * times are differences of that clock's readings). It does not {@linkplain #observesSteps()
 * observe steps}, so on its own it does not make the runtime keep a step tree: the runtime reports
 * a retry of the effect itself under {@link StepInfo#ROOT}, which is all the attempt count needs.
 * An effect whose root retries costs a map entry until it completes, to count its attempts.
 */
public final class JfrListener implements RuntimeListener {
  /** The JFR name of the per-effect event. */
  public static final String EFFECT_EXECUTED = "land.echo.EffectExecuted";
  /** The JFR name of the scheduler's steal event. */
  public static final String TASKS_STOLEN = "land.echo.TasksStolen";
  /** The JFR name of the scheduler's park event. */
  public static final String WORKER_PARKED = "land.echo.WorkerParked";

  private final Clock clock;
  /** Failed attempts of root-level retries, by effect id; only effects that retried have an entry. */
  private final ConcurrentHashMap<Long, AtomicInteger> retries = new ConcurrentHashMap<>();
  /** Ids of the open steps that are their effect itself (see {@link #isOwnStep}), while recording. */
  private final Set<Long> ownSteps = ConcurrentHashMap.newKeySet();

  private JfrListener(Clock clock) {
    this.clock = clock;
  }

  /**
   * Returns a listener that measures with {@link Clock#system()}, the runtime's default clock.
   *
   * @return a new listener
   */
  public static JfrListener create() {
    return create(Clock.system());
  }

  /**
   * Returns a listener that measures with {@code clock}, which must be the runtime's.
   *
   * @param clock the runtime's clock
   * @return a new listener
   */
  public static JfrListener create(Clock clock) {
    return new JfrListener(Objects.requireNonNull(clock, "clock"));
  }

  /**
   * Returns false: the attempt count needs only the retries the runtime reports under {@link
   * StepInfo#ROOT} when no listener observes steps. When another listener turns the step tree on,
   * the step events still arrive and name the effect's own step (see {@link #stepStarted}).
   */
  @Override
  public boolean observesSteps() {
    return false;
  }

  @Override
  public void stepStarted(EffectInfo effect, StepInfo step) {
    if (isOwnStep(effect, step) && new EffectExecuted().isEnabled()) {
      ownSteps.add(step.id());
    }
  }

  @Override
  public void stepEnded(EffectInfo effect, StepInfo step, Outcome<?, ?> outcome) {
    if (isOwnStep(effect, step) && !ownSteps.isEmpty()) {
      ownSteps.remove(step.id());
    }
  }

  @Override
  public void retrying(EffectInfo effect, long stepId, int attempt, Outcome<?, ?> failed, Duration delay) {
    if (stepId == StepInfo.ROOT || ownSteps.contains(stepId)) {
      retries.computeIfAbsent(effect.id(), id -> new AtomicInteger()).incrementAndGet();
    }
  }

  /**
   * Whether {@code step} is the effect itself: its outermost named step with the effect's own name
   * (an effect submitted as {@code e.retry(p).named("x")}), whose retries are the effect's attempts.
   */
  private static boolean isOwnStep(EffectInfo effect, StepInfo step) {
    return step.parentId() == StepInfo.ROOT && step.kind() == StepInfo.Kind.NAMED && step.name().equals(effect.name());
  }

  @Override
  public void completed(EffectInfo effect, Outcome<?, ?> outcome) {
    AtomicInteger retried = retries.isEmpty() ? null : retries.remove(effect.id());
    EffectExecuted event = new EffectExecuted();
    if (!event.shouldCommit()) {
      return;
    }
    long now = clock.nanoTime();
    long submitted = effect.submittedNanos();
    long started = effect.startedNanos();
    event.effectId = effect.id();
    event.name = effect.name();
    event.priority = effect.priority().name();
    if (submitted != -1) {
      event.queued = Math.max(0, (started != -1 ? started : now) - submitted);
    }
    event.running = started == -1 ? 0 : Math.max(0, now - started);
    event.outcome = OutcomeKind.of(outcome).tag();
    event.attempt = retried == null ? 1 : retried.get() + 1;
    event.commit();
  }
}
