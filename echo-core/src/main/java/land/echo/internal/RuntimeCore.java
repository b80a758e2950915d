package land.echo.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.Environment;
import land.echo.Fault;
import land.echo.Logging;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.RunOptions;
import land.echo.RuntimeStats;
import land.echo.scheduler.EchoScheduler;
import land.echo.spi.ContextPropagator;
import land.echo.spi.EffectInfo;
import land.echo.spi.RuntimeListener;
import land.echo.spi.StepInfo;
import land.echo.time.Clock;
import land.echo.time.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state an {@link ApplicationRuntime} shares with its fibers: scheduler, environment, time,
 * counters and the registry of in-flight roots; thread-safe.
 *
 * <p>Submission ({@link #start}) and completion ({@link #rootCompleted}) are the runtime's hot
 * path: a registry CAS, two {@link LongAdder} increments and two guarded log calls per effect.
 * {@link RuntimeListener}s add one null check per event site when there are none ({@link
 * #listeners} is null, not empty, so the check is a single field read); when there are some, a
 * clock reading at submission and at the first run, and an {@link EffectInfo} per event (built
 * once per event, not per listener; from the first run on, one per effect); step frames and step
 * events only while some listener {@linkplain RuntimeListener#observesSteps() observes steps}.
 *
 * <p>Timer actions only hand work over ({@link #onTimer}): the timer's thread is shared by every
 * runtime in the JVM, so it never runs a cancellation action, a handle's dependents or a log call.
 * A sleep's or a retry delay's wake-up is itself a hand-off: it resubmits the fiber.
 */
public final class RuntimeCore {
  public static final Logger LOG = LoggerFactory.getLogger(ApplicationRuntime.class);

  public final EchoScheduler scheduler;
  public final Environment environment;
  /** The environment's capability lookup: the capability, or null if none is registered. */
  public final Function<Class<?>, Object> lookup;
  public final Clock clock;
  public final Timer timer;
  public final InFlightRegistry registry = new InFlightRegistry();
  /** The listeners, or null when there are none: the hot path only checks for null. */
  public final RuntimeListener[] listeners;
  /**
   * Whether some listener {@linkplain RuntimeListener#observesSteps() observes steps}: only then do
   * fibers keep the step tree (a {@link StepInfo}, a frame and a shared id per step).
   */
  public final boolean stepsObserved;
  public final Logging logging;
  /**
   * The context propagator (several composed into one), or null when there is none: a submission
   * and a run of the interpreter then pay one null check for it.
   */
  public final ContextPropagator propagator;
  /** Whether the propagator captures per effect ({@code capture(EffectInfo)}), so needs an {@link EffectInfo}. */
  private final boolean propagatorWantsInfo;
  /**
   * Draws step ids for listeners ({@link StepInfo#id()}); from 1, since 0 is {@link StepInfo#ROOT}.
   * Shared by every runtime of the JVM, as {@link #ids} is: a listener registered with two runtimes
   * (one {@code EchoTracing} for both) keys its open spans by id, and per-runtime numbers collided.
   */
  private static final AtomicLong STEP_IDS = new AtomicLong();
  /** Draws effect ids for every runtime of the JVM, lazily (see {@link HandleFuture#id()}). */
  private static final AtomicLong EFFECT_IDS = new AtomicLong();
  private final TimerDispatch timerDispatch = new TimerDispatch();
  /** Notified when the last registered root becomes quiescent while the runtime is closed. */
  public final Object quiescence = new Object();

  public final LongAdder submitted = new LongAdder();
  public final LongAdder succeeded = new LongAdder();
  public final LongAdder failed = new LongAdder();
  public final LongAdder faulted = new LongAdder();
  public final LongAdder timedOut = new LongAdder();
  public final LongAdder cancelled = new LongAdder();
  public final LongAdder rejected = new LongAdder();
  public final LongAdder retries = new LongAdder();
  public final LongAdder finalizerFailures = new LongAdder();
  public final LongAdder listenerFailures = new LongAdder();

  /** Set once shutdown begins; later submissions are rejected. */
  public volatile boolean closed;

  /** Test hook (package-private, null in production): runs in {@link #start} between registering a root and re-reading {@link #closed}. */
  static volatile Runnable afterRegisterHook;

  /** A core with no listeners, quiet logging and no propagators; for tests. */
  public RuntimeCore(EchoScheduler scheduler, Environment environment, Clock clock, Timer timer) {
    this(scheduler, environment, type -> environment.find(type).orElse(null), clock, timer,
        List.of(), Logging.QUIET, List.of());
  }

  /**
   * Creates the core of a runtime. {@code lookup} is the environment's allocation-free capability
   * lookup (null when absent), which {@link Environment} keeps package-private so that its API
   * shows only {@code require} and {@code find}.
   */
  public RuntimeCore(EchoScheduler scheduler, Environment environment,
      Function<Class<?>, Object> lookup, Clock clock, Timer timer,
      List<RuntimeListener> listeners, Logging logging, List<ContextPropagator> propagators) {
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    this.propagator = ContextScopes.compose(propagators);
    this.propagatorWantsInfo = ContextScopes.wantsEffectInfo(propagators);
    this.listeners = listeners.isEmpty() ? null : listeners.toArray(new RuntimeListener[0]);
    this.stepsObserved = listeners.stream().anyMatch(RuntimeCore::observesSteps);
    this.logging = Objects.requireNonNull(logging, "logging");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.environment = Objects.requireNonNull(environment, "environment");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timer = Objects.requireNonNull(timer, "timer");
  }

  /**
   * Submits {@code effect} as a root fiber at {@code priority}, with a whole-effect deadline if
   * {@code timeout} is not null (the timer starts now, so the budget covers queue wait and run).
   * A zero timeout has expired before the effect could start: the handle completes with {@code
   * TimedOut(PT0S)} and nothing runs. {@code options} (null for none) only supplies the name and
   * attributes; the caller has unpacked its priority and timeout.
   */
  public <E, T> HandleFuture<E, T> start(
      ActionEffect<E, T> effect, Priority priority, Duration timeout, RunOptions options) {
    return start(effect, priority, timeout, options, false);
  }

  /**
   * As {@link #start(ActionEffect, Priority, Duration, RunOptions)}, but if {@code onCaller}, the
   * root's synchronous prefix is evaluated on the calling thread before the rest is queued (see
   * {@link Fiber#runOnCaller}). Only for a caller that then blocks on the handle and is not a
   * worker of this runtime.
   */
  public <E, T> HandleFuture<E, T> start(
      ActionEffect<E, T> effect, Priority priority, Duration timeout, RunOptions options, boolean onCaller) {
    Objects.requireNonNull(effect, "effect");
    Objects.requireNonNull(priority, "priority");
    if (timeout != null && timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
    }
    HandleFuture<E, T> handle = new HandleFuture<>(effect, options);
    Fiber<E, T> fiber = new Fiber<>(this, priority, effect, handle, InFlightRegistry.NONE);
    handle.fiber = fiber;
    submitted.increment();
    EffectInfo info = null;
    if (listeners != null) {
      handle.observation().submittedNanos = readClock();
      info = handle.info();
      for (RuntimeListener listener : listeners) {
        try {
          listener.submitted(info);
        } catch (Throwable t) {
          listenerFailed(listener, t);
        }
      }
    }
    if (propagator != null) {
      // After the listeners: a propagator that also listens (tracing) finds what it opened.
      handle.observation().context = propagatorWantsInfo
          ? ContextScopes.capture(propagator, info != null ? info : handle.info()) : ContextScopes.capture(propagator);
    }
    if (LOG.isEnabledForLevel(logging.submitted())) {
      LOG.atLevel(logging.submitted()).log("Submitting effect '{}' at {}", handle.name(), priority);
    }
    if (closed) {
      // Shutdown has begun: refuse before registering, so a late submission (from a finalizer that
      // the shutdown's own cancellation runs, say) is always Rejected, never caught by its scan.
      handle.complete0(new Outcome.Faulted<>(new Fault.Rejected("the runtime is shut down")));
      return handle;
    }
    Class<?> missing = firstMissing(environment, Node.requirements(effect));
    if (missing != null) {
      handle.complete0(new Outcome.Faulted<>(new Fault.CapabilityMissing(missing.getName())));
      return handle;
    }
    if (timeout != null && timeout.isZero()) {
      handle.complete0(new Outcome.Faulted<>(new Fault.TimedOut(Duration.ZERO)));
      return handle;
    }
    fiber.registeredAt(registry.add(handle));
    Runnable hook = afterRegisterHook;
    if (hook != null) {
      hook.run();
    }
    if (closed) {
      // Shutdown began meanwhile; its scan may have cancelled this root already. It never runs.
      handle.complete0(new Outcome.Faulted<>(new Fault.Rejected("the runtime is shut down")));
      handle.quiescent();
      return handle;
    }
    Deadlines.RootDeadline deadline = null;
    if (timeout != null) {
      // The budget starts now; the timer entry follows the submission (see RootDeadline).
      deadline = new Deadlines.RootDeadline(Deadlines.at(clock.nanoTime(), timeout));
      handle.observation().deadline = deadline;
    }
    if (onCaller) {
      // The caller's prefix may take a while: its deadline must be armed before it starts.
      if (deadline == null || armDeadline(handle, deadline, timeout, false)) {
        fiber.runOnCaller();
      } else {
        handle.quiescent();
      }
      return handle;
    }
    try {
      scheduler.execute(fiber, priority);
    } catch (Throwable e) {
      handle.complete0(new Outcome.Faulted<>(new Fault.Rejected(
          e instanceof RejectedExecutionException ? "the scheduler is shut down" : "the scheduler failed: " + e)));
      handle.quiescent();
      return handle;
    }
    if (deadline != null) {
      armDeadline(handle, deadline, timeout, true);
    }
    return handle;
  }

  /**
   * Schedules the timer entry of {@code deadline}, due when its budget {@code timeout}, counted
   * from its start, runs out. Returns false if the timer refused: the handle is then complete
   * with {@code Faulted(Panic)}; a fiber already {@code queued} is cancelled with it (it unwinds
   * and leaves the registry itself), one not yet run is only left to the caller to unregister.
   */
  private boolean armDeadline(HandleFuture<?, ?> handle, Deadlines.RootDeadline deadline, Duration timeout, boolean queued) {
    Fault timedOut = new Fault.TimedOut(timeout);
    try {
      long left = Math.max(0, deadline.at() - clock.nanoTime());
      deadline.install(timer.schedule(Duration.ofNanos(left), () -> onTimer(() -> handle.cancelWith(timedOut))));
      return true;
    } catch (Throwable t) {
      Fault panic = new Fault.Panic(t);
      if (queued) {
        handle.cancelWith(panic);
      } else {
        handle.complete0(new Outcome.Faulted<>(panic));
      }
      return false;
    }
  }

  /**
   * Runs {@code action}, due on the timer, off the timer's thread (see {@link TimerDispatch}), so
   * that the timer's thread only hands work over.
   */
  public void onTimer(Runnable action) {
    timerDispatch.dispatch(action);
  }

  /** Runs {@code action} on a fresh virtual thread; on the current thread only if none can be started. */
  public void runElsewhere(Runnable action) {
    try {
      Thread.ofVirtual().name("echo-unwind").start(action);
    } catch (Throwable e) {
      action.run();
    }
  }

  /**
   * Book-keeping for a root whose handle is about to be completed (exactly once: the caller won the
   * claim) with {@code outcome}.
   */
  public void rootCompleted(HandleFuture<?, ?> handle, Outcome<?, ?> outcome) {
    // instanceof rather than a pattern switch: this runs once per effect.
    if (outcome instanceof Outcome.Success<?, ?>) {
      succeeded.increment();
      if (LOG.isEnabledForLevel(logging.succeeded())) {
        LOG.atLevel(logging.succeeded()).log("Effect '{}' completed successfully", handle.name());
      }
    } else if (outcome instanceof Outcome.Failure<?, ?> f) {
      failed.increment();
      if (LOG.isEnabledForLevel(logging.failed())) {
        LOG.atLevel(logging.failed()).log("Effect '{}' completed with failure: {}", handle.name(), f.error());
      }
    } else {
      faulted.increment();
      logFault(handle, ((Outcome.Faulted<?, ?>) outcome).fault());
    }
    if (listeners != null) {
      EffectInfo info = handle.info();
      for (RuntimeListener listener : listeners) {
        try {
          listener.completed(info, outcome);
        } catch (Throwable t) {
          listenerFailed(listener, t);
        }
      }
    }
  }

  /** A registered root and everything it spawned stopped running. */
  public void rootQuiescent(HandleFuture<?, ?> handle) {
    // The registry's count is a volatile read-modify-write and closed a volatile read; shutdown
    // writes closed and then reads the count, so one of the two sides always sees the other.
    if (registry.remove(handle, handle.fiber.index()) == 0 && closed) {
      synchronized (quiescence) {
        quiescence.notifyAll();
      }
    }
  }

  private void logFault(HandleFuture<?, ?> handle, Fault fault) {
    switch (fault) {
      case Fault.Cancelled c -> {
        cancelled.increment();
        if (LOG.isEnabledForLevel(logging.cancelled())) {
          LOG.atLevel(logging.cancelled()).log("Effect '{}' cancelled: {}", handle.name(), c.reason());
        }
      }
      case Fault.Rejected r -> {
        rejected.increment();
        if (LOG.isEnabledForLevel(logging.rejected())) {
          LOG.atLevel(logging.rejected()).log("Effect '{}' rejected: {}", handle.name(), r.reason());
        }
      }
      case Fault.TimedOut t -> {
        timedOut.increment();
        if (LOG.isEnabledForLevel(logging.faulted())) {
          LOG.atLevel(logging.faulted()).log("Effect '{}' failed: {}", handle.name(), t.message());
        }
      }
      case Fault.Panic p -> {
        if (LOG.isEnabledForLevel(logging.faulted())) {
          LOG.atLevel(logging.faulted()).setCause(p.cause()).log("Effect '{}' failed: {}", handle.name(), p.message());
        }
      }
      default -> {
        if (LOG.isEnabledForLevel(logging.faulted())) {
          LOG.atLevel(logging.faulted()).log("Effect '{}' failed: {}", handle.name(), fault.message());
        }
      }
    }
  }

  /** Logs {@code failure} at ERROR and never throws, even when logging itself fails. */
  public static void logQuietly(String message, Throwable failure) {
    try {
      LOG.error(message, failure);
    } catch (Throwable ignored) {
      // Nothing left to report it with.
    }
  }

  // ------------------------------------------------------------------ listeners

  /** The root's fiber runs for the first time (and was not cancelled before it could). */
  public void rootStarted(HandleFuture<?, ?> handle) {
    handle.observation().startedNanos = readClock();
    EffectInfo info = handle.info();
    for (RuntimeListener listener : listeners) {
      try {
        listener.started(info);
      } catch (Throwable t) {
        listenerFailed(listener, t);
      }
    }
  }

  /** Root {@code handle} was cancelled with {@code cause}; its completion follows. */
  public void rootCancelled(HandleFuture<?, ?> handle, Fault cause) {
    EffectInfo info = handle.info();
    notifyListeners(l -> l.cancelled(info, cause));
  }

  /** A step of {@code root}'s tree began ({@link StepInfo}); {@code root} is null if it was not found. */
  public void stepStarted(HandleFuture<?, ?> root, StepInfo step) {
    if (root != null) {
      EffectInfo info = root.info();
      for (RuntimeListener listener : listeners) {
        try {
          listener.stepStarted(info, step);
        } catch (Throwable t) {
          listenerFailed(listener, t);
        }
      }
    }
  }

  /** A step of {@code root}'s tree ended with {@code outcome}. */
  public void stepEnded(HandleFuture<?, ?> root, StepInfo step, Outcome<?, ?> outcome) {
    if (root != null) {
      EffectInfo info = root.info();
      for (RuntimeListener listener : listeners) {
        try {
          listener.stepEnded(info, step, outcome);
        } catch (Throwable t) {
          listenerFailed(listener, t);
        }
      }
    }
  }

  /**
   * Attempt {@code attempt} of a retry inside step {@code stepId} of {@code root}'s tree failed;
   * the next follows after {@code delay}.
   */
  public void retrying(HandleFuture<?, ?> root, long stepId, int attempt, Outcome<?, ?> failed, Duration delay) {
    if (root != null) {
      EffectInfo info = root.info();
      notifyListeners(l -> l.retrying(info, stepId, attempt, failed, delay));
    }
  }

  /** A {@code timeout(after)} inside step {@code stepId} of {@code root}'s tree expired. */
  public void timedOut(HandleFuture<?, ?> root, long stepId, Duration after) {
    if (root != null) {
      EffectInfo info = root.info();
      notifyListeners(l -> l.timedOut(info, stepId, after));
    }
  }

  /** Returns a new step id, never {@link StepInfo#ROOT}. */
  public long nextStepId() {
    return STEP_IDS.incrementAndGet();
  }

  /** Returns a new effect id, unique in the JVM (see {@link HandleFuture#id()}). */
  static long nextEffectId() {
    return EFFECT_IDS.incrementAndGet();
  }

  /**
   * Tells every listener about an event (the caller has checked that there are some). A listener
   * that throws is counted and logged, and the others are still told: a user callback never
   * breaks an execution.
   */
  private void notifyListeners(Consumer<RuntimeListener> event) {
    for (RuntimeListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (Throwable t) {
        listenerFailed(listener, t);
      }
    }
  }

  /** Asks {@code listener} whether it observes steps; one that throws is taken to. */
  private static boolean observesSteps(RuntimeListener listener) {
    try {
      return listener.observesSteps();
    } catch (Throwable t) {
      return true;
    }
  }

  /** Counts and logs a listener's failure; never throws. */
  private void listenerFailed(RuntimeListener listener, Throwable t) {
    listenerFailures.increment();
    try {
      LOG.warn("A runtime listener {} failed; the effect goes on", listener.getClass().getName(), t);
    } catch (Throwable ignored) {
      // Nothing left to report it with.
    }
  }

  /** Reads the clock for a listener's timestamp; a clock that throws gives {@code -1}, never a failure. */
  private long readClock() {
    try {
      return clock.nanoTime();
    } catch (Throwable t) {
      return -1;
    }
  }

  /** Returns snapshots of the roots whose handles are not yet complete, in no particular order. */
  public List<EffectInfo> inFlight() {
    List<HandleFuture<?, ?>> live = registry.snapshot();
    List<EffectInfo> infos = new ArrayList<>(live.size());
    for (HandleFuture<?, ?> handle : live) {
      infos.add(handle.info());
    }
    return List.copyOf(infos);
  }

  /**
   * Cancels the in-flight root effect whose id is {@code effectId}, as its handle's {@code
   * cancel(reason)} would; false if none is in flight (never submitted here, or already complete).
   */
  public boolean cancel(long effectId, String reason) {
    for (HandleFuture<?, ?> handle : registry.snapshot()) {
      if (handle.id() == effectId) {
        return handle.cancel(reason);
      }
    }
    return false;
  }

  public RuntimeStats stats() {
    long s = submitted.sum();
    long ok = succeeded.sum();
    long bad = failed.sum();
    long faults = faulted.sum();
    return new RuntimeStats(s, ok, bad, faults, timedOut.sum(), cancelled.sum(), rejected.sum(),
        retries.sum(), finalizerFailures.sum(), listenerFailures.sum(), Math.max(0, s - ok - bad - faults));
  }

  /** Returns the first capability of {@code requirements} (see {@link Node.Base#requirements}) missing from {@code environment}. */
  public static Class<?> firstMissing(Environment environment, Object requirements) {
    if (requirements == null) {
      return null;
    }
    if (requirements instanceof Class<?> type) {
      return environment.contains(type) ? null : type;
    }
    for (Class<?> type : (Class<?>[]) requirements) {
      if (!environment.contains(type)) {
        return type;
      }
    }
    return null;
  }
}
