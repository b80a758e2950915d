package land.echo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import land.echo.internal.Fiber;
import land.echo.internal.FutureBridge;
import land.echo.internal.HandleFuture;
import land.echo.internal.RuntimeCore;
import land.echo.internal.ShutdownSequence;
import land.echo.scheduler.EchoScheduler;
import land.echo.spi.ContextPropagator;
import land.echo.spi.EffectInfo;
import land.echo.spi.RuntimeListener;
import land.echo.time.Clock;
import land.echo.time.SystemTimer;
import land.echo.time.Timer;

/**
 * Runs effects on an {@link EchoScheduler} with the capabilities of an {@link Environment}: the
 * bridge between declarative effects and the scheduler.
 *
 * <p>Thread-safe. Every call may choose a {@link Priority} (default {@code NORMAL}). A submitted
 * effect's capabilities are checked at submission: a missing one completes the handle at once with
 * {@code Faulted(CapabilityMissing)}. Every handle completes exactly once, whatever happens,
 * including shutdown. The runtime owns the scheduler it was given and shuts it down in {@link
 * #shutdown}; shutting the scheduler down directly instead makes effects resumed afterwards
 * complete with {@code Faulted(Rejected)}, and {@code shutdownNow()} would drop queued effects.
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

  /**
   * How long {@link #shutdown} waits, after cancelling what the deadline left unfinished, for the
   * cancelled effects to finish unwinding (their finalizers) before it runs the hooks; the
   * scheduler's threads are awaited within the same grace.
   */
  public static final Duration UNWIND_GRACE = Duration.ofSeconds(1);

  /** Numbers the timers runtimes create for themselves. */
  private static final AtomicInteger TIMERS = new AtomicInteger();

  private final RuntimeCore core;
  private final List<ShutdownSequence.Hook> hooks;
  private final AtomicReference<CompletableFuture<ShutdownReport>> shutdown = new AtomicReference<>();
  /** The timer this runtime created for itself, closed at the end of shutdown; null if one was given. */
  private final SystemTimer ownedTimer;

  private ApplicationRuntime(Builder builder) {
    this.core = new RuntimeCore(builder.scheduler, builder.environment, builder.environment::lookup,
        builder.clock, builder.timer,
        List.copyOf(builder.listeners), builder.logging, List.copyOf(builder.propagators));
    this.ownedTimer = builder.ownsTimer ? (SystemTimer) builder.timer : null;
    this.hooks = List.copyOf(builder.hooks);
    RuntimeCore.LOG.atLevel(builder.logging.submitted()).log("New Echo-based ApplicationRuntime instance created");
  }

  /**
   * Returns a runtime running effects on {@code scheduler} with {@code environment}, system time
   * and no hooks.
   *
   * @param environment the capabilities effects draw on
   * @param scheduler the scheduler effects run on; the runtime shuts it down in {@link #shutdown}
   * @return a new runtime
   */
  public static ApplicationRuntime create(Environment environment, EchoScheduler scheduler) {
    return builder().environment(environment).scheduler(scheduler).build();
  }

  /**
   * Returns a runtime with no capabilities, on a new {@link EchoScheduler} with the default
   * configuration (one worker per available processor), on system time and with no hooks; its
   * {@link #shutdown} (or {@link #close}) shuts the scheduler down. For effects that need
   * capabilities, use {@link #create(Environment, EchoScheduler)} or {@link #builder()}.
   *
   * @return a new runtime
   */
  public static ApplicationRuntime create() {
    return builder().build();
  }

  /**
   * Returns a builder for a runtime.
   *
   * @return a new builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs {@code effect} at {@code NORMAL} priority and waits for its outcome; see {@link
   * #run(ActionEffect, Priority)}.
   *
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @param effect the effect to run
   * @return the effect's outcome
   */
  public <E, T> Outcome<E, T> run(ActionEffect<E, T> effect) {
    return run(effect, Priority.NORMAL);
  }

  /**
   * Runs {@code effect} at {@code priority} and waits for its outcome, blocking the calling thread.
   *
   * <p>Inside an effect, compose with {@code flatMap} instead. A compute body that calls {@code
   * run} would block a worker on work that may need that very worker, so it is refused at once; a
   * blocking body may call it (its virtual thread lends its blocking permit while it waits). If
   * the waiting thread is interrupted, the effect is cancelled, the interrupt is restored and the
   * outcome is {@code Faulted(Cancelled)} (or the outcome, if it was already known).
   *
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @param effect the effect to run
   * @param priority the priority it runs at
   * @return the effect's outcome
   * @throws IllegalStateException if called on a worker of this runtime's scheduler, or from the
   *     steps another run() of this runtime evaluates on its caller (docs/semantics.md, 8c); nothing is
   *     submitted then
   */
  public <E, T> Outcome<E, T> run(ActionEffect<E, T> effect, Priority priority) {
    refuseOnWorker("run");
    return await(core.start(effect, priority, null, null, true));
  }

  /**
   * Runs {@code effect} as {@code options} say (priority, timeout, name, attributes) and waits for
   * its outcome, blocking as {@link #run(ActionEffect, Priority)} does.
   *
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @param effect the effect to run
   * @param options how to run it
   * @return the effect's outcome
   * @throws IllegalStateException if called on a worker of this runtime's scheduler
   */
  public <E, T> Outcome<E, T> run(ActionEffect<E, T> effect, RunOptions options) {
    refuseOnWorker("run");
    Objects.requireNonNull(options, "options");
    return await(core.start(effect, options.priority(), options.timeout().orElse(null), options, true));
  }

  /**
   * Submits {@code effect} as {@code options} say and returns its handle: at {@code
   * options.priority()}, with the budget of {@code options.timeout()} if present (as {@link
   * #submitWithTimeout} does), reported under {@code options.name()} if present and with {@code
   * options.attributes()} in its {@link EffectInfo}.
   *
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @param effect the effect to submit
   * @param options how to run it
   * @return the handle of the submitted effect
   */
  public <E, T> EffectHandle<E, T> submit(ActionEffect<E, T> effect, RunOptions options) {
    return start(effect, options);
  }

  private <E, T> HandleFuture<E, T> start(ActionEffect<E, T> effect, RunOptions options) {
    Objects.requireNonNull(options, "options");
    return core.start(effect, options.priority(), options.timeout().orElse(null), options);
  }

  /**
   * Returns a snapshot of the root effects submitted and not yet complete, in no particular order:
   * what a dashboard shows as running or queued. Costs a scan of the in-flight registry; meant to be
   * polled, not called per effect.
   *
   * @return the in-flight root effects; a new list, empty if there are none
   */
  public List<EffectInfo> inFlight() {
    return core.inFlight();
  }

  /**
   * Cancels the in-flight root effect whose {@link EffectInfo#id()} is {@code effectId}, exactly as
   * its handle's {@link EffectHandle#cancel(String)} would: what a dashboard or an operator's tool
   * does with an id from {@link #inFlight()} or a listener. Costs a scan of the in-flight registry.
   *
   * @param effectId the id of a root effect of this runtime
   * @param reason why it is cancelled; carried by its {@code Fault.Cancelled}
   * @return true if this call cancelled it; false if no such effect is in flight here (never
   *     submitted to this runtime, or already complete) or it was cancelled already
   * @throws NullPointerException if {@code reason} is null
   */
  public boolean cancel(long effectId, String reason) {
    Objects.requireNonNull(reason, "reason");
    return core.cancel(effectId, reason);
  }

  /**
   * Submits {@code effect} at {@code NORMAL} priority and returns its handle.
   *
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @param effect the effect to submit
   * @return the handle of the submitted effect
   */
  public <E, T> EffectHandle<E, T> submit(ActionEffect<E, T> effect) {
    return core.start(effect, Priority.NORMAL, null, null);
  }

  /**
   * Submits {@code effect} at {@code priority} and returns its handle.
   *
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @param effect the effect to submit
   * @param priority the priority it runs at
   * @return the handle of the submitted effect
   */
  public <E, T> EffectHandle<E, T> submit(ActionEffect<E, T> effect, Priority priority) {
    return core.start(effect, priority, null, null);
  }

  /**
   * Submits {@code effect} at {@code NORMAL} priority and returns its result as a plain future; see
   * {@link #future(ActionEffect, Priority)}.
   *
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @param effect the effect to submit
   * @return a future of the effect's value
   */
  public <E, T> CompletableFuture<T> future(ActionEffect<E, T> effect) {
    return future(effect, Priority.NORMAL);
  }

  /**
   * Submits {@code effect} at {@code priority} and returns a {@code CompletableFuture} of its value,
   * for code built on futures (Spring, JAX-RS, gRPC and the like) rather than on {@link Outcome}s.
   * A success completes the future with its value; anything else completes it exceptionally with:
   *
   * <table class="striped">
   *   <caption>How an outcome that is not a success completes the future</caption>
   *   <thead><tr><th scope="col">outcome</th><th scope="col">exception</th></tr></thead>
   *   <tbody>
   *     <tr><th scope="row">{@code Failure(error)}</th>
   *         <td>{@link EffectException} whose {@link EffectException#outcome() outcome()} is that
   *         {@code Failure}, so the typed error is one pattern away:
   *         {@code e.outcome() instanceof Outcome.Failure<?, ?>(var error)}</td></tr>
   *     <tr><th scope="row">{@code Faulted(TimedOut)}</th>
   *         <td>{@link java.util.concurrent.TimeoutException}, whose message is the fault's
   *         message</td></tr>
   *     <tr><th scope="row">{@code Faulted(Cancelled)}</th>
   *         <td>{@link java.util.concurrent.CancellationException}, whose message is the fault's
   *         message; the future then {@linkplain CompletableFuture#isCancelled() is
   *         cancelled}</td></tr>
   *     <tr><th scope="row">{@code Faulted(Panic(cause))}</th>
   *         <td>{@code cause} itself, as if the body had thrown it to the caller</td></tr>
   *     <tr><th scope="row">{@code Faulted(Rejected)}, {@code Faulted(CapabilityMissing)}, {@code
   *         Faulted(ShutdownFailed)}</th>
   *         <td>{@link FaultException} carrying the fault</td></tr>
   *   </tbody>
   * </table>
   *
   * <p>As for any {@code CompletableFuture}, {@code join()} wraps the exception in a {@link
   * java.util.concurrent.CompletionException} and {@code get()} in an {@link
   * java.util.concurrent.ExecutionException}, except a {@code CancellationException}, which both
   * throw unwrapped (newer JDKs throw a fresh one whose cause is the stored one; {@code
   * exceptionally} and {@code handle} see the stored one, with the fault's message). A body's own {@code TimeoutException} or {@code CancellationException} (a panic)
   * looks like the runtime's; use {@link #submit} and the outcome where the difference matters.
   *
   * <p>Cancelling the future ({@code cancel(true)} or {@code cancel(false)}) cancels the effect,
   * as {@link EffectHandle#cancel()} does: a queued effect never starts, a running one sees its
   * token, a blocking body is interrupted, and finalizers run. So does completing it in any other
   * way before the effect finishes ({@code complete}, {@code completeExceptionally}, {@code
   * orTimeout}), so a caller's own deadline stops the work too.
   *
   * <p>Non-async dependents run on the thread that completes the future (usually a worker), as
   * with any {@code CompletableFuture}. Async dependents without an explicit executor ({@code
   * thenApplyAsync(fn)} and friends, at any depth of the chain) run on this runtime's scheduler at
   * {@code priority} ({@link EchoScheduler#executor(Priority)}), never in the common pool; keep them
   * short and non-blocking, or pass an executor. Once the scheduler is shut down they complete
   * exceptionally with a {@link java.util.concurrent.RejectedExecutionException}.
   *
   * @param effect the effect to submit
   * @param priority the priority the effect and the future's async dependents run at
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @return a future of the effect's value; never null, and already complete if the effect was
   *     refused at submission (a missing capability, or a runtime that is shut down)
   */
  public <E, T> CompletableFuture<T> future(ActionEffect<E, T> effect, Priority priority) {
    HandleFuture<E, T> handle = core.start(effect, priority, null, null);
    return FutureBridge.of(handle, core.scheduler.executor(priority));
  }

  /**
   * Runs {@code effect} at {@code NORMAL} priority with a budget of {@code timeout} covering queue
   * wait and execution; see {@link #submitWithTimeout}.
   *
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @param effect the effect to run
   * @param timeout the budget, starting now
   * @return the effect's outcome, {@code Faulted(TimedOut(timeout))} if the budget ran out
   */
  public <E, T> Outcome<E, T> runWithTimeout(ActionEffect<E, T> effect, Duration timeout) {
    return runWithTimeout(effect, timeout, Priority.NORMAL);
  }

  /**
   * Runs {@code effect} at {@code priority} with a budget of {@code timeout}, blocking as {@link
   * #run(ActionEffect, Priority)} does; see {@link #submitWithTimeout}.
   *
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @param effect the effect to run
   * @param timeout the budget, starting now
   * @param priority the priority it runs at
   * @return the effect's outcome, {@code Faulted(TimedOut(timeout))} if the budget ran out
   * @throws IllegalStateException if called on a worker of this runtime's scheduler
   */
  public <E, T> Outcome<E, T> runWithTimeout(ActionEffect<E, T> effect, Duration timeout, Priority priority) {
    refuseOnWorker("runWithTimeout");
    return await(core.start(effect, priority, Objects.requireNonNull(timeout, "timeout"), null, true));
  }

  /**
   * Submits {@code effect} at {@code priority} with a budget of {@code timeout} that starts now and
   * covers queue wait and execution. At the deadline the handle completes with {@code
   * Faulted(TimedOut(timeout))} and the effect is cancelled: if still queued it never starts, a
   * compute body sees its token, a blocking body is interrupted. A zero timeout has expired
   * before the effect could start: the handle completes with {@code Faulted(TimedOut(PT0S))} at once
   * and nothing runs.
   *
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @param effect the effect to submit
   * @param timeout the budget, starting now
   * @param priority the priority it runs at
   * @return the handle of the submitted effect
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public <E, T> EffectHandle<E, T> submitWithTimeout(
      ActionEffect<E, T> effect, Duration timeout, Priority priority) {
    return core.start(effect, priority, Objects.requireNonNull(timeout, "timeout"), null);
  }

  /**
   * Runs {@code effect} at {@code NORMAL} priority, retried under {@code policy}; see {@link
   * ActionEffect#retry}.
   *
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @param effect the effect to run
   * @param policy decides whether and after what delay to retry
   * @return the outcome of the last attempt
   */
  public <E, T> Outcome<E, T> runWithRetry(ActionEffect<E, T> effect, RetryPolicy policy) {
    return runWithRetry(effect, policy, Priority.NORMAL);
  }

  /**
   * Runs {@code effect} at {@code priority}, retried under {@code policy}.
   *
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @param effect the effect to run
   * @param policy decides whether and after what delay to retry
   * @param priority the priority it runs at
   * @return the outcome of the last attempt
   */
  public <E, T> Outcome<E, T> runWithRetry(ActionEffect<E, T> effect, RetryPolicy policy, Priority priority) {
    return run(Objects.requireNonNull(effect, "effect").retry(policy), priority);
  }

  /**
   * Shuts the runtime down and waits for it: stops accepting effects (later submissions complete
   * at once with {@code Faulted(Rejected)}), gives in-flight effects until {@code deadline} to
   * finish, cancels the rest and waits up to {@link #UNWIND_GRACE} for them to finish unwinding
   * (their finalizers run before any hook), runs the shutdown hooks in registration order (each
   * within its own timeout, every one attempted), then shuts down the scheduler and waits for its
   * threads within what is left of the grace. It returns within {@code deadline + UNWIND_GRACE + }
   * the sum of the hooks' timeouts; a deadline too long to represent (such as {@code
   * ChronoUnit.FOREVER.getDuration()}) means "wait for the effects as long as they take". Calling
   * it again, concurrently or later, returns the first call's report.
   *
   * <p>An effect cannot wait for a shutdown that waits for that effect: called from a worker or a
   * blocking body of this runtime's scheduler, it is refused; use {@link #shutdownAsync} there.
   *
   * @param deadline how long in-flight effects may take to finish before they are cancelled
   * @return what the shutdown did: the first call's report on every call
   * @throws IllegalArgumentException if {@code deadline} is negative
   * @throws IllegalStateException if called from a thread of this runtime's scheduler
   */
  public ShutdownReport shutdown(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative()) {
      throw new IllegalArgumentException("deadline must not be negative, was " + deadline);
    }
    if (core.scheduler.isWorkerThread() || core.scheduler.isBlockingThread() || Fiber.evaluatingOnCaller(core)) {
      throw new IllegalStateException("shutdown(" + deadline + ") was called from inside an effect of this "
          + "runtime: it would wait for the very effect that called it. Call shutdownAsync(deadline) "
          + "there, or shut down from outside the runtime");
    }
    CompletableFuture<ShutdownReport> mine = new CompletableFuture<>();
    CompletableFuture<ShutdownReport> first = shutdown.compareAndExchange(null, mine);
    if (first != null) {
      return first.join();
    }
    try {
      ShutdownReport report = ShutdownSequence.run(core, hooks, deadline);
      if (ownedTimer != null) {
        ownedTimer.close();
      }
      mine.complete(report);
    } catch (Throwable t) {
      mine.completeExceptionally(t);
    }
    return mine.join();
  }

  /**
   * Starts {@link #shutdown(Duration)} on a new platform thread named {@code echo-shutdown} (not a
   * daemon, so the JVM waits for it) and returns its report's future; safe from inside an effect,
   * whose own completion the drain then waits for.
   *
   * @param deadline how long in-flight effects may take to finish before they are cancelled
   * @return a future completed with the shutdown's report
   * @throws IllegalArgumentException if {@code deadline} is negative
   */
  public CompletableFuture<ShutdownReport> shutdownAsync(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative()) {
      throw new IllegalArgumentException("deadline must not be negative, was " + deadline);
    }
    CompletableFuture<ShutdownReport> report = new CompletableFuture<>();
    Thread.ofPlatform().name("echo-shutdown").daemon(false).start(() -> {
      try {
        report.complete(shutdown(deadline));
      } catch (Throwable t) {
        report.completeExceptionally(t);
      }
    });
    return report;
  }

  /**
   * Shuts down with {@link #DEFAULT_SHUTDOWN_DEADLINE}, so it returns within 31 s plus the hooks'
   * timeouts; idempotent.
   *
   * @throws IllegalStateException if called from a thread of this runtime's scheduler
   */
  @Override
  public void close() {
    shutdown(DEFAULT_SHUTDOWN_DEADLINE);
  }

  private void refuseOnWorker(String method) {
    if (core.scheduler.isWorkerThread() || Fiber.evaluatingOnCaller(core)) {
      throw new IllegalStateException(method + "() blocks, and was called inside an effect of this runtime "
          + "(on a worker of its scheduler, or in the steps a run() evaluates on its caller), where it would "
          + "wait for work that may need this very thread. Inside an effect, "
          + "compose with flatMap (or all/race) instead; elsewhere, submit() and react to the handle");
    }
  }

  /** Waits for {@code handle}; an interrupt cancels the effect and is restored. */
  private <E, T> Outcome<E, T> await(HandleFuture<E, T> handle) {
    try {
      if (core.scheduler.isBlockingThread()) {
        return core.scheduler.await(handle); // lends the blocking body's permit while it waits
      }
      return handle.awaitOutcome();
    } catch (InterruptedException e) {
      handle.cancel("the thread waiting for the effect's outcome was interrupted");
      Thread.currentThread().interrupt();
      return handle.join();
    } catch (ExecutionException e) {
      // A handle always completes normally, with an outcome.
      throw new IllegalStateException("an effect handle completed exceptionally", e.getCause());
    }
  }

  /**
   * Returns true once {@link #shutdown} has begun.
   *
   * @return whether {@link #shutdown} has begun
   */
  public boolean isShutdown() {
    return core.closed;
  }

  /**
   * Returns the environment effects draw their capabilities from.
   *
   * @return the runtime's environment
   */
  public Environment environment() {
    return core.environment;
  }

  /**
   * Returns the scheduler effects run on.
   *
   * @return the runtime's scheduler
   */
  public EchoScheduler scheduler() {
    return core.scheduler;
  }

  /**
   * Returns the clock this runtime measures time with.
   *
   * @return the runtime's clock
   */
  public Clock clock() {
    return core.clock;
  }

  /**
   * Returns the timer that drives sleeps, timeouts, retry delays and shutdown deadlines.
   *
   * @return the runtime's timer
   */
  public Timer timer() {
    return core.timer;
  }

  /**
   * Returns a snapshot of the runtime's counters.
   *
   * @return the counters as of this call
   */
  public RuntimeStats stats() {
    return core.stats();
  }

  /** Configures an {@link ApplicationRuntime}; validates in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private Environment environment = Environment.empty();
    private EchoScheduler scheduler;
    private Clock clock = Clock.system();
    private Timer timer;
    private boolean ownsTimer;
    private final List<ShutdownSequence.Hook> hooks = new ArrayList<>();
    private final List<RuntimeListener> listeners = new ArrayList<>();
    private final List<ContextPropagator> propagators = new ArrayList<>();
    private Logging logging = Logging.QUIET;

    private Builder() {}

    /**
     * Adds a listener told about every root effect's life; several may be added and are told in
     * order. A runtime without listeners pays nothing for them but a null check per event site.
     *
     * @param listener the listener to add
     * @return this builder
     */
    public Builder listener(RuntimeListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Adds a context propagator: the context it captures on the submitting thread is restored
     * around every part of the effect, on workers, on blocking bodies' virtual threads and in
     * cancellation actions (see {@link ContextPropagator}). Several may be added; they capture and
     * restore in order and close in reverse. A runtime without one pays a null check per
     * submission and per run of the interpreter.
     *
     * @param propagator the propagator to add
     * @return this builder
     */
    public Builder contextPropagator(ContextPropagator propagator) {
      propagators.add(Objects.requireNonNull(propagator, "propagator"));
      return this;
    }

    /**
     * Sets the levels per-effect lines are logged at (default {@link Logging#QUIET}).
     *
     * @param logging the log levels
     * @return this builder
     */
    public Builder logging(Logging logging) {
      this.logging = Objects.requireNonNull(logging, "logging");
      return this;
    }

    /**
     * Sets the environment of capabilities (default: empty).
     *
     * @param environment the capabilities effects draw on
     * @return this builder
     */
    public Builder environment(Environment environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Sets the scheduler effects run on (default: a new {@link EchoScheduler#create()}); the
     * runtime shuts it down in {@link #shutdown}.
     *
     * @param scheduler the scheduler effects run on
     * @return this builder
     */
    public Builder scheduler(EchoScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets the clock (default {@link Clock#system()}).
     *
     * @param clock the clock the runtime measures time with
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the timer for sleeps, timeouts, retry delays and shutdown waits. By default the runtime
     * creates a {@link SystemTimer} of its own (a daemon thread named {@code echo-timer-N}) and
     * closes it at the end of {@link #shutdown}; a timer set here is never closed by the runtime.
     *
     * @param timer the timer; the runtime does not close it
     * @return this builder
     */
    public Builder timer(Timer timer) {
      this.timer = Objects.requireNonNull(timer, "timer");
      return this;
    }

    /**
     * Adds a shutdown hook; hooks run in registration order after in-flight effects are drained or
     * cancelled. A hook that does not finish within {@code timeout} is interrupted and recorded as
     * timed out; the next one runs regardless.
     *
     * @param name the hook's name in the shutdown report
     * @param timeout how long the hook may run before it is interrupted
     * @param action the work the hook does
     * @return this builder
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
     * @return a new runtime configured by this builder
     * @throws IllegalStateException if no scheduler was set
     */
    public ApplicationRuntime build() {
      if (scheduler == null) {
        scheduler = EchoScheduler.create();
      }
      if (timer == null) {
        timer = SystemTimer.create("echo-timer-" + TIMERS.getAndIncrement());
        ownsTimer = true;
      }
      return new ApplicationRuntime(this);
    }
  }
}
