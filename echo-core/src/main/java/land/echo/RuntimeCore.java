package land.echo;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import land.echo.scheduler.EchoScheduler;
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
 */
final class RuntimeCore {
  static final Logger LOG = LoggerFactory.getLogger(ApplicationRuntime.class);

  final EchoScheduler scheduler;
  final Environment environment;
  final Clock clock;
  final Timer timer;
  final InFlightRegistry registry = new InFlightRegistry();

  final LongAdder submitted = new LongAdder();
  final LongAdder succeeded = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder faulted = new LongAdder();
  final LongAdder timedOut = new LongAdder();
  final LongAdder cancelled = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder finalizerFailures = new LongAdder();

  /** Set once shutdown begins; later submissions are rejected. */
  volatile boolean closed;

  RuntimeCore(EchoScheduler scheduler, Environment environment, Clock clock, Timer timer) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.environment = Objects.requireNonNull(environment, "environment");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timer = Objects.requireNonNull(timer, "timer");
  }

  /**
   * Submits {@code effect} as a root fiber at {@code priority}, with a whole-effect deadline if
   * {@code timeout} is not null (the timer starts now, so the budget covers queue wait and run).
   */
  <C, E, T> Fiber<E, T> start(ActionEffect<C, E, T> effect, Priority priority, Duration timeout) {
    Objects.requireNonNull(effect, "effect");
    Objects.requireNonNull(priority, "priority");
    if (timeout != null && timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
    }
    Fiber<E, T> fiber = timeout == null
        ? new Fiber<>(this, priority, effect, null, 0)
        : new Fiber.Timed<>(this, priority, effect);
    submitted.increment();
    if (LOG.isInfoEnabled()) {
      LOG.info("Submitting effect '{}' at {}", effect.name(), priority);
    }
    Class<?> missing = environment.firstMissing(effect.requirements);
    if (missing != null) {
      fiber.completeRoot(new Outcome.Fault<>(new CommonError.CapabilityMissing(missing.getName())));
      return fiber;
    }
    int slot = registry.add(fiber);
    if (!fiber.registered(slot)) {
      registry.remove(fiber, slot); // shutdown completed it between the two steps
      return fiber;
    }
    if (closed) {
      fiber.completeRoot(new Outcome.Fault<>(new CommonError.Rejected("the runtime is shut down")));
      return fiber;
    }
    if (timeout != null) {
      CommonError timedOut = new CommonError.TimedOut(timeout);
      Timer.Cancellable deadline = timer.schedule(timeout, () -> fiber.cancelWith(timedOut));
      ((Fiber.Timed<E, T>) fiber).deadline = deadline;
      if (fiber.isDone()) {
        deadline.cancel();
      }
    }
    try {
      scheduler.execute(fiber, priority);
    } catch (RejectedExecutionException e) {
      fiber.completeRoot(new Outcome.Fault<>(new CommonError.Rejected("the scheduler is shut down")));
    }
    return fiber;
  }

  /**
   * Book-keeping for a root whose handle is about to be completed (exactly once: the caller won the
   * claim) with {@code outcome}; {@code slot} is where the registry holds it.
   */
  void rootCompleted(Fiber<?, ?> fiber, int slot, Outcome<?, ?> outcome) {
    registry.remove(fiber, slot);
    if (fiber instanceof Fiber.Timed<?, ?> timed) {
      Timer.Cancellable deadline = timed.deadline;
      if (deadline != null) {
        deadline.cancel();
      }
    }
    // instanceof rather than a pattern switch: this runs once per effect.
    if (outcome instanceof Outcome.Success<?, ?>) {
      succeeded.increment();
      if (LOG.isInfoEnabled()) {
        LOG.info("Effect '{}' completed successfully", fiber.name());
      }
    } else if (outcome instanceof Outcome.Failure<?, ?> f) {
      failed.increment();
      if (LOG.isWarnEnabled()) {
        LOG.warn("Effect '{}' completed with failure: {}", fiber.name(), f.error());
      }
    } else {
      faulted.increment();
      logFault(fiber, ((Outcome.Fault<?, ?>) outcome).error());
    }
  }

  private void logFault(Fiber<?, ?> fiber, CommonError error) {
    switch (error) {
      case CommonError.Cancelled c -> {
        cancelled.increment();
        if (LOG.isInfoEnabled()) {
          LOG.info("Effect '{}' cancelled: {}", fiber.name(), c.reason());
        }
      }
      case CommonError.Rejected r -> {
        rejected.increment();
        if (LOG.isWarnEnabled()) {
          LOG.warn("Effect '{}' rejected: {}", fiber.name(), r.reason());
        }
      }
      case CommonError.TimedOut t -> {
        timedOut.increment();
        if (LOG.isErrorEnabled()) {
          LOG.error("Effect '{}' failed: {}", fiber.name(), t.message());
        }
      }
      case CommonError.Panic p -> {
        if (LOG.isErrorEnabled()) {
          LOG.error("Effect '{}' failed: {}", fiber.name(), p.message(), p.cause());
        }
      }
      default -> {
        if (LOG.isErrorEnabled()) {
          LOG.error("Effect '{}' failed: {}", fiber.name(), error.message());
        }
      }
    }
  }

  RuntimeStats stats() {
    long s = submitted.sum();
    long ok = succeeded.sum();
    long bad = failed.sum();
    long faults = faulted.sum();
    return new RuntimeStats(s, ok, bad, faults, timedOut.sum(), cancelled.sum(), rejected.sum(),
        retries.sum(), finalizerFailures.sum(), Math.max(0, s - ok - bad - faults));
  }
}
