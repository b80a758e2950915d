package land.echo;

import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interpreter: runs one effect tree on the scheduler at one priority. Not thread-safe in
 * general; see the notes for which methods other threads may call.
 *
 * <h2>Implementation notes</h2>
 *
 * <p><b>One object per effect.</b> A fiber is at once the {@link Runnable} submitted to the
 * scheduler, the {@link CancellationToken} its bodies see, the callback of the async stages it
 * awaits ({@link BiConsumer}) and, for a root, the {@link EffectHandle} and the single {@link
 * CompletableFuture} the caller waits on. A root effect therefore costs one fiber plus its {@link
 * Outcome}; the "bytes per effect" benchmark in echo-bench compares this with CompletableFuture.
 * The future's mutators are blocked ({@link #complete} throws) so only the runtime completes it;
 * {@link #isCancelled()} means "cancellation was requested", for both the token and the future.
 *
 * <p><b>Run loop.</b> {@link #runLoop()} evaluates nodes in a loop with an explicit, growable stack
 * of continuation frames. A composite node ({@code map}, {@code flatMap}, {@code recover}, {@code
 * catching}, {@code ensuring}) is pushed as its own frame, so a step allocates nothing; {@code
 * retry} pushes a small {@link RetryState}. The registers are {@code r} (the node to evaluate, or
 * the current value, domain error or {@link CommonError} fault) and {@code m} (which of those it
 * is). No recursion: a chain or a recursion of any depth runs in constant JVM stack. After {@link
 * #YIELD_AFTER} steps (evaluations and frame pops alike) the fiber re-submits itself, so higher-priority work queued
 * meanwhile pre-empts it at effect granularity.
 *
 * <p><b>States.</b> A fiber is RUNNING (inside {@code runLoop} on exactly one thread), QUEUED (in
 * the scheduler), SUSPENDED (its {@link #suspension} names what it waits on: a {@link
 * BlockingCall}, a {@link SleepCall}, a {@link Join} of child fibers, or an async stage) or DONE.
 * Exactly one party resumes a suspension ({@link #resume}): the blocking call's thread, the async
 * stage's callback, or the winner of a CAS in {@link SleepCall} / {@link Join}. After publishing
 * {@link #suspension} the run loop touches no fiber state again, because the fiber may already be
 * running elsewhere.
 *
 * <p><b>Cancellation</b> ({@link #signal}) CASes {@link #cancelState} from "live" (null or the
 * chain of {@code onCancel} listeners) to the cause, once; runs the listeners it replaced, then acts on the current suspension: interrupts the
 * blocking thread, cancels the sleep's timer (and resumes the fiber), cancels the children of a
 * join (and resumes the parent), or cancels the async future (whose callback resumes the fiber).
 * The race with a fiber that is just suspending is a Dekker pattern on two volatiles: the fiber
 * writes {@code suspension} then reads {@code cancelState}; the canceller writes {@code
 * cancelState} then reads {@code suspension}; at least one of them sees the other and the
 * suspension's own cancel is idempotent. A cancelled fiber converts its next evaluation step into
 * the fault, unwinds running only finalizers, and never retries. A root's handle is completed by
 * {@link #cancelWith} before the signal, so callers never wait for the victim (see
 * docs/semantics.md).
 *
 * <p>The design follows the run loops of cats-effect's {@code IOFiber} and ZIO's {@code
 * FiberRuntime} (explicit continuation stack, auto-yield, a single callback object), simplified to
 * one kind of frame per operator. The file is long because the run loop and the suspension and
 * cancellation protocol are one piece; the future's guards live in {@link HandleFuture} and the
 * listener nodes in {@link CancelListener}.
 */
sealed class Fiber<E, T> extends HandleFuture<E, T>
    implements EffectHandle<E, T>, CancellationToken, Runnable, BiConsumer<Object, Throwable>
    permits Fiber.Timed {

  /**
   * Evaluation steps per scheduling quantum before the fiber yields its worker. 1024 is the value
   * cats-effect uses for its auto-cede ("cede every 1024 iterations" in IOFiber) and keeps the cost
   * of the re-submission below 0.1% of a quantum of cheap steps.
   */
  static final int YIELD_AFTER = 1024;

  static final int EVAL = 0;
  static final int VALUE = 1;
  static final int FAILURE = 2;
  static final int FAULT = 3;
  private static final int DONE = 4;
  private static final Priority[] PRIORITIES = Priority.values();

  private static final Logger LOG = LoggerFactory.getLogger(Fiber.class);
  private static final VarHandle CANCEL_STATE;
  private static final VarHandle POSITION;
  /** {@link #position} of a root whose handle has been completed. */
  private static final int CLAIMED = Integer.MIN_VALUE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      CANCEL_STATE = lookup.findVarHandle(Fiber.class, "cancelState", Object.class);
      POSITION = lookup.findVarHandle(Fiber.class, "position", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Field count matters: a root costs this object plus its Outcome ("bytes per effect" in echo-bench).
  final RuntimeCore core;
  /** For a root, the effect it was started with (for names in logs); for a child, its {@link Join}. */
  private final Object link;
  /**
   * A child's index in its join; a root's {@link InFlightRegistry} slot until its handle is claimed
   * for completion, then {@link #CLAIMED}. The CAS to {@code CLAIMED} elects the single completer.
   */
  private volatile int position;
  private Object reg;
  private Object[] stack;
  private int sp;
  private byte mode;
  private final byte priority;

  /**
   * Null or a {@link CancelListener} chain while live; the cause ({@link CommonError}) once cancelled.
   * One field for both keeps the fiber small; the hot path reads it once per evaluation step.
   */
  private volatile Object cancelState;
  private volatile Object suspension;

  Fiber(RuntimeCore core, Priority priority, ActionEffect<?, ?, ?> effect, Join join, int index) {
    this.core = core;
    this.priority = (byte) priority.ordinal();
    this.link = join == null ? effect : join;
    this.position = join == null ? InFlightRegistry.NONE : index;
    this.reg = effect;
  }

  /** A root submitted with a whole-effect deadline; only such roots pay for the field. */
  static final class Timed<E, T> extends Fiber<E, T> {
    /** The deadline's timer entry, withdrawn when the handle completes first. */
    volatile land.echo.time.Timer.Cancellable deadline;

    Timed(RuntimeCore core, Priority priority, ActionEffect<?, ?, ?> effect) {
      super(core, priority, effect, null, 0);
    }
  }

  /** Returns the priority this fiber runs at. */
  final Priority priority() {
    return PRIORITIES[priority];
  }

  /** Returns the name of this fiber's effect (a child is named after its root), for logs. */
  final String name() {
    Object l = link;
    for (int hops = 0; hops < 64 && l instanceof Join j; hops++) {
      l = j.parent.link;
    }
    return l instanceof ActionEffect<?, ?, ?> e ? e.name() : "effect";
  }

  // ------------------------------------------------------------------ the run loop

  @Override
  public void run() {
    // Trampoline: a fork returns its first child, which runs here without a queue round trip.
    Fiber<?, ?> next = this;
    do {
      next = next.runLoop();
    } while (next != null);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Fiber<?, ?> runLoop() {
    if (mode == DONE) {
      return null;
    }
    Object r = reg;
    int m = mode;
    reg = null;
    int budget = YIELD_AFTER;
    try {
      while (true) {
        // A cancelled fiber unwinds to the end without yielding: it only runs finalizers now.
        if (--budget <= 0 && !(cancelState instanceof CommonError)) {
          reg = r;
          mode = (byte) m;
          submit();
          return null;
        }
        if (m == EVAL) {
          if (cancelState instanceof CommonError cause) {
            r = cause;
            m = FAULT;
            continue;
          }
          ActionEffect<?, ?, ?> e = (ActionEffect<?, ?, ?>) r;
          switch (e.tag) {
            case Node.PURE -> {
              r = ((Node.Pure<?, ?, ?>) e).value;
              m = VALUE;
            }
            case Node.FAIL -> {
              r = ((Node.Fail<?, ?, ?>) e).error;
              m = FAILURE;
            }
            case Node.COMPUTE, Node.BLOCKING, Node.ASYNC -> {
              Node.Leaf<?, ?, ?> leaf = (Node.Leaf<?, ?, ?>) e;
              Class<?> type = leaf.capabilityType();
              Object cap = null;
              if (type != null && (cap = core.environment.lookup(type)) == null) {
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
                CommonError refused = startBlocking(leaf, cap);
                if (refused == null) {
                  return null;
                }
                r = refused;
                m = FAULT;
                break;
              }
              CompletionStage<?> stage;
              try {
                stage = ((Node.Async<?, ?, ?>) leaf).callAsync(cap, this);
                Objects.requireNonNull(stage, "async body returned null");
              } catch (Throwable t) {
                r = faultOf(t);
                m = FAULT;
                break;
              }
              CompletableFuture<?> future = futureOf(stage);
              if (future != null && future.isDone()) {
                try {
                  r = future.join();
                  m = VALUE;
                } catch (Throwable t) {
                  r = faultOf(t);
                  m = FAULT;
                }
                break;
              }
              awaitStage(stage, future);
              return null;
            }
            case Node.SUSPEND -> {
              try {
                r = requireEffect(((Node.Suspend<?, ?, ?>) e).supplier.get(), "suspend supplier");
              } catch (Throwable t) {
                r = faultOf(t);
                m = FAULT;
              }
            }
            case Node.MAP, Node.FLAT_MAP, Node.RECOVER, Node.CATCHING, Node.ENSURING -> {
              push(e);
              r = ((Node.Wrapper<?, ?, ?>) e).source;
            }
            case Node.NAMED -> {
              Node.Named<?, ?, ?> named = (Node.Named<?, ?, ?>) e;
              if (LOG.isDebugEnabled()) {
                LOG.debug("Running step '{}' at {}", named.name, priority());
              }
              r = named.source;
            }
            case Node.RETRY -> {
              Node.Retry<?, ?, ?> retry = (Node.Retry<?, ?, ?>) e;
              push(new RetryState(retry));
              r = retry.source;
            }
            case Node.SLEEP -> {
              Duration d = ((Node.Sleep<?, ?, ?>) e).duration;
              if (d.isZero()) {
                r = null;
                m = VALUE;
              } else {
                sleep(d, null, VALUE);
                return null;
              }
            }
            case Node.ALL, Node.RACE -> {
              return fork((Node.Parallel<?, ?, ?>) e);
            }
            case Node.TIMEOUT -> {
              return forkTimeout((Node.Timeout<?, ?, ?>) e);
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
            if (m == VALUE || cancelState instanceof CommonError) {
              continue;
            }
            Outcome<?, ?> failed = outcomeOf(m, r);
            boolean retriable;
            try {
              retriable = state.node.policy.retries(failed);
            } catch (Throwable t) {
              r = new CommonError.Panic(t);
              m = FAULT;
              continue;
            }
            if (!retriable) {
              continue;
            }
            RetryPolicy policy = state.node.policy;
            if (state.attempts > policy.maxRetries()) {
              r = new CommonError.RetriesExhausted(state.attempts, failed);
              m = FAULT;
              continue;
            }
            Duration delay = policy.delay(state.attempts);
            if (LOG.isWarnEnabled()) {
              LOG.warn("Effect '{}' failed (attempt {}): {}. Retrying in {}...",
                  state.node.name(), state.attempts, describe(failed), delay);
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
          ActionEffect<?, ?, ?> node = (ActionEffect<?, ?, ?>) frame;
          switch (node.tag) {
            case Node.MAP -> {
              if (m == VALUE) {
                try {
                  r = ((Node.Map<?, ?, ?>) node).f.apply(r);
                } catch (Throwable t) {
                  r = faultOf(t);
                  m = FAULT;
                }
              }
            }
            case Node.FLAT_MAP -> {
              if (m == VALUE) {
                try {
                  Object next = requireEffect(((Node.FlatMap<?, ?, ?>) node).f.apply(r), "flatMap function");
                  // Fast path for the common "x -> succeed(...)": take the value without an evaluation step.
                  if (next instanceof Node.Pure<?, ?, ?> pure) {
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
                  r = requireEffect(((Node.Recover<?, ?, ?>) node).handler.apply(r), "error handler");
                  m = EVAL;
                } catch (Throwable t) {
                  r = faultOf(t);
                  m = FAULT;
                }
              }
            }
            case Node.CATCHING -> {
              Node.Catching<?, ?, ?> catching = (Node.Catching<?, ?, ?>) node;
              if (m == FAULT && r instanceof CommonError.Panic(Throwable cause) && catching.type.isInstance(cause)) {
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
                ((Node.Ensuring<?, ?, ?>) node).finalizer.run();
              } catch (Throwable t) {
                core.finalizerFailures.increment();
                if (m != FAULT) {
                  r = new CommonError.Panic(t);
                  m = FAULT;
                } else if (r instanceof CommonError.Panic(Throwable cause) && cause != t) {
                  cause.addSuppressed(t);
                } else {
                  LOG.error("Finalizer of effect '{}' failed while it ended with {}", node.name(), r, t);
                }
              }
            }
            default -> throw new IllegalStateException("unexpected frame " + node.tag);
          }
        }
      }
    } catch (Throwable bug) {
      // Only a defect of the interpreter gets here; the effect must still complete, never be lost.
      LOG.error("Interpreter failure in effect '{}'", name(), bug);
      stack = null;
      sp = 0;
      finish(FAULT, new CommonError.Panic(bug));
      return null;
    }
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

  private void finish(int m, Object r) {
    mode = DONE;
    suspension = null;
    if (link instanceof Join join) {
      join.childDone(this, m, r);
    } else {
      completeRoot(outcomeOf(m, r));
    }
  }

  // ------------------------------------------------------------------ suspensions

  private void sleep(Duration delay, Object resumeReg, int resumeMode) {
    SleepCall call = new SleepCall(this, resumeReg, resumeMode);
    suspension = call;
    if (LOG.isDebugEnabled()) {
      LOG.debug("Effect '{}' sleeping {}", name(), delay);
    }
    CommonError cause = cancelCause();
    if (cause != null) {
      call.cancel(cause);
      return;
    }
    call.arm(core.timer, delay);
  }

  /** Starts a blocking body; returns null once it is running, or the fault that prevented it. */
  private CommonError startBlocking(Node.Leaf<?, ?, ?> leaf, Object cap) {
    BlockingCall call = new BlockingCall(this, leaf, cap);
    suspension = call;
    CommonError cause = cancelCause();
    if (cause != null) {
      // A blocking call is only ever resumed by its own thread, so nobody else can resume us here.
      suspension = null;
      return cause;
    }
    try {
      core.scheduler.executeBlocking(call, priority());
      return null;
    } catch (RejectedExecutionException e) {
      suspension = null;
      return new CommonError.Rejected("the scheduler refused a blocking body: " + e.getMessage());
    }
  }

  private void awaitStage(CompletionStage<?> stage, CompletableFuture<?> future) {
    Object waitingOn = future != null ? future : stage;
    suspension = waitingOn;
    stage.whenComplete(this);
    if (cancelState instanceof CommonError) {
      cancelSuspension(waitingOn);
    }
  }

  /** The completion of an awaited async stage. */
  @Override
  public void accept(Object value, Throwable error) {
    if (error == null) {
      resume(value, VALUE);
    } else {
      resume(faultOf(error), FAULT);
    }
  }

  private Fiber<?, ?> fork(Node.Parallel<?, ?, ?> node) {
    int n = node.effects.length;
    Join j = node.tag == Node.ALL ? new Join.All(this, n) : new Join.Race(this, n);
    for (int i = 0; i < n; i++) {
      j.children[i] = new Fiber<>(core, priority(), node.effects[i], j, i);
    }
    return startJoin(j);
  }

  private Fiber<?, ?> forkTimeout(Node.Timeout<?, ?, ?> node) {
    Join.Timeout j = new Join.Timeout(this, node.after);
    j.children[0] = new Fiber<>(core, priority(), node.source, j, 0);
    suspension = j;
    CommonError cause = cancelCause();
    if (cause != null) {
      j.parentCancelled(cause);
      return null;
    }
    j.arm(core.timer);
    return j.children[0];
  }

  private Fiber<?, ?> startJoin(Join j) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("Effect '{}' forking {} children", name(), j.children.length);
    }
    suspension = j;
    CommonError cause = cancelCause();
    if (cause != null) {
      j.parentCancelled(cause);
      return null;
    }
    Fiber<?, ?>[] children = j.children;
    for (int i = 1; i < children.length; i++) {
      children[i].submit();
    }
    return children[0];
  }

  /** Resumes a suspended fiber with a register value and mode; called by exactly one party. */
  void resume(Object r, int m) {
    suspension = null;
    reg = r;
    mode = (byte) m;
    submit();
  }

  /**
   * Resumes this fiber after its blocking body returned, on the body's own virtual thread. When
   * nothing is left to evaluate (an empty continuation stack: the blocking body was the last
   * step), the fiber finishes right here, which only completes its handle or its join; a CPU-bound
   * step never runs off a worker this way. Otherwise it goes back to the scheduler. This saves one
   * scheduler round trip per blocking effect (BlockingBurstBenchmark).
   */
  void resumeAfterBlocking(Object r, int m) {
    if (sp == 0) {
      suspension = null;
      reg = r;
      mode = (byte) m;
      run();
    } else {
      resume(r, m);
    }
  }

  /** Puts this fiber on the scheduler; if the scheduler refuses, unwinds it here as rejected. */
  void submit() {
    try {
      core.scheduler.execute(this, priority());
    } catch (RejectedExecutionException e) {
      cancelWith(new CommonError.Rejected("the scheduler is shut down"));
      run();
    }
  }

  void cancelSuspension(Object s) {
    CommonError cause = cancelCause();
    switch (s) {
      case BlockingCall call -> call.interrupt();
      case SleepCall call -> call.cancel(cause);
      case Join j -> j.parentCancelled(cause);
      case CompletableFuture<?> future -> future.cancel(true);
      default -> {
        // A stage that is not a future cannot be cancelled; the fiber resumes when it completes.
      }
    }
  }

  // ------------------------------------------------------------------ cancellation

  /**
   * Cancels this fiber with {@code cause}: a root's handle completes with {@code Fault(cause)} at
   * once, then the fiber is signalled. Safe from any thread.
   *
   * @return true if this call completed the handle (root) or signalled the fiber (child)
   */
  boolean cancelWith(CommonError cause) {
    if (!(link instanceof Join)) {
      if (!completeRoot(new Outcome.Fault<>(cause))) {
        return false;
      }
      signal(cause);
      return true;
    }
    return signal(cause);
  }

  /** Signals cancellation to this fiber without touching its handle. Safe from any thread. */
  boolean signal(CommonError cause) {
    Object state;
    do {
      state = cancelState;
      if (state instanceof CommonError) {
        return false;
      }
    } while (!CANCEL_STATE.compareAndSet(this, state, cause));
    if (state instanceof CancelListener first) {
      runCancelListeners(first);
    }
    Object s = suspension;
    if (s != null) {
      cancelSuspension(s);
    }
    return true;
  }

  private void runCancelListeners(CancelListener head) {
    CancelListener reversed = null;
    for (CancelListener l = head; l != null; l = l.next) {
      reversed = new CancelListener(l, reversed);
    }
    for (CancelListener l = reversed; l != null; l = l.next) {
      if (!l.original.closed) {
        runCancelListener(l.original.action);
      }
    }
  }

  private void runCancelListener(Runnable action) {
    try {
      action.run();
    } catch (Throwable t) {
      core.finalizerFailures.increment();
      LOG.warn("Cancellation action of effect '{}' failed", name(), t);
    }
  }

  /** Returns the cancellation cause, or null while the fiber is live. */
  CommonError cancelCause() {
    return cancelState instanceof CommonError cause ? cause : null;
  }

  @Override
  public boolean isCancelled() {
    return cancelState instanceof CommonError;
  }

  @Override
  public Optional<String> reason() {
    CommonError cause = cancelCause();
    return cause == null ? Optional.empty() : Optional.of(reasonOf(cause));
  }

  @Override
  public void throwIfCancelled() {
    CommonError cause = cancelCause();
    if (cause != null) {
      throw new CancellationException(reasonOf(cause));
    }
  }

  @Override
  public Registration onCancel(Runnable action) {
    Objects.requireNonNull(action, "action");
    CancelListener node = new CancelListener(action);
    while (true) {
      Object head = cancelState;
      if (head instanceof CommonError) {
        runCancelListener(action);
        node.closed = true;
        return node;
      }
      node.next = (CancelListener) head;
      if (CANCEL_STATE.compareAndSet(this, head, node)) {
        return node;
      }
    }
  }

  private static String reasonOf(CommonError cause) {
    return cause instanceof CommonError.Cancelled(String reason) ? reason : cause.message();
  }

  // ------------------------------------------------------------------ the handle

  /**
   * Completes a root's handle with {@code outcome} unless it is already complete; the runtime's
   * book-keeping (counters, registry, logging) happens first, so it is visible to whoever the
   * completion wakes. Safe from any thread.
   *
   * @return true if this call completed the handle
   */
  boolean completeRoot(Outcome<E, T> outcome) {
    int slot;
    do {
      slot = position;
      if (slot == CLAIMED) {
        return false;
      }
    } while (!POSITION.compareAndSet(this, slot, CLAIMED));
    core.rootCompleted(this, slot, outcome);
    completeByRuntime(outcome);
    return true;
  }

  /**
   * Records the registry slot of a root just registered; returns false if the root was completed
   * concurrently (by shutdown), in which case the caller must unregister it.
   */
  boolean registered(int slot) {
    return POSITION.compareAndSet(this, InFlightRegistry.NONE, slot);
  }

  /** A child's index in its join. */
  int index() {
    return position;
  }

  @Override
  public CompletionStage<Outcome<E, T>> outcome() {
    return this;
  }

  @Override
  public boolean cancel() {
    return cancel("cancelled by the caller");
  }

  @Override
  public boolean cancel(String reason) {
    Objects.requireNonNull(reason, "reason");
    return cancelWith(new CommonError.Cancelled(reason));
  }

  /** Cancels the effect, as {@link #cancel()}; {@code mayInterruptIfRunning} is implied for blocking bodies. */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    return cancel("cancelled through the handle's future");
  }

  @Override
  public String toString() {
    return "EffectHandle[" + name() + ", " + priority() + (isDone() ? ", " + join() : ", running") + "]";
  }

  // ------------------------------------------------------------------ helpers

  /** Maps a body's throwable to the fault it stands for. */
  CommonError faultOf(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    CommonError cause = cancelCause();
    if (cause != null
        && (t instanceof CancellationException
            || t instanceof InterruptedException
            || t instanceof InterruptedIOException
            || t instanceof ClosedByInterruptException)) {
      return cause;
    }
    if (t instanceof CancellationException) {
      return new CommonError.Cancelled(t.getMessage() == null ? "a body was cancelled" : t.getMessage());
    }
    return new CommonError.Panic(t);
  }

  private static CommonError missing(Class<?> type) {
    return new CommonError.CapabilityMissing(type.getName());
  }

  private static Object requireEffect(Object effect, String what) {
    if (effect == null) {
      throw new NullPointerException(what + " returned null instead of an effect");
    }
    return effect;
  }

  private static CompletableFuture<?> futureOf(CompletionStage<?> stage) {
    if (stage instanceof CompletableFuture<?> future) {
      return future;
    }
    try {
      return stage.toCompletableFuture();
    } catch (UnsupportedOperationException e) {
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  static <E, T> Outcome<E, T> outcomeOf(int m, Object r) {
    return switch (m) {
      case VALUE -> new Outcome.Success<>((T) r);
      case FAILURE -> new Outcome.Failure<>((E) r);
      default -> new Outcome.Fault<>((CommonError) r);
    };
  }

  static String describe(Outcome<?, ?> outcome) {
    return switch (outcome) {
      case Outcome.Success<?, ?> s -> "success";
      case Outcome.Failure<?, ?> f -> "failure " + f.error();
      case Outcome.Fault<?, ?> f -> f.error().message();
    };
  }

  /** The per-execution state of a {@code retry} frame. */
  static final class RetryState {
    final Node.Retry<?, ?, ?> node;
    /** Attempts started so far, including the one running. */
    int attempts = 1;

    RetryState(Node.Retry<?, ?, ?> node) {
      this.node = node;
    }
  }
}
