package land.echo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import land.echo.scheduler.EchoScheduler;
import land.echo.time.Clock;
import land.echo.time.Timer;

/**
 * Runs effects on an {@link EchoScheduler} with the capabilities of an {@link Environment}: the
 * bridge between declarative effects and the scheduler.
 *
 * <p>Thread-safe. Every call may choose a {@link Priority} (default {@code NORMAL}). A submitted
 * effect's capabilities are checked at submission: a missing one completes the handle at once with
 * {@code Fault(CapabilityMissing)}. Every handle completes exactly once, whatever happens,
 * including shutdown. The runtime owns the scheduler it was given and shuts it down in {@link
 * #shutdown}; shutting the scheduler down directly instead makes effects resumed afterwards
 * complete with {@code Fault(Rejected)}, and {@code shutdownNow()} would drop queued effects.
 *
 * <pre>{@code
 * try (ApplicationRuntime runtime = ApplicationRuntime.create(environment, EchoScheduler.create())) {
 *   Outcome<CommonError, Integer> size = runtime.runWithTimeout(effect, Duration.ofSeconds(1), Priority.HIGH);
 * }
 * }</pre>
 */
public final class ApplicationRuntime implements AutoCloseable {
  /** The deadline {@link #close()} gives in-flight effects. */
  public static final Duration DEFAULT_SHUTDOWN_DEADLINE = Duration.ofSeconds(30);

  private final RuntimeCore core;
  private final List<ShutdownSequence.Hook> hooks;
  private final AtomicReference<CompletableFuture<ShutdownReport>> shutdown = new AtomicReference<>();

  private ApplicationRuntime(Builder builder) {
    this.core = new RuntimeCore(builder.scheduler, builder.environment, builder.clock, builder.timer);
    this.hooks = List.copyOf(builder.hooks);
    RuntimeCore.LOG.info("New Echo-based ApplicationRuntime instance created");
  }

  /** Returns a runtime running effects on {@code scheduler} with {@code environment}, system time and no hooks. */
  public static ApplicationRuntime create(Environment environment, EchoScheduler scheduler) {
    return builder().environment(environment).scheduler(scheduler).build();
  }

  /** Returns a builder for a runtime. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs {@code effect} at {@code NORMAL} priority and waits for its outcome. It blocks the calling
   * thread: inside an effect, compose with {@code flatMap} instead of calling {@code run}.
   */
  public <C, E, T> Outcome<E, T> run(ActionEffect<C, E, T> effect) {
    return core.start(effect, Priority.NORMAL, null).join();
  }

  /** Runs {@code effect} at {@code priority} and waits for its outcome. */
  public <C, E, T> Outcome<E, T> run(ActionEffect<C, E, T> effect, Priority priority) {
    return core.start(effect, priority, null).join();
  }

  /** Submits {@code effect} at {@code NORMAL} priority and returns its handle. */
  public <C, E, T> EffectHandle<E, T> submit(ActionEffect<C, E, T> effect) {
    return core.start(effect, Priority.NORMAL, null);
  }

  /** Submits {@code effect} at {@code priority} and returns its handle. */
  public <C, E, T> EffectHandle<E, T> submit(ActionEffect<C, E, T> effect, Priority priority) {
    return core.start(effect, priority, null);
  }

  /**
   * Runs {@code effect} at {@code NORMAL} priority with a budget of {@code timeout} covering queue
   * wait and execution; see {@link #submitWithTimeout}.
   */
  public <C, E, T> Outcome<E, T> runWithTimeout(ActionEffect<C, E, T> effect, Duration timeout) {
    return submitWithTimeout(effect, timeout, Priority.NORMAL).join();
  }

  /** Runs {@code effect} at {@code priority} with a budget of {@code timeout}; see {@link #submitWithTimeout}. */
  public <C, E, T> Outcome<E, T> runWithTimeout(ActionEffect<C, E, T> effect, Duration timeout, Priority priority) {
    return submitWithTimeout(effect, timeout, priority).join();
  }

  /**
   * Submits {@code effect} at {@code priority} with a budget of {@code timeout} that starts now and
   * covers queue wait and execution. At the deadline the handle completes with {@code
   * Fault(TimedOut(timeout))} and the effect is cancelled: if still queued it never starts, a
   * compute body sees its token, a blocking body is interrupted.
   *
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public <C, E, T> EffectHandle<E, T> submitWithTimeout(
      ActionEffect<C, E, T> effect, Duration timeout, Priority priority) {
    return core.start(effect, priority, Objects.requireNonNull(timeout, "timeout"));
  }

  /** Runs {@code effect} at {@code NORMAL} priority, retried under {@code policy}; see {@link ActionEffect#retry}. */
  public <C, E, T> Outcome<E, T> runWithRetry(ActionEffect<C, E, T> effect, RetryPolicy policy) {
    return run(Objects.requireNonNull(effect, "effect").retry(policy), Priority.NORMAL);
  }

