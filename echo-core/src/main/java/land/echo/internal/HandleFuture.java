package land.echo.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import land.echo.ActionEffect;
import land.echo.EffectHandle;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.RunOptions;
import land.echo.spi.ContextPropagator;
import land.echo.spi.EffectInfo;
import land.echo.time.Timer;

/**
 * The handle of a root effect: the {@link EffectHandle} callers hold and the future behind {@link
 * EffectHandle#outcome()}. Thread-safe, like {@code CompletableFuture}.
 *
 * <p>It is a separate object from the root {@link Fiber}, so callers never reach the interpreter
 * (a fiber is a {@code Runnable} and must never be run twice). Only the runtime completes it, and
 * always normally, with an {@link Outcome}: the mutators are blocked, and {@link #cancel(boolean)}
 * cancels the effect, after which the future holds {@code Faulted(Cancelled)}. It therefore keeps
 * the {@code Future} contract: it is never "cancelled" in {@code Future}'s sense ({@link
 * #isCancelled()} stays false and {@link #get()} returns the outcome), so {@code cancel(boolean)}
 * returns false; {@link #cancel()} and {@link #cancel(String)} say whether the call cancelled the
 * effect.
 *
 * <p>The handle also carries the root's runtime book-keeping: the claim that elects the single
 * completer ({@link #complete0}), the slot in the {@link InFlightRegistry} (kept in the root fiber's index, held until the root's
 * whole tree has stopped, see {@link #quiescent()}) and the timer of a whole-effect deadline,
 * and what {@link EffectInfo} reports: the {@link RunOptions} (null for none), an id drawn the
 * first time one is needed (so an effect that nobody logs, lists or observes costs no shared
 * counter), and the two timestamps, taken only while the runtime has listeners.
 */
