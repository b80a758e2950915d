package land.echo.internal;

import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import land.echo.ActionEffect;
import land.echo.CancellationToken;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.RetryPolicy;
import land.echo.spi.ContextPropagator;
import land.echo.spi.Gate;
import land.echo.spi.StepInfo;
import land.echo.time.Clock;
import land.echo.time.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interpreter: runs one effect tree on the scheduler at one priority. Not thread-safe in
 * general; see the notes for which methods other threads may call.
 *
 * <h2>Implementation notes</h2>
 *
 * <p><b>One object per effect.</b> A fiber is at once the {@link Runnable} submitted to the
 * scheduler and the {@link CancellationToken} its bodies see. A root fiber's caller holds a
 * separate {@link HandleFuture}, so nobody outside the runtime can reach the fiber and run it a
 * second time.
 *
 * <p><b>Run loop.</b> {@link #runLoop(int, boolean)} evaluates nodes in a loop with an explicit, growable stack
 * of continuation frames. A composite node ({@code map}, {@code flatMap}, {@code recover}, {@code
 * catching}, {@code ensuring}, {@code transformWith}, {@code onExit}, {@code acquireRelease}) is
 * pushed as its own frame, so a step allocates nothing; {@code retry} pushes a small {@link
 * RetryState}, and an acquired resource a {@link Release} frame (the {@code acquireRelease} node's
 * frame, popped with the acquired value, pushes it before the use is built, so that from then on
 * exactly that frame releases); a {@code named} node pushes itself only while the runtime has
 * {@link land.echo.spi.RuntimeListener}s, to report the step's end. The registers are {@code r} (the node to evaluate, or
 * the current value, the domain error, or the runtime's {@link Fault}) and {@code m} (which of those it
 * is). No recursion: a chain or a recursion of any depth runs in constant JVM stack. After {@link
 * #YIELD_AFTER} steps (evaluations and frame pops alike) the fiber re-submits itself, so
 * higher-priority work queued meanwhile pre-empts it at effect granularity. Whatever a step throws
 * outside the guards around user code (a defect, or an {@code Error} such as {@code
 * OutOfMemoryError} while building a fault) becomes a {@code Panic} fault and unwinding goes on, so
 * every finalizer on the stack still runs and the handle still completes exactly once.
 *
 * <p><b>States.</b> A fiber is RUNNING (inside {@code runLoop} on exactly one thread), QUEUED (in
 * the scheduler), SUSPENDED (its {@link #suspension} names what it waits on: a {@link
 * BlockingCall}, a {@link SleepCall}, an {@link AsyncCall} or a {@link Join} of child fibers) or
 * DONE. Exactly one party resumes a suspension ({@link #resume}): the blocking call's thread, or
 * the winner of a CAS in {@link SleepCall}, {@link AsyncCall} or {@link Join}. After publishing
 * {@link #suspension} the run loop touches no fiber state again, because the fiber may already be
 * running elsewhere.
 *
 * <p><b>Cancellation</b> ({@link #signal}) CASes {@link #cancelState} from "live" (null or the
 * {@link CancelListeners}) to the cause, once; runs the listeners it replaced, then acts on the
 * current suspension: interrupts the blocking thread, cancels the sleep's timer or the async stage
 * (and resumes the fiber), or, for a join, marks every child cancelled and resumes the parent. The
 * walk down a tree of joins is iterative ({@link #propagate}), with an explicit work list, so a
 * cancellation through 100,000 nested {@code timeout}, {@code all} or {@code race} levels runs in
 * constant JVM stack. The race with a fiber that is just suspending is a Dekker pattern on two
 * volatiles: the fiber writes {@code suspension} then reads {@code cancelState}; the canceller
 * writes {@code cancelState} then reads {@code suspension}; at least one of them sees the other
 * and every suspension's own cancel is idempotent. A cancelled fiber converts its next evaluation
 * step into the fault, unwinds running only finalizers ({@code ensuring}, {@code onExit},
 * releases; a {@code transformWith} frame is skipped like a {@code flatMap}), and never retries.
 * The one join that does not pass a cancellation down is {@link Join.Acquire}: the acquisition of
 * {@code acquireRelease} runs on, and the join releases its resource if it still succeeds. A root's handle is
 * completed before the signal, so callers never wait for the victim (see docs/semantics.md). A
 * fiber that finishes swaps its listeners for {@link #FINISHED}: a later cancellation (a sibling
 * failing in {@code all}) runs no action of an effect that already completed.
 *
 * <p><b>Quiescence.</b> A root's handle may complete (by cancellation) long before its tree stops
 * running. Each fiber counts what keeps its subtree alive in {@link #live}: itself until it
 * finishes, plus one per join it forked until every child of that join has settled. A fiber that
 * never forked touches no counter of its own: it settles in its join as it delivers its result
 * (one atomic step in {@code all}), and a first fork raises the count with a plain write, as no
 * other thread can reach it before the children are published. When a subtree settles, {@link
 * #release(Fiber)} walks up to the root (iteratively) and finally tells the handle, which leaves
 * the runtime's registry; shutdown waits for that before it runs its hooks.
 *
 * <p>The design follows the run loops of cats-effect's {@code IOFiber} and ZIO's {@code
 * FiberRuntime} (explicit continuation stack, auto-yield), simplified to one kind of frame per
 * operator. The file is long because the run loop and the suspension and cancellation protocol are
 * one piece; the handle lives in {@link HandleFuture} and the listeners in {@link CancelListeners}.
 *
 * <p><b>Steps.</b> While a listener observes steps ({@link RuntimeCore#stepsObserved}), a {@code
 * named} step pushes a {@link StepFrame} that reports the step's end when popped, and a fork
 * pushes one at the bottom of each child's
 * stack ({@code all}, {@code race}, {@code firstSuccess}: a reporting {@code FORKED} step; {@code
 * timeout}, {@code acquireRelease}: a silent frame that only carries the enclosing step across).
 * The innermost enclosing step and retry attempt ({@link #scope()}) are found by walking the stack
 * down to the nearest step frame, so an unobserved fiber pays nothing and an observed one pays
 * only at step boundaries. A fiber finishes only with an empty stack (the run loop unwinds every
 * frame first, and a child settled unstarted by a cancelled fork never had one pushed), so every
 * step frame is popped and reported.
 *
 * <p><b>Context.</b> With a {@link ContextPropagator}, a root captures its submitter's context at
 * submission (on the submitting thread) into its handle's observation, and every join copies the
 * reference from its parent, so a fork captures nothing and {@link #context()} is two loads. {@link #run()} restores it once per quantum around {@link
 * #runLoop(int, boolean)}, which covers every compute body, async invocation, function and finalizer the loop
 * runs; {@link BlockingCall#run()} restores it around the blocking body on its virtual thread, and
 * {@link #markCancelled} and {@link #onCancel} around cancellation actions, on whichever thread
 * cancels (a deadline's hand-off thread included). Without a propagator each of those sites
 * reads the runtime's propagator field and pays one null check.
 *
 * <p><b>Size.</b> A root costs this object, its handle and its outcome ("bytes per effect" in
 * echo-bench), so the fiber is kept at 48 bytes (12-byte header, compressed references): nine
 * 4-byte fields and nothing else. Its mode, priority, "ever forked" mark and index share one int,
 * {@link #packed}, and the context lives with the root's handle and with each join.
 */
public final class Fiber<E, T> implements CancellationToken, Runnable, Gate.Run {

  /**
   * Evaluation steps per scheduling quantum before the fiber yields its worker. 1024 is the value
   * cats-effect uses for its auto-cede ("cede every 1024 iterations" in IOFiber) and keeps the cost
   * of the re-submission below 0.1% of a quantum of cheap steps.
   */
  public static final int YIELD_AFTER = 1024;

  /**
   * Steps a root may take on the thread that called {@code run} before it is handed to the
   * scheduler however far it got ({@link #runOnCaller}). The caller blocks anyway, so its steps
   * cost no worker anything; the bound only limits how long a low-priority chain of pure steps
   * runs outside the scheduler's order. Eight quanta cover a {@code flatMap} chain of depth 1,000
   * (its 1,000 frames are pushed before the first counted step, then about 1,000 steps) without a
   * hand-off.
   */
  public static final int CALLER_STEPS = 8 * YIELD_AFTER;

  /** Test hook (package-private, null in production): runs in {@link #markCancelled} between reading the state and its CAS. */
  static volatile Runnable beforeCancelCas;

  /**
   * Test hook (package-private, null in production): runs in a fork just before the join is
   * published as the suspension. A cancellation landing here finds no suspension to act on, so
   * only the fork's own check of the cancel state can resume the parent and settle the children.
   */
  static volatile Runnable beforeForkPublish;

  public static final int EVAL = 0;
  public static final int VALUE = 1;
  public static final int FAILURE = 2;
  public static final int FAULT = 3;
  private static final int DONE = 4;
  private static final Priority[] PRIORITIES = Priority.values();
  private static final Fiber<?, ?>[] NO_CHILDREN = {};
  /** The cancel state of a fiber that finished without being cancelled: it can no longer be. */
  private static final Object FINISHED = new Object();
  /**
   * The fault used when even allocating a {@code Panic} failed (the heap is exhausted): allocated
   * up front so that the last-resort path allocates nothing.
   */
  private static final Fault OUT_OF_MEMORY =
      new Fault.Panic(new OutOfMemoryError("the heap was exhausted while an effect failed"));

  private static final Logger LOG = LoggerFactory.getLogger("land.echo.Fiber");
  private static final VarHandle CANCEL_STATE;
  private static final VarHandle LIVE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      CANCEL_STATE = lookup.findVarHandle(Fiber.class, "cancelState", Object.class);
      LIVE = lookup.findVarHandle(Fiber.class, "live", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Bits of {@link #packed}: the mode, the priority, the "ever forked" mark, then the index. */
  private static final int MODE_MASK = 0b111;
  private static final int PRIORITY_SHIFT = 3;
  private static final int FORKED = 1 << 5;
  private static final int INDEX_SHIFT = 6;
  /** The most children one fork may have: its children's indexes must fit in {@link #packed}. */
  public static final int MAX_CHILDREN = (1 << (31 - INDEX_SHIFT)) - 1;

  // Field count matters: nine 4-byte fields fill 48 bytes (see "Size" above).
  public final RuntimeCore core;
  /** For a root, its {@link HandleFuture}; for a child, its {@link Join}. */
  private final Object link;
  /**
   * The mode (bits 0 to 2), the priority (3 and 4), whether this fiber ever forked a join (5:
   * until then {@link #live} is private to its own thread), and, signed, from bit 6 on, a child's
   * index in its join or a root's slot in the {@link InFlightRegistry} ({@link
   * InFlightRegistry#NONE} until registered, written before the root is first submitted). Only
   * the party running the fiber writes it (its submitter, before the first submission; the party
   * that resumes it), always whole, so a concurrent reader (a child releasing its parent) sees a
   * value with the bits that were set before it was published.
   */
  private int packed;
  private Object reg;
  private Object[] stack;
  private int sp;
  /** 1 for this fiber until it finishes, plus one per forked join not yet settled (see the notes). */
  private int live = 1;

  /**
   * Null or the {@link CancelListeners} while live; the cause ({@link Fault}) once cancelled;
   * {@link #FINISHED} once finished uncancelled. One field for all three keeps the fiber small;
   * the hot path reads it once per evaluation step.
   */
  private volatile Object cancelState;
  private volatile Object suspension;

  public Fiber(RuntimeCore core, Priority priority, ActionEffect<?, ?> effect, Object link, int index) {
    this.core = core;
    this.packed = (index << INDEX_SHIFT) | (priority.ordinal() << PRIORITY_SHIFT) | EVAL;
    this.link = link;
    this.reg = effect;
  }

  /**
   * Returns the root's context snapshot, captured at submission and shared by every child; null
   * when the runtime has no propagator. It was written before the root was first submitted, and a
   * join's before its children were, which publishes it.
   */
  public ContextPropagator.Captured context() {
    if (core.propagator == null) {
      return null;
    }
    return link instanceof Join j ? j.context : ((HandleFuture<?, ?>) link).context();
  }

  private int mode() {
    return packed & MODE_MASK;
  }

  private void mode(int m) {
    packed = (packed & ~MODE_MASK) | m;
  }

  private boolean forked() {
    return (packed & FORKED) != 0;
  }

  /** The runtime's clock (for {@link Gate#enter}). */
  @Override
  public Clock clock() {
    return core.clock;
  }

  /** The runtime's timer (for {@link Gate#enter}). */
  @Override
  public Timer timer() {
    return core.timer;
  }

  /** Returns the priority this fiber runs at. */
  @Override
  public Priority priority() {
    return PRIORITIES[(packed >>> PRIORITY_SHIFT) & 0b11];
  }

  /**
   * Returns the name of this fiber's effect, for logs: a child is named after its root, but one more
   * than 64 joins deep is named "effect", so that a log line never walks a deep tree.
   */
  public String name() {
    Object l = link;
    for (int hops = 0; hops < 64 && l instanceof Join j; hops++) {
      l = j.parent.link;
    }
    return l instanceof HandleFuture<?, ?> h ? h.name() : "effect";
  }

  /** Returns the handle of this fiber's root (walking up through the joins), or null if there is none. */
  public HandleFuture<?, ?> root() {
    Object l = link;
    while (l instanceof Join j) {
      l = j.parent.link;
    }
    return l instanceof HandleFuture<?, ?> h ? h : null;
  }

  // ------------------------------------------------------------------ the run loop

  @Override
  public void run() {
    // Trampoline: a fork returns its first child, which runs here without a queue round trip.
    Fiber<?, ?> next = this;
    do {
      Fiber<?, ?> current = next;
      // One scope per quantum covers every body, function and finalizer the loop runs.
      ContextPropagator.Captured context = current.context();
      ContextPropagator.Scope scope = context == null ? null : ContextScopes.enter(context);
      try {
        next = current.runLoop(YIELD_AFTER, false);
      } catch (Throwable t) {
        // Even the run loop's own guard failed (the heap is exhausted): unwind with a fault that
        // needs no allocation, so the finalizers still run and the handle still completes.
        current.reg = OUT_OF_MEMORY;
        current.mode(FAULT);
        next = current;
      } finally {
        if (scope != null) {
          ContextScopes.exit(scope);
        }
      }
    } while (next != null);
  }

  /**
   * Evaluates the synchronous prefix of this root on the thread that called {@code
   * ApplicationRuntime.run} and will block for the outcome anyway, then hands the rest to the
   * scheduler at the root's priority. The prefix is every step up to the first one that needs a
   * worker: a {@code compute}, {@code blocking} or {@code async} body, a fork ({@code all}, {@code
   * race}, {@code firstSuccess}, {@code timeout}, a non-trivial {@code acquireRelease}), or the
   * {@link #CALLER_STEPS}th step, whichever comes first. Pure values, {@code map} and {@code
   * flatMap} functions, error handlers, finalizers, {@code suspend} suppliers, retry decisions and
   * sleeps run here; no body runs here. So the caller's steps take no worker time, and nothing it
   * does is ordered before work queued on the workers: what needs a worker is queued at the
   * root's priority, as if submitted. An effect that needs no worker at all (a pure chain)
   * completes without a thread hand-off.
   *
   * <p>The root reports {@code started} to listeners only once the caller evaluates something
   * other than the structure around its first leaf ({@code map}, {@code flatMap}, {@code recover},
   * {@code catching}, {@code ensuring}, {@code transformWith}, {@code onExit} and {@code retry}
   * frames are pushed silently), so a root that begins with a body reports the same queueing time
   * as a submitted one. Called once, by {@link RuntimeCore#start}, before the fiber was ever
   * submitted.
   */
  public void runOnCaller() {
    try {
      if (!pushStructure()) {
        submit(); // nothing for the caller: the root starts with a body or a fork
        return;
      }
    } catch (Throwable t) {
      unwindOnAWorker();
      return;
    }
    ContextPropagator.Captured context = context();
    ContextPropagator.Scope scope = context == null ? null : ContextScopes.enter(context);
    RuntimeCore outer = CALLER_OF.get();
    CALLER_OF.set(core); // set back (to null at the outermost level, which keeps the thread's entry and allocates nothing next time)
    try {
      runLoop(CALLER_STEPS, true); // reports started first: the frames pushed so far were structure only
    } catch (Throwable t) {
      unwindOnAWorker();
    } finally {
      CALLER_OF.set(outer);
      if (scope != null) {
        ContextScopes.exit(scope);
      }
    }
  }

  /**
   * As in {@link #run()}: even the run loop's own guard failed (the heap is exhausted), so a worker
   * unwinds with a fault that needs no allocation; the finalizers still run and the handle still
   * completes.
   */
  private void unwindOnAWorker() {
    reg = OUT_OF_MEMORY;
    mode(FAULT);
    submit();
  }

  /**
   * The runtime whose root's prefix the current thread is evaluating in {@link #runOnCaller}, if
   * any: its functions, handlers and finalizers count as inside an effect, as they do on a worker.
   */
  private static final ThreadLocal<RuntimeCore> CALLER_OF = new ThreadLocal<>();

  /**
   * Returns whether the current thread is evaluating a prefix of a root of {@code core} ({@link
   * #runOnCaller}), where, as on its workers, a blocking {@code run} or {@code shutdown} of that
   * runtime is refused.
   */
  public static boolean evaluatingOnCaller(RuntimeCore core) {
    return CALLER_OF.get() == core;
  }

  /**
   * Pushes the frames of the structural nodes at the top of a root not yet run, and returns
   * whether the caller goes on with the node below them (false: it is a body or a fork, which a
   * worker evaluates).
   */
  private boolean pushStructure() {
    Object r = reg;
    while (true) {
      Node.Base<?, ?> e = (Node.Base<?, ?>) r;
      switch (e.tag) {
        case Node.MAP, Node.FLAT_MAP, Node.RECOVER, Node.CATCHING, Node.ENSURING, Node.TRANSFORM,
            Node.ON_EXIT -> {
          push(e);
          r = ((Node.Wrapper<?, ?>) e).source;
        }
        case Node.RETRY -> {
          Node.Retry<?, ?> retry = (Node.Retry<?, ?>) e;
          push(new RetryState(retry));
          r = retry.source;
        }
        default -> {
          reg = r;
          return !needsWorker(e);
        }
      }
    }
  }

  /** Whether evaluating {@code e} runs a body or forks, which only a worker does (see {@link #runOnCaller}). */
  private static boolean needsWorker(Node.Base<?, ?> e) {
    return switch (e.tag) {
      case Node.COMPUTE, Node.BLOCKING, Node.ASYNC, Node.ALL, Node.RACE, Node.FIRST_SUCCESS -> true;
      case Node.TIMEOUT -> !((Node.Timeout<?, ?>) e).after.isZero();
      case Node.ACQUIRE_RELEASE -> !(((Node.AcquireRelease<?, ?>) e).source instanceof Node.Pure<?, ?>);
      default -> false;
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Fiber<?, ?> runLoop(int budget, boolean onCaller) {
    if (mode() == DONE) {
      return null;
    }
    if (core.listeners != null && link instanceof HandleFuture<?, ?> handle && !(cancelState instanceof Fault)) {
      handle.running();
    }
    Object r = reg;
    int m = mode();
    reg = null;
    while (true) {
      try {
        // A cancelled fiber unwinds to the end without yielding: it only runs finalizers now.
        if (budget-- == 0 && !(cancelState instanceof Fault)) {
          reg = r;
          mode(m);
          requeue();
          return null;
        }
        if (m == EVAL) {
          if (cancelState instanceof Fault cause) {
            r = cause;
            m = FAULT;
            continue;
          }
          Node.Base<?, ?> e = (Node.Base<?, ?>) r;
          if (onCaller && needsWorker(e)) {
            // The end of the caller's prefix: the rest is queued at the root's priority.
            reg = e;
            mode(EVAL);
            submit();
            return null;
          }
          switch (e.tag) {
            case Node.PURE -> {
              r = ((Node.Pure<?, ?>) e).value;
              m = VALUE;
            }
            case Node.FAIL -> {
              r = ((Node.Fail<?, ?>) e).error;
              m = FAILURE;
            }
            case Node.COMPUTE, Node.BLOCKING, Node.ASYNC -> {
              Node.Leaf<?, ?> leaf = (Node.Leaf<?, ?>) e;
              Class<?> type = leaf.capabilityType();
              Object cap = null;
              if (type != null && (cap = core.lookup.apply(type)) == null) {
                r = missing(type);
                m = FAULT;
                break;
              }
              if (e.tag == Node.COMPUTE) {
                try {
                  r = leaf.call(cap, this);
                  m = VALUE;
                } catch (Throwable t) {
                  r = faultOf(t);
                  m = FAULT;
                }
                break;
              }
              if (e.tag == Node.BLOCKING) {
                Fault refused = startBlocking(leaf, cap);
                if (refused == null) {
                  return null;
                }
                r = refused;
                m = FAULT;
                break;
              }
              CompletionStage<?> stage;
              try {
                stage = ((Node.Async<?, ?>) leaf).callAsync(cap, this);
                Objects.requireNonNull(stage, "async body returned null");
              } catch (Throwable t) {
                r = faultOf(t);
                m = FAULT;
                break;
              }
              // Fast path for a plain CompletableFuture that is already complete; any other stage
              // (a minimal stage, a subclass, a foreign implementation) is only ever observed
              // through whenComplete, which every stage supports.
              if (stage.getClass() == CompletableFuture.class && ((CompletableFuture<?>) stage).isDone()) {
                try {
                  r = ((CompletableFuture<?>) stage).join();
                  m = VALUE;
                } catch (Throwable t) {
                  r = faultOf(t);
                  m = FAULT;
                }
                break;
              }
              Object failed = awaitStage(stage, ((Node.Async<?, ?>) leaf).cancelsStage);
              if (failed == null) {
                return null;
              }
              r = failed;
              m = FAULT;
            }
            case Node.SUSPEND -> {
              try {
                r = requireEffect(((Node.Suspend<?, ?>) e).supplier.get(), "suspend supplier");
              } catch (Throwable t) {
                r = faultOf(t);
                m = FAULT;
              }
            }
            case Node.RAISE -> {
              r = ((Node.Raise<?, ?>) e).fault;
              m = FAULT;
            }
            case Node.CLOCK -> {
              r = core.clock;
              m = VALUE;
            }
            case Node.TIMER -> {
              r = core.timer;
              m = VALUE;
            }
            case Node.PRIORITY -> {
              r = priority();
              m = VALUE;
            }
            case Node.GATE -> {
              Node.Gated<?, ?> gated = (Node.Gated<?, ?>) e;
              Object token;
              try {
                token = gated.gate.enter(this);
              } catch (Throwable t) {
                r = faultOf(t);
                m = FAULT;
                break;
              }
              if (token == Gate.PASS) {
                r = gated.source;
              } else if (token instanceof Gate.Instead instead) {
                r = instead.effect();
              } else {
                // Token below the node: nothing runs between enter and these pushes, so the exit
                // that the frame guarantees cannot be skipped by a cancellation.
                push(token);
                push(gated);
                r = gated.source;
              }
            }
            case Node.MAP, Node.FLAT_MAP, Node.RECOVER, Node.CATCHING, Node.ENSURING, Node.TRANSFORM,
                Node.ON_EXIT -> {
              push(e);
              r = ((Node.Wrapper<?, ?>) e).source;
            }
            case Node.NAMED -> {
              Node.Named<?, ?> named = (Node.Named<?, ?>) e;
              if (LOG.isDebugEnabled()) {
                LOG.debug("Running step '{}' at {}", named.name, priority());
              }
              if (core.stepsObserved) {
                // Only an observed fiber pays for the frame that reports the step's end.
                StepFrame scope = scope();
                StepInfo step = new StepInfo(core.nextStepId(), scope.id, named.name, StepInfo.Kind.NAMED, scope.attempt);
                push(new StepFrame(step));
                core.stepStarted(root(), step);
              }
              r = named.source;
            }
            case Node.RETRY -> {
              Node.Retry<?, ?> retry = (Node.Retry<?, ?>) e;
              push(new RetryState(retry));
              r = retry.source;
            }
            case Node.SLEEP -> {
              Duration d = ((Node.Sleep<?, ?>) e).duration;
              if (d.isZero()) {
                r = null;
                m = VALUE;
              } else {
                sleep(d, null, VALUE);
                return null;
              }
            }
            case Node.ACQUIRE_RELEASE -> {
              Node.AcquireRelease<?, ?> bracket = (Node.AcquireRelease<?, ?>) e;
              push(bracket);
              if (bracket.source instanceof Node.Pure<?, ?> pure) {
                // Nothing to shield: the resource is at hand, and the frame takes it from here.
                r = pure.value;
                m = VALUE;
                break;
              }
              return forkAcquire(bracket);
            }
            case Node.ALL, Node.RACE, Node.FIRST_SUCCESS -> {
              return fork((Node.Parallel<?, ?>) e);
            }
            case Node.TIMEOUT -> {
              Node.Timeout<?, ?> timeout = (Node.Timeout<?, ?>) e;
              if (timeout.after.isZero()) {
                // A zero budget has expired before the effect could start: it never runs.
                if (timeout.fallback != null) {
                  r = timeout.fallback;
                } else {
                  r = new Fault.TimedOut(Duration.ZERO);
                  m = FAULT;
                }
                break;
              }
              return forkTimeout(timeout);
            }
            default -> throw new IllegalStateException("unknown effect node " + e.tag);
          }
        } else {
          if (sp == 0) {
            finish(m, r);
            return null;
          }
          Object frame = stack[--sp];
          stack[sp] = null;
          if (frame instanceof RetryState state) {
            if (m == VALUE || cancelState instanceof Fault) {
              continue;
            }
            Outcome<?, ?> failed = outcomeOf(m, r);
            boolean retriable;
            try {
              retriable = state.node.retries(failed);
            } catch (Throwable t) {
              r = new Fault.Panic(t);
              m = FAULT;
              continue;
            }
            if (!retriable) {
              continue;
            }
            RetryPolicy policy = state.node.policy;
            if (state.attempts > policy.maxRetries()) {
              // Exhausted: the last attempt's outcome stays the outcome, unchanged (r and m as they are).
              notifyExhausted(state, failed);
              continue;
            }
            Duration delay = policy.delay(state.attempts);
            if (LOG.isEnabledForLevel(core.logging.retrying())) {
              // Parameters, never concatenation: SLF4J survives a user type whose toString() throws.
              String retried = HandleFuture.explicitName(state.node);
              LOG.atLevel(core.logging.retrying()).log("Effect '{}' failed (attempt {}): {}. Retrying in {}...",
                  retried != null ? retried : name(), state.attempts, failed, delay);
            }
            notifyRetry(state, failed, delay);
            if (core.listeners != null) {
              core.retrying(root(), retryStep(state), state.attempts, failed, delay);
            }
            state.attempts++;
            core.retries.increment();
            push(state);
            if (delay.isZero()) {
              r = state.node.source;
              m = EVAL;
              continue;
            }
            sleep(delay, state.node.source, EVAL);
            return null;
          }
          if (frame instanceof StepFrame step) {
            if (step.info != null) {
              core.stepEnded(root(), step.info, outcomeOf(m, r));
            }
            continue;
          }
          if (frame instanceof Release release) {
            try {
              release.node.release.accept(release.resource, exitOutcome(m, r));
            } catch (Throwable t) {
              r = finalizerFailed(release.node, m, r, t);
              m = FAULT;
            }
            continue;
          }
          Node.Base<?, ?> node = (Node.Base<?, ?>) frame;
          switch (node.tag) {
            case Node.MAP -> {
              if (m == VALUE) {
                try {
                  r = ((Node.Map<?, ?>) node).f.apply(r);
                } catch (Throwable t) {
                  r = faultOf(t);
                  m = FAULT;
                }
              }
            }
            case Node.FLAT_MAP -> {
              if (m == VALUE) {
                try {
                  Object next = requireEffect(((Node.FlatMap<?, ?>) node).f.apply(r), "flatMap function");
                  // Fast path for the common "x -> succeed(...)": take the value without an evaluation step.
                  if (next instanceof Node.Pure<?, ?> pure) {
                    r = pure.value;
                  } else {
                    r = next;
                    m = EVAL;
                  }
                } catch (Throwable t) {
                  r = faultOf(t);
                  m = FAULT;
                }
              }
            }
            case Node.RECOVER -> {
              if (m == FAILURE) {
                try {
                  r = requireEffect(((Node.Recover<?, ?>) node).handler.apply(r), "error handler");
                  m = EVAL;
                } catch (Throwable t) {
                  r = faultOf(t);
                  m = FAULT;
                }
              }
            }
            case Node.CATCHING -> {
              Node.Catching<?, ?> catching = (Node.Catching<?, ?>) node;
              if (m == FAULT && r instanceof Fault.Panic(Throwable cause) && catching.type.isInstance(cause)) {
                try {
                  r = Objects.requireNonNull(catching.toError.apply(cause), "catching function returned null");
                  m = FAILURE;
                } catch (Throwable t) {
                  r = faultOf(t);
                }
              }
            }
            case Node.ENSURING -> {
              try {
                ((Node.Ensuring<?, ?>) node).finalizer.run();
              } catch (Throwable t) {
                r = finalizerFailed(node, m, r, t);
                m = FAULT;
              }
            }
            case Node.GATE -> {
              Object token = stack[--sp];
              stack[sp] = null;
              try {
                ((Node.Gated<?, ?>) node).gate.exit(token, exitOutcome(m, r));
              } catch (Throwable t) {
                r = finalizerFailed(node, m, r, t);
                m = FAULT;
              }
            }
            case Node.ON_EXIT -> {
              try {
                ((Node.OnExit<?, ?>) node).finalizer.accept(exitOutcome(m, r));
              } catch (Throwable t) {
                r = finalizerFailed(node, m, r, t);
                m = FAULT;
              }
            }
            case Node.TRANSFORM -> {
              // A cancelled fiber only unwinds: the function never sees its own cancellation.
              if (!(cancelState instanceof Fault)) {
                try {
                  r = requireEffect(((Node.Transform<?, ?>) node).f.apply(outcomeOf(m, r)), "transformWith function");
                  m = EVAL;
                } catch (Throwable t) {
                  r = faultOf(t);
                  m = FAULT;
                }
              }
            }
            case Node.ACQUIRE_RELEASE -> {
              if (m == VALUE) {
                // Acquired: from here on exactly this frame releases, whatever happens to the use.
                Node.AcquireRelease<?, ?> bracket = (Node.AcquireRelease<?, ?>) node;
                push(new Release(bracket, r));
                if (cancelState instanceof Fault cause) {
                  r = cause;
                  m = FAULT;
                  break;
                }
                try {
                  r = requireEffect(bracket.use.apply(r), "acquireRelease use function");
                  m = EVAL;
                } catch (Throwable t) {
                  r = faultOf(t);
                  m = FAULT;
                }
              }
            }
            default -> throw new IllegalStateException("unexpected frame " + node.tag);
          }
        }
      } catch (Throwable bug) {
        // A defect of the interpreter, or an Error escaping a guard (the heap exhausted while a
        // fault was built, a log line that threw): the step becomes a fault and unwinding goes on,
        // so every finalizer still on the stack runs and the effect still completes. Each pass
        // through here either pops a frame or finishes, so this cannot loop forever.
        r = new Fault.Panic(bug);
        m = FAULT;
        RuntimeCore.logQuietly("Interpreter failure in an effect; unwinding it", bug);
      }
    }
  }

  /**
   * Returns the register after finalizer {@code t} of {@code node} failed, the mode becoming {@link
   * #FAULT}: a success or failure turns into a panic; during a fault the exception is added as
   * suppressed or logged. Counted either way.
   */
  private Object finalizerFailed(ActionEffect<?, ?> node, int m, Object r, Throwable t) {
    core.finalizerFailures.increment();
    if (m != FAULT) {
      return new Fault.Panic(t);
    }
    if (r instanceof Fault.Panic(Throwable cause) && cause != t) {
      cause.addSuppressed(t);
    } else {
      LOG.error("Finalizer of effect '{}' failed while it ended with {}", node.name(), r, t);
    }
    return r;
  }

  /**
   * The outcome a finalizer that sees it ({@code onExit}, a release) is given: the registers', but
   * {@code Faulted(cause)} when this fiber was cancelled and is not already unwinding with a fault
   * (a blocking body may return its value after the interrupt).
   */
  private Outcome<?, ?> exitOutcome(int m, Object r) {
    if (m != FAULT && cancelState instanceof Fault cause) {
      return new Outcome.Faulted<>(cause);
    }
    return outcomeOf(m, r);
  }

  private void push(Object frame) {
    Object[] s = stack;
    if (s == null) {
      stack = s = new Object[16];
    } else if (sp == s.length) {
      stack = s = Arrays.copyOf(s, s.length << 1);
    }
    s[sp++] = frame;
  }

  /**
   * Ends this fiber: drops its listeners, delivers the result, then releases its hold on
   * quiescence. A child that never forked settles in its join as it delivers ({@link
   * Join#childDoneAndSettle}), one atomic step in {@code all}. Never throws.
   */
  private void finish(int m, Object r) {
    mode(DONE);
    if (suspension != null) { // a running fiber's is null already; the check spares a fence per fiber
      suspension = null;
    }
    stack = null;
    Fiber<?, ?> releaseFrom = this;
    try {
      dropListeners();
      if (link instanceof Join join) {
        if (forked()) {
          join.childDone(this, m, r);
        } else {
          // Settled here: the release walk starts at the parent, and only if this was the last.
          releaseFrom = null;
          if (join.childDoneAndSettle(this, m, r)) {
            releaseFrom = join.parent;
          }
        }
      } else {
        @SuppressWarnings("unchecked") // a root's link is the handle of its own E and T
        HandleFuture<E, T> handle = (HandleFuture<E, T>) link;
        handle.complete0(outcomeOf(m, r));
      }
    } catch (Throwable t) {
      RuntimeCore.logQuietly("Delivering the result of an effect failed", t);
    } finally {
      try {
        if (releaseFrom != null) {
          release(releaseFrom);
        }
      } catch (Throwable t) {
        RuntimeCore.logQuietly("Releasing a finished effect failed", t);
      }
    }
  }

  /** A finished fiber can no longer be cancelled: its registered actions are dropped, never run. */
  private void dropListeners() {
    Object state;
    do {
      state = cancelState;
      if (state instanceof Fault) {
        return;
      }
    } while (!CANCEL_STATE.compareAndSet(this, state, FINISHED));
    if (state instanceof CancelListeners listeners) {
      listeners.detach();
    }
  }

  /**
   * Releases the hold on quiescence of {@code start} (a finished fiber's own, or the settled
   * join's hold on its parent) and walks up, without recursion, while each subtree it completes
   * was the last one holding its parent.
   */
  private static void release(Fiber<?, ?> start) {
    Fiber<?, ?> f = start;
    while (true) {
      if (f.forked() && (int) LIVE.getAndAdd(f, -1) != 1) {
        return;
      }
      if (f.link instanceof Join join) {
        if (!join.settle()) {
          return;
        }
        f = join.parent; // the settled join's hold on its parent goes next
      } else {
        ((HandleFuture<?, ?>) f.link).quiescent();
        return;
      }
    }
  }

  // ------------------------------------------------------------------ suspensions

  private void sleep(Duration delay, Object resumeReg, int resumeMode) {
    SleepCall call = new SleepCall(this, resumeReg, resumeMode);
    suspension = call;
    if (LOG.isDebugEnabled()) {
      LOG.debug("Effect '{}' sleeping {}", name(), delay);
    }
    Fault cause = cancelCause();
    if (cause != null) {
      call.cancel(cause);
      return;
    }
    call.arm(core.timer, delay);
  }

  /**
   * Whether every child after the first is a bare {@code blocking} leaf (children of {@code all},
   * {@code race} or {@code firstSuccess} that only call a blocking body), whose start {@link
   * #startAsBlockingLeaf} does without a worker round trip.
   */
  private static boolean blockingLeaves(Fiber<?, ?>[] children) {
    if (children.length < 2) {
      return false;
    }
    for (int i = 1; i < children.length; i++) {
      if (!(children[i].reg instanceof Node.Blocking<?, ?>)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Starts this unstarted child, whose effect is a {@code blocking} leaf, as the run loop would on
   * a worker: the capability is looked up, the cancellation checked, and the body handed to the
   * blocking lane, whose permits keep their priority order. Anything else (a missing capability,
   * a refusal, a cancellation that came first) leaves the child to a worker with its fault, as
   * {@link #submit} does, so it unwinds exactly as it would have there. Called by the forking
   * fiber before any other thread can run this child.
   */
  private void startAsBlockingLeaf() {
    Node.Leaf<?, ?> leaf = (Node.Leaf<?, ?>) reg;
    Fault refused;
    try {
      Class<?> type = leaf.capabilityType();
      Object cap = null;
      if (type != null && (cap = core.lookup.apply(type)) == null) {
        submit(); // its run loop finds the capability missing and says so
        return;
      }
      reg = null;
      refused = startBlocking(leaf, cap);
    } catch (Throwable t) {
      // Nothing started (startBlocking catches whatever its hand-off throws): the child's own run
      // loop tries again on a worker and reports what fails there.
      reg = leaf;
      submit();
      return;
    }
    if (refused != null) {
      reg = refused;
      mode(FAULT);
      submit();
    }
  }

  /** Starts a blocking body; returns null once it is running, or the fault that prevented it. */
  private Fault startBlocking(Node.Leaf<?, ?> leaf, Object cap) {
    BlockingCall call = new BlockingCall(this, leaf, cap);
    suspension = call;
    Fault cause = cancelCause();
    if (cause != null) {
      // A blocking call is only ever resumed by its own thread (or by withdrawing it from the
      // lane, which cannot happen before it was submitted), so nobody else can resume us here.
      suspension = null;
      return cause;
    }
    try {
      core.scheduler.executeBlocking(call, priority());
      return null;
    } catch (RejectedExecutionException e) {
      suspension = null;
      return new Fault.Rejected("the scheduler refused a blocking body: " + e.getMessage());
    } catch (Throwable t) {
      suspension = null;
      return new Fault.Panic(t);
    }
  }

  /**
   * Suspends on an async stage; returns null once suspended, or the fault to continue with if the
   * stage refused the callback before anyone else could resume this fiber.
   */
  private Object awaitStage(CompletionStage<?> stage, boolean cancelsStage) {
    AsyncCall call = new AsyncCall(this, cancelsStage ? stage : null);
    suspension = call;
    try {
      stage.whenComplete(call);
    } catch (Throwable t) {
      if (call.claim()) {
        suspension = null;
        return faultOf(t);
      }
      return null;
    }
    Fault cause = cancelCause();
    if (cause != null) {
      call.cancel(cause);
    }
    return null;
  }

  private Fiber<?, ?> fork(Node.Parallel<?, ?> node) {
    int n = node.effects.length;
    Join j = switch (node.tag) {
      case Node.ALL -> new Join.All(this, n);
      case Node.RACE -> new Join.Race(this, n);
      default -> new Join.FirstSuccess(this, n);
    };
    for (int i = 0; i < n; i++) {
      j.children[i] = new Fiber<>(core, priority(), node.effects[i], j, i);
    }
    holdFor(j);
    return startJoin(j, node.tag == Node.ALL ? "all" : node.tag == Node.RACE ? "race" : "firstSuccess");
  }

  /** Runs the acquisition of {@code node} in a child fiber shielded from this fiber's cancellation. */
  private Fiber<?, ?> forkAcquire(Node.AcquireRelease<?, ?> node) {
    Join.Acquire j = new Join.Acquire(this, node);
    j.children[0] = new Fiber<>(core, priority(), node.source, j, 0);
    holdFor(j);
    return startJoin(j, null);
  }

  private Fiber<?, ?> forkTimeout(Node.Timeout<?, ?> node) {
    Join.Timeout j = new Join.Timeout(this, node.after, node.fallback);
    j.children[0] = new Fiber<>(core, priority(), node.source, j, 0);
    holdFor(j);
    runForkHook();
    suspension = j;
    Fault cause = cancelCause();
    if (cause != null) {
      j.parentCancelled(cause);
      // The child never runs: settle it here so the parent's quiescence is not held forever.
      j.children[0].finishUnstarted(cause);
      return null;
    }
    if (core.stepsObserved) {
      StepFrame scope = scope();
      j.stepId = scope.id;
      j.children[0].push(new StepFrame(scope.id, scope.attempt));
    }
    j.arm(core);
    return j.children[0];
  }

  private static void runForkHook() {
    Runnable hook = beforeForkPublish;
    if (hook != null) {
      hook.run();
    }
  }

  /** A forked join keeps this fiber's subtree alive until every child of it has settled. */
  private void holdFor(Join j) {
    if (forked()) {
      LIVE.getAndAdd(this, 1);
    } else {
      // The first fork: until now no other thread has touched live, and the children that will
      // decrement it are published after this write.
      packed |= FORKED;
      live++;
    }
  }

  /**
   * Starts the children of {@code j}; {@code kind} names the steps they open for listeners ({@code
   * "all"}, {@code "race"}, {@code "firstSuccess"}), or is null for children that open none.
   */
  private Fiber<?, ?> startJoin(Join j, String kind) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("Effect '{}' forking {} children", name(), j.children.length);
    }
    runForkHook();
    suspension = j;
    Fault cause = cancelCause();
    if (cause != null) {
      j.parentCancelled(cause);
      for (Fiber<?, ?> child : j.children) {
        child.finishUnstarted(cause);
      }
      return null;
    }
    Fiber<?, ?>[] children = j.children;
    if (core.stepsObserved) {
      openChildSteps(children, kind);
    }
    if (blockingLeaves(children)) {
      // A fan-out of blocking calls: this fiber starts their bodies itself, as a worker that
      // popped each child would, and only the first child runs here next.
      for (int i = 1; i < children.length; i++) {
        children[i].startAsBlockingLeaf();
      }
      return children[0];
    }
    // One wake-up signal (and on a worker one fence) for all the children, not one each; a child
    // the scheduler did not accept goes through submit(), which handles the refusal.
    int accepted = children.length > 1 ? core.scheduler.executeAll(children, 1, children.length, priority()) : 0;
    for (int i = 1 + accepted; i < children.length; i++) {
      children[i].submit();
    }
    return children[0];
  }

  /**
   * Pushes the step frame at the bottom of each child's stack (they have not started, so their
   * stacks are still this thread's) and tells the listeners about the steps {@code kind} opens.
   */
  private void openChildSteps(Fiber<?, ?>[] children, String kind) {
    StepFrame scope = scope();
    HandleFuture<?, ?> root = kind == null ? null : root();
    for (int i = 0; i < children.length; i++) {
      if (kind == null) {
        children[i].push(new StepFrame(scope.id, scope.attempt));
      } else {
        StepInfo step = new StepInfo(core.nextStepId(), scope.id, kind + "[" + i + "]", StepInfo.Kind.FORKED, scope.attempt);
        children[i].push(new StepFrame(step));
        core.stepStarted(root, step);
      }
    }
  }

  /**
   * The step a failed retry attempt is reported under: its enclosing step while some listener
   * observes steps; otherwise {@link StepInfo#ROOT} for a retry of the root effect itself (under
   * {@code named(..)} at most) and {@link StepInfo#UNTRACKED} for any other, so that a listener
   * counting the effect's own attempts (JFR's) needs no step tree.
   */
  private long retryStep(RetryState state) {
    if (core.stepsObserved) {
      return scope().id;
    }
    if (link instanceof HandleFuture<?, ?> handle) {
      Object effect = handle.rootEffect();
      while (effect instanceof Node.Named<?, ?> named) {
        effect = named.source;
      }
      if (effect == state.node) {
        return StepInfo.ROOT;
      }
    }
    return StepInfo.UNTRACKED;
  }

  /**
   * Returns the innermost step enclosing the current point of this fiber (its id, {@link
   * StepInfo#ROOT} if none) and the attempt of the innermost retry enclosing it (1 if none), by
   * walking the stack down to the nearest step frame (none are pushed unless {@link
   * RuntimeCore#stepsObserved}). Only called while the runtime has listeners.
   */
  private StepFrame scope() {
    int attempt = 0;
    Object[] s = stack;
    for (int i = sp - 1; i >= 0; i--) {
      Object frame = s[i];
      if (frame instanceof RetryState retry) {
        if (attempt == 0) {
          attempt = retry.attempts;
        }
      } else if (frame instanceof StepFrame step) {
        return attempt == 0 || attempt == step.attempt ? step : new StepFrame(step.id, attempt);
      }
    }
    return attempt == 0 || attempt == 1 ? StepFrame.ROOT_SCOPE_FRAME : new StepFrame(StepInfo.ROOT, attempt);
  }

  /** Settles a child that will never run because its parent was cancelled before starting it. */
  private void finishUnstarted(Fault cause) {
    if (mode() != DONE) {
      finish(FAULT, cause);
    }
  }

  /** Resumes a suspended fiber with a register value and mode; called by exactly one party. */
  public void resume(Object r, int m) {
    suspension = null;
    reg = r;
    mode(m);
    submit();
  }

  /**
   * Resumes this fiber after its blocking body returned, on the body's own virtual thread. When
   * nothing is left to evaluate (an empty continuation stack: the blocking body was the last
   * step), the fiber finishes right here, which only completes its handle or its join; a CPU-bound
   * step never runs off a worker this way. Otherwise it goes back to the scheduler. This saves one
   * scheduler round trip per blocking effect (BlockingBurstBenchmark).
   */
  public void resumeAfterBlocking(Object r, int m) {
    if (sp == 0) {
      suspension = null;
      reg = r;
      mode(m);
      run();
    } else {
      resume(r, m);
    }
  }

  /**
   * Puts this fiber on the scheduler. If the scheduler refuses (it was shut down under the
   * runtime), the fiber is cancelled as rejected and unwinds on a fresh virtual thread, never on
   * the thread that resumed it (which may be the timer's or a user's).
   */
  public void submit() {
    try {
      core.scheduler.execute(this, priority());
    } catch (Throwable e) {
      refused();
    }
  }

  /**
   * Yields the worker at the end of a quantum: the fiber goes behind the work already queued at
   * its priority ({@link land.echo.scheduler.EchoScheduler#requeue}), not on top of its worker's
   * own ring, which the worker serves newest first. A refusal is handled as in {@link #submit()}.
   */
  private void requeue() {
    try {
      core.scheduler.requeue(this, priority());
    } catch (Throwable e) {
      refused();
    }
  }

  /** The scheduler refused this fiber: it is cancelled as rejected and unwinds on a fresh thread. */
  private void refused() {
    cancelWith(new Fault.Rejected("the scheduler is shut down"));
    core.runElsewhere(this);
  }

  /** Cancels the suspension {@code s} of a leaf wait (not a join; see {@link #propagate}). */
  private static void cancelLeaf(Object s, Fault cause) {
    switch (s) {
      case BlockingCall call -> call.cancel(cause);
      case SleepCall call -> call.cancel(cause);
      case AsyncCall call -> call.cancel(cause);
      default -> {
        // Nothing else suspends a fiber.
      }
    }
  }

  // ------------------------------------------------------------------ cancellation

  /**
   * Cancels this fiber with {@code cause}: a root's handle completes with {@code Faulted(cause)} at
   * once, then the fiber is signalled. Safe from any thread.
   */
  public void cancelWith(Fault cause) {
    if (link instanceof HandleFuture<?, ?> handle) {
      handle.cancelWith(cause);
    } else {
      signal(cause);
    }
  }

  /**
   * Signals cancellation to this fiber and its whole subtree without touching its handle. Safe from
   * any thread.
   *
   * @return true if this call cancelled the fiber, false if it was already cancelled or has finished
   */
  public boolean signal(Fault cause) {
    if (!markCancelled(cause)) {
      return false;
    }
    propagate(this, cause);
    return true;
  }

  /**
   * Records {@code cause} as this fiber's cancellation, once, and runs the actions registered until
   * then (on the calling thread, which is never the timer's). Returns false if the fiber was
   * already cancelled or has finished.
   */
  public boolean markCancelled(Fault cause) {
    Object state;
    do {
      state = cancelState;
      if (state instanceof Fault || state == FINISHED) {
        return false;
      }
      Runnable hook = beforeCancelCas;
      if (hook != null) {
        hook.run();
      }
    } while (!CANCEL_STATE.compareAndSet(this, state, cause));
    if (state instanceof CancelListeners listeners) {
      ContextPropagator.Captured context = context();
      ContextPropagator.Scope scope = context == null ? null : ContextScopes.enter(context);
      try {
        for (Runnable action : listeners.detach()) {
          runCancelListener(action);
        }
      } finally {
        if (scope != null) {
          ContextScopes.exit(scope);
        }
      }
    }
    return true;
  }

  /**
   * Acts on the suspension of {@code start}, already marked cancelled, and of every descendant it
   * waits on through joins: an explicit work list instead of recursion, so that the depth of the
   * tree never reaches the JVM stack.
   */
  public static void propagate(Fiber<?, ?> start, Fault cause) {
    ArrayDeque<Fiber<?, ?>> work = null;
    Fiber<?, ?> f = start;
    while (f != null) {
      Object s = f.suspension;
      if (s instanceof Join j) {
        j.withdrawTimer();
        for (Fiber<?, ?> child : j.shieldsChildren() ? NO_CHILDREN : j.children) {
          if (child != null && child.markCancelled(cause)) {
            if (work == null) {
              work = new ArrayDeque<>();
            }
            work.push(child);
          }
        }
        j.tryResume(cause, FAULT);
      } else if (s != null) {
        cancelLeaf(s, cause);
      }
      f = work == null ? null : work.poll();
    }
  }

  private void runCancelListener(Runnable action) {
    try {
      action.run();
    } catch (Throwable t) {
      core.finalizerFailures.increment();
      RuntimeCore.logQuietly("A cancellation action failed", t);
    }
  }

  /** Returns the cancellation cause, or null while the fiber is not cancelled. */
  public Fault cancelCause() {
    return cancelState instanceof Fault cause ? cause : null;
  }

  @Override
  public boolean isCancelled() {
    return cancelState instanceof Fault;
  }

  @Override
  public Optional<String> reason() {
    Fault cause = cancelCause();
    return cause == null ? Optional.empty() : Optional.of(reasonOf(cause));
  }

  @Override
  public Optional<Duration> deadline() {
    return Deadlines.remaining(core.clock, link);
  }

  /** For a root, its {@link HandleFuture}; for a child, its {@link Join}. */
  public Object link() {
    return link;
  }

  @Override
  public void throwIfCancelled() {
    Fault cause = cancelCause();
    if (cause != null) {
      throw new CancellationException(reasonOf(cause));
    }
  }

  @Override
  public Registration onCancel(Runnable action) {
    Objects.requireNonNull(action, "action");
    while (true) {
      Object state = cancelState;
      if (state instanceof Fault) {
        ContextPropagator.Captured context = context();
        ContextPropagator.Scope scope = context == null ? null : ContextScopes.enter(context);
        try {
          runCancelListener(action);
        } finally {
          if (scope != null) {
            ContextScopes.exit(scope);
          }
        }
        return CancelListener.CLOSED;
      }
      if (state == FINISHED) {
        return CancelListener.CLOSED; // the effect is over: it will never be cancelled now
      }
      if (state == null) {
        // Install a list, then decide again with whatever list (ours or a racing one) is installed.
        CANCEL_STATE.compareAndSet(this, null, new CancelListeners());
        continue;
      }
      CancelListener registration = ((CancelListeners) state).add(action);
      if (registration != null) {
        return registration;
      }
      // Detached meanwhile: the state is now the cause or FINISHED; decide again.
    }
  }

  /** Returns how many cancellation actions are registered and open (for tests). */
  public int openListeners() {
    return cancelState instanceof CancelListeners listeners ? listeners.size() : 0;
  }

  private static String reasonOf(Fault cause) {
    return cause instanceof Fault.Cancelled(String reason) ? reason : cause.message();
  }

  /** A child's index in its join; a root's registry slot. */
  public int index() {
    return packed >> INDEX_SHIFT;
  }

  /** Records a root's registry slot; called by {@link RuntimeCore#start} before the root is submitted. */
  void registeredAt(int slot) {
    packed = (packed & ((1 << INDEX_SHIFT) - 1)) | (slot << INDEX_SHIFT);
  }

  @Override
  public String toString() {
    return "Fiber[" + name() + ", " + priority() + (mode() == DONE ? ", done]" : "]");
  }

  // ------------------------------------------------------------------ helpers

  /** Maps a body's throwable to the fault it stands for. */
  public Fault faultOf(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    Fault cause = cancelCause();
    if (cause != null
        && (t instanceof CancellationException
            || t instanceof InterruptedException
            || t instanceof InterruptedIOException
            || t instanceof ClosedByInterruptException)) {
      return cause;
    }
    if (t instanceof CancellationException) {
      return new Fault.Cancelled(t.getMessage() == null ? "a body was cancelled" : t.getMessage());
    }
    return new Fault.Panic(t);
  }

  private static Fault missing(Class<?> type) {
    return new Fault.CapabilityMissing(type.getName());
  }

  private static Object requireEffect(Object effect, String what) {
    if (effect == null) {
      throw new NullPointerException(what + " returned null instead of an effect");
    }
    return effect;
  }

  @SuppressWarnings("unchecked")
  public static <E, T> Outcome<E, T> outcomeOf(int m, Object r) {
    return switch (m) {
      case VALUE -> new Outcome.Success<>((T) r);
      case FAILURE -> new Outcome.Failure<>((E) r);
      default -> new Outcome.Faulted<>((Fault) r);
    };
  }

  /** Tells the policy's listener about a retry; a listener that throws is logged, never obeyed. */
  private void notifyRetry(RetryState state, Outcome<?, ?> failed, Duration delay) {
    try {
      state.node.policy.listener().onRetry(state.attempts, failed, delay);
    } catch (Throwable t) {
      RuntimeCore.logQuietly("A retry listener failed; the retry goes on", t);
    }
  }

  /** Tells the policy's listener that no attempt is left; a listener that throws is logged, never obeyed. */
  private void notifyExhausted(RetryState state, Outcome<?, ?> last) {
    try {
      state.node.policy.listener().onExhausted(state.attempts, last);
    } catch (Throwable t) {
      RuntimeCore.logQuietly("A retry listener failed; the effect ends as it would have", t);
    }
  }

  /** The frame of an acquired resource: releases it when the use ends, however it ends. */
  public static final class Release {
    final Node.AcquireRelease<?, ?> node;
    final Object resource;

    Release(Node.AcquireRelease<?, ?> node, Object resource) {
      this.node = node;
      this.resource = resource;
    }
  }

  /**
   * A step on a fiber's stack: reports the step's end when popped ({@code info} not null), or only
   * carries the enclosing step's id and attempt into a child that opens no step of its own.
   */
  static final class StepFrame {
    final StepInfo info;
    /** What scope() returns outside every step and retry: shared, since nothing mutates or pushes it. */
    static final StepFrame ROOT_SCOPE_FRAME = new StepFrame(StepInfo.ROOT, 1);

    final long id;
    final int attempt;

    StepFrame(StepInfo info) {
      this.info = info;
      this.id = info.id();
      this.attempt = info.attempt();
    }

    StepFrame(long id, int attempt) {
      this.info = null;
      this.id = id;
      this.attempt = attempt;
    }
  }

  /** The per-execution state of a {@code retry} frame. */
  public static final class RetryState {
    final Node.Retry<?, ?> node;
    /** Attempts started so far, including the one running. */
    int attempts = 1;

    RetryState(Node.Retry<?, ?> node) {
      this.node = node;
    }
  }
}