  /** Runs {@code effect} at {@code priority}, retried under {@code policy}. */
  public <C, E, T> Outcome<E, T> runWithRetry(ActionEffect<C, E, T> effect, RetryPolicy policy, Priority priority) {
    return run(Objects.requireNonNull(effect, "effect").retry(policy), priority);
  }

  /**
   * Shuts the runtime down: stops accepting effects (later submissions complete at once with {@code
   * Fault(Rejected)}), gives in-flight effects until {@code deadline} to finish, cancels the rest,
   * runs the shutdown hooks in registration order (each within its own timeout, every one attempted),
   * then shuts down the scheduler and waits for it. Calling it again, concurrently or later, returns
   * the first call's report. Call it from outside the runtime's effects: effects still running need
   * the workers to finish before the deadline.
   *
   * @throws IllegalArgumentException if {@code deadline} is negative
   */
  public ShutdownReport shutdown(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative()) {
      throw new IllegalArgumentException("deadline must not be negative, was " + deadline);
    }
    CompletableFuture<ShutdownReport> mine = new CompletableFuture<>();
    CompletableFuture<ShutdownReport> first = shutdown.compareAndExchange(null, mine);
    if (first != null) {
      return first.join();
    }
    try {
      mine.complete(ShutdownSequence.run(core, hooks, deadline));
    } catch (Throwable t) {
      mine.completeExceptionally(t);
    }
    return mine.join();
  }

  /** Shuts down with {@link #DEFAULT_SHUTDOWN_DEADLINE}; idempotent. */
  @Override
  public void close() {
    shutdown(DEFAULT_SHUTDOWN_DEADLINE);
  }

  /** Returns true once {@link #shutdown} has begun. */
  public boolean isShutdown() {
    return core.closed;
  }

  /** Returns the environment effects draw their capabilities from. */
  public Environment environment() {
    return core.environment;
  }

  /** Returns the scheduler effects run on. */
  public EchoScheduler scheduler() {
    return core.scheduler;
  }

  /** Returns the clock this runtime measures time with. */
  public Clock clock() {
    return core.clock;
  }

  /** Returns the timer that drives sleeps, timeouts, retry delays and shutdown deadlines. */
  public Timer timer() {
    return core.timer;
  }

  /** Returns a snapshot of the runtime's counters. */
  public RuntimeStats stats() {
    return core.stats();
  }

  /** Configures an {@link ApplicationRuntime}; validates in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private Environment environment = Environment.empty();
    private EchoScheduler scheduler;
    private Clock clock = Clock.system();
    private Timer timer;
    private final List<ShutdownSequence.Hook> hooks = new ArrayList<>();

    private Builder() {}

    /** Sets the environment of capabilities (default: empty). */
    public Builder environment(Environment environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** Sets the scheduler effects run on (required); the runtime shuts it down in {@link #shutdown}. */
    public Builder scheduler(EchoScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Sets the clock (default {@link Clock#system()}). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets the timer for sleeps, timeouts, retry delays and shutdown waits (default {@link Timer#system()}). */
    public Builder timer(Timer timer) {
      this.timer = Objects.requireNonNull(timer, "timer");
      return this;
    }

    /**
     * Adds a shutdown hook; hooks run in registration order after in-flight effects are drained or
     * cancelled. A hook that does not finish within {@code timeout} is interrupted and recorded as
     * timed out; the next one runs regardless.
     *
     * @throws IllegalArgumentException if {@code name} is blank or {@code timeout} is not positive
     */
    public Builder shutdownHook(String name, Duration timeout, ShutdownAction action) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(action, "action");
      if (name.isBlank()) {
        throw new IllegalArgumentException("shutdown hook name must not be blank");
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("shutdown hook '" + name + "' timeout must be positive, was " + timeout);
      }
      hooks.add(new ShutdownSequence.Hook(name, timeout, action));
      return this;
    }

    /**
     * Returns the runtime.
     *
     * @throws IllegalStateException if no scheduler was set
     */
    public ApplicationRuntime build() {
      if (scheduler == null) {
        throw new IllegalStateException("an ApplicationRuntime needs a scheduler: call scheduler(EchoScheduler)");
      }
      if (timer == null) {
        timer = Timer.system();
      }
      return new ApplicationRuntime(this);
    }
  }
}