public final class HandleFuture<E, T> extends CompletableFuture<Outcome<E, T>>
    implements EffectHandle<E, T>, BooleanSupplier {
  private static final VarHandle STATE;
  private static final VarHandle OBSERVATION;
  private static final VarHandle ID;
  /** The {@link #state} of a claimed handle: its single completer has been elected. */
  private static final Object CLAIMED = new Object();

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      STATE = lookup.findVarHandle(HandleFuture.class, "state", Object.class);
      OBSERVATION = lookup.findVarHandle(HandleFuture.class, "observation", Observation.class);
      ID = lookup.findVarHandle(Observation.class, "id", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Field count matters: a root costs its fiber, this handle and its Outcome ("bytes per effect" in
  // echo-bench). With the two fields CompletableFuture has, these three fill 32 bytes exactly
  // (12-byte headers, compressed references). The registry slot lives in the root fiber's index;
  // the effect, the deadline and the context, which a plain run needs none of, in the observation.
  /** The root fiber; set once, right after construction, before the handle is published. */
  public Fiber<E, T> fiber;
  /**
   * Null, or the thread parked in {@link #awaitOutcome} (to be unparked once the handle is
   * complete), until the handle is claimed; then {@link #CLAIMED}. One field elects the single
   * completer and hands it the waiter, so the claim and the wake-up cannot miss each other.
   * Waiting here instead of in {@code CompletableFuture.get} saves its {@code Signaller}, the
   * largest object of a {@code run(effect)} round trip ("bytes per effect" in echo-bench).
   */
  private volatile Object state;
  /**
   * Null until a log line, a listener, {@code inFlight()}, a deadline or a context propagator
   * first needs it; created at construction when the effect was submitted with {@link
   * RunOptions}, which it holds, or when the effect itself is needed later (see {@link
   * #keepsEffect}).
   */
  private volatile Observation observation;

  public HandleFuture(ActionEffect<?, ?> effect) {
    this(effect, null);
  }

  public HandleFuture(ActionEffect<?, ?> effect, RunOptions options) {
    if (options != null || keepsEffect(effect)) {
      this.observation = new Observation(options, effect);
    }
  }

  /**
   * Whether the root effect is needed once it has started: for its {@code named(..)} name ({@link
   * #name()}) or as a retried root ({@link #rootEffect()}). Any other effect's handle keeps none,
   * and creates its observation without one when first asked, with the same answers.
   */
  private static boolean keepsEffect(ActionEffect<?, ?> effect) {
    return explicitName(effect) != null || effect instanceof Node.Retry<?, ?>;
  }

  /**
   * The options, id and times of a root, kept apart so that an effect submitted without options
   * that nobody logs, lists or listens to pays neither the bytes nor a shared counter (the "bytes
   * per effect" benchmark).
   */
  public static final class Observation {
    /** Name and attributes of this execution; null when submitted without {@link RunOptions}. */
    final RunOptions options;
    /** The root effect, if it was kept ({@link #keepsEffect}); null otherwise. */
    final ActionEffect<?, ?> effect;
    /** The deadline's timer entry, withdrawn when the handle completes first; null for none. */
    volatile Timer.Cancellable deadline;
    /**
     * The root's context snapshot ({@link Fiber#context()}), or null. Written once by {@link
     * RuntimeCore#start} after its listeners were told (so that a propagator that also listens
     * finds what it opened) and before the root is first submitted, which publishes it.
     */
    ContextPropagator.Captured context;
    /** The effect's id, or 0 until first needed (ids start at 1). */
    private volatile long id;
    /** The clock at submission, or -1; written only while the runtime has listeners. */
    volatile long submittedNanos = -1;
    /** The clock when the fiber first ran, or -1; written only while the runtime has listeners. */
    volatile long startedNanos = -1;
    /**
     * The snapshot listeners were last given, kept once the effect has started: from then on
     * nothing in it changes, so the step and completion events of a listened-to effect share one
     * instead of allocating one each.
     */
    volatile EffectInfo started;

    Observation(RunOptions options, ActionEffect<?, ?> effect) {
      this.options = options;
      this.effect = effect;
    }
  }

  /** Returns the root effect if it was kept: only a named or retried root keeps it ({@link #keepsEffect}). */
  public ActionEffect<?, ?> rootEffect() {
    Observation o = observation;
    return o == null ? null : o.effect;
  }

  /** Returns the root's context snapshot, or null (see {@link Fiber#context()}). */
  ContextPropagator.Captured context() {
    Observation o = observation;
    return o == null ? null : o.context;
  }

  /** Returns the deadline's timer entry, or null if the root has no deadline. */
  public Timer.Cancellable deadline() {
    Observation o = observation;
    return o == null ? null : o.deadline;
  }

  /** Returns this root's options, or null if it was submitted without. */
  public RunOptions options() {
    Observation o = observation;
    return o == null ? null : o.options;
  }

  /** Returns this root's observation, creating it (and drawing its id) on first use; safe from any thread. */
  public Observation observation() {
    Observation current = observation;
    if (current != null) {
      return current;
    }
    Observation mine = new Observation(null, null);
    Observation witness = (Observation) OBSERVATION.compareAndExchange(this, null, mine);
    return witness == null ? mine : witness;
  }

  /** Returns this effect's id, drawing it from the runtime on first use; safe from any thread. */
  public long id() {
    Observation o = observation();
    long id = o.id;
    if (id != 0) {
      return id;
    }
    long mine = RuntimeCore.nextEffectId();
    long witness = (long) ID.compareAndExchange(o, 0L, mine);
    return witness == 0 ? mine : witness;
  }

  /** Returns a snapshot of this root for listeners and {@code inFlight()}. */
  public EffectInfo info() {
    Observation o = observation();
    EffectInfo cached = o.started;
    if (cached != null) {
      return cached;
    }
    Map<String, Object> attributes = o.options == null ? Map.of() : o.options.attributes();
    long startedNanos = o.startedNanos;
    EffectInfo info = new EffectInfo(id(), name(), fiber.priority(), o.submittedNanos, startedNanos, attributes);
    if (startedNanos != -1) {
      o.started = info; // final from here on (racing builders build equal snapshots)
    }
    return info;
  }

  /** Called by the root fiber each time it starts a run while the runtime has listeners. */
  public void running() {
    if (observation().startedNanos == -1 && !isDone()) {
      fiber.core.rootStarted(this);
    }
  }

  /**
   * Completes the handle with {@code outcome} unless it is already complete. The runtime's
   * book-keeping (counters, logging) happens first, so that it is visible to whoever the
   * completion wakes; whatever that book-keeping throws, a claimed handle is completed. Safe from
   * any thread.
   *
   * @return true if this call completed the handle
   */
  public boolean complete0(Outcome<E, T> outcome) {
    Object waiter = claim();
    if (waiter == null) {
      return false;
    }
    completeClaimed(outcome, waiter);
    return true;
  }

  /** Test hook (package-private, null in production): runs in {@link #claim} between reading the state and its CAS. */
  static volatile Runnable beforeClaimCas;

  /**
   * Elects this call the single completer; returns null if another call won, else the thread
   * waiting in {@link #awaitOutcome} (or this handle, standing for none) to wake once complete.
   */
  private Object claim() {
    Object s = state;
    while (s != CLAIMED) {
      Runnable hook = beforeClaimCas;
      if (hook != null) {
        hook.run();
      }
      Object witness = STATE.compareAndExchange(this, s, CLAIMED);
      if (witness == s) {
        return s == null ? this : s;
      }
      s = witness;
    }
    return null;
  }

  private void completeClaimed(Outcome<E, T> outcome, Object waiter) {
    try {
      fiber.core.rootCompleted(this, outcome);
    } catch (Throwable t) {
      RuntimeCore.logQuietly("Book-keeping of a completed effect failed", t);
    } finally {
      super.complete(outcome);
      // After complete: a waiter woken earlier would find the handle not done and park again.
      if (waiter instanceof Thread w) {
        LockSupport.unpark(w);
      }
      // Last: withdrawing the timer entry only frees it (a deadline that fires meanwhile finds
      // the handle claimed and does nothing), so whoever waits for the outcome does not wait for it.
      Timer.Cancellable d = deadline();
      if (d != null) {
        try {
          d.cancel();
        } catch (Throwable t) {
          RuntimeCore.logQuietly("Withdrawing the deadline of a completed effect failed", t);
        }
      }
    }
  }

  /**
   * Returns whether this handle is complete: the condition {@link #awaitOutcome} spins on.
   *
   * @return {@link #isDone()}
   */
  @Override
  public boolean getAsBoolean() {
    return isDone();
  }

  /**
   * Waits for the outcome on the calling thread, the one waiter {@code ApplicationRuntime.run}
   * has: it parks until {@link #completeClaimed} unparks it, allocating nothing. Other callers use
   * the {@code CompletableFuture} methods.
   *
   * @throws InterruptedException if the thread is interrupted while waiting (its flag is cleared)
   */
  public Outcome<E, T> awaitOutcome() throws InterruptedException {
    if (isDone()) {
      return join();
    }
    // The scheduler's spinBeforePark, when it is likely to pay off: a short effect completes
    // meanwhile, and its worker then needs not wake this thread (EchoScheduler#spinWait).
    if (fiber.core.scheduler.spinWait(this)) { // this, not this::isDone: no object per run()
      return join();
    }
    Thread me = Thread.currentThread();
    if (!STATE.compareAndSet(this, null, me)) {
      // Already claimed: the completer is finishing its book-keeping. Wait as any caller would.
      try {
        return get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("an effect handle completed exceptionally", e.getCause());
      }
    }
    try {
      while (!isDone()) {
        LockSupport.park(this);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
    } finally {
      STATE.compareAndSet(this, me, null); // withdraw, unless a completer already took it
    }
    return join();
  }

  /**
   * Cancels the effect with {@code cause}: the fiber is marked cancelled, the handle completes with
   * {@code Faulted(cause)} at once, then the fiber's suspension and subtree are signalled. Marking
   * comes before completing, so whoever the completion wakes can rely on it: a queued effect whose
   * handle reports the cancellation never starts its body. Safe from any thread.
   *
   * @return true if this call completed the handle
   */
  public boolean cancelWith(Fault cause) {
    Object waiter = claim();
    if (waiter == null) {
      return false;
    }
    boolean marked = fiber.markCancelled(cause);
    if (fiber.core.listeners != null) {
      fiber.core.rootCancelled(this, cause);
    }
    completeClaimed(new Outcome.Faulted<>(cause), waiter);
    if (marked) {
      Fiber.propagate(fiber, cause);
    }
    return true;
  }

  /** The root's whole tree has stopped running: leave the registry. Called exactly once per registered root. */
  public void quiescent() {
    if (fiber.index() != InFlightRegistry.NONE) {
      fiber.core.rootQuiescent(this);
    }
  }

  /**
   * Returns the name this execution is logged and reported under: the {@link RunOptions} name, else
   * the effect's {@code named(..)} name, else {@code effect#<id>} (never a node kind such as {@code
   * map}, which says nothing about which effect it was).
   */
  public String name() {
    RunOptions options = options();
    if (options != null && options.name().isPresent()) {
      return options.name().get();
    }
    String named = explicitName(rootEffect());
    return named != null ? named : "effect#" + id();
  }

  /**
   * Returns the name {@code effect} was given with {@code named}, looked up through a few
   * enclosing operators as {@link ActionEffect#name()} does, or null if it has none.
   */
  public static String explicitName(ActionEffect<?, ?> effect) {
    ActionEffect<?, ?> node = effect; // null: none
    for (int hops = 0; hops < 16; hops++) {
      if (node instanceof Node.Named<?, ?> named) {
        return named.name;
      }
      if (!(node instanceof Node.Wrapper<?, ?> wrapper)) {
        return null;
      }
      node = wrapper.source;
    }
    return null;
  }

  @Override
  public CompletableFuture<Outcome<E, T>> outcome() {
    return this;
  }

  @Override
  public boolean cancel() {
    return cancel("cancelled by the caller");
  }

  @Override
  public boolean cancel(String reason) {
    Objects.requireNonNull(reason, "reason");
    return cancelWith(new Fault.Cancelled(reason));
  }

  /**
   * Cancels the effect, as {@link #cancel()} does ({@code mayInterruptIfRunning} is implied for
   * blocking bodies). The future then holds {@code Faulted(Cancelled)}, a normal completion, so this
   * method returns false and {@link #isCancelled()} stays false, as {@code Future} requires.
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    cancel("cancelled through the handle's future");
    return false;
  }

  /**
   * Returns the runtime's scheduler at the effect's priority, so that async dependents without an
   * explicit executor ({@code thenApplyAsync(fn)} and friends) run on an Echo worker at the
   * effect's priority rather than in the common pool.
   */
  @Override
  public Executor defaultExecutor() {
    return fiber.core.scheduler.executor(fiber.priority());
  }

  /**
   * Returns a plain future for dependent stages, so that {@code thenApply} and friends never create
   * handles; it is not read-only, and its own async dependents also run on {@link
   * #defaultExecutor()}.
   */
  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new DependentFuture<>(defaultExecutor());
  }

  /** Not supported: only the runtime completes an effect's handle. */
  @Override
  public boolean complete(Outcome<E, T> value) {
    throw readOnly();
  }

  /** Not supported: only the runtime completes an effect's handle. */
  @Override
  public boolean completeExceptionally(Throwable ex) {
    throw readOnly();
  }

  /** Not supported: only the runtime completes an effect's handle. */
  @Override
  public void obtrudeValue(Outcome<E, T> value) {
    throw readOnly();
  }

  /** Not supported: only the runtime completes an effect's handle. */
  @Override
  public void obtrudeException(Throwable ex) {
    throw readOnly();
  }

  /** Not supported: only the runtime completes an effect's handle. */
  @Override
  public CompletableFuture<Outcome<E, T>> completeAsync(Supplier<? extends Outcome<E, T>> supplier, Executor executor) {
    throw readOnly();
  }

  /** Not supported: use a runtime timeout, which also cancels the effect. */
  @Override
  public CompletableFuture<Outcome<E, T>> orTimeout(long timeout, TimeUnit unit) {
    throw readOnly();
  }

  /** Not supported: use a runtime timeout, which also cancels the effect. */
  @Override
  public CompletableFuture<Outcome<E, T>> completeOnTimeout(Outcome<E, T> value, long timeout, TimeUnit unit) {
    throw readOnly();
  }

  @Override
  public String toString() {
    return "EffectHandle[" + name() + ", " + fiber.priority() + (isDone() ? ", " + join() : ", running") + "]";
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException(
        "an effect handle is completed only by the runtime; use cancel() or a runtime timeout");
  }
}
