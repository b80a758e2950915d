package land.echo.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import land.echo.ActionEffect;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.spi.ContextPropagator;
import land.echo.spi.StepInfo;
import land.echo.time.Timer;

/**
 * A parent {@link Fiber} suspended on child fibers: {@code all}, {@code race}, {@code
 * firstSuccess}, {@code timeout} (and {@code timeoutTo}) or the acquisition of {@code
 * acquireRelease}; thread-safe.
 *
 * <p>Children report through {@link #childDone}; one CAS on {@link #resumed} elects the single
 * party that resumes the parent (the last successful child of {@code all}, the first failing one,
 * the first child of a race, the timer of a timeout, or the parent's own cancellation). The
 * winner then signals the other children; nobody waits for them (cancellation never
 * back-pressures, see docs/semantics.md).
 *
 * <p>Separately, {@link #settle()} counts children whose whole subtree has stopped running, so
 * that the runtime knows when a root and everything it spawned is quiescent (shutdown waits for
 * that before running its hooks).
 */
public abstract sealed class Join permits Join.All, Join.Race, Join.Timeout, Join.FirstSuccess, Join.Acquire {
  private static final VarHandle RESUMED;
  private static final VarHandle UNSETTLED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      RESUMED = lookup.findVarHandle(Join.class, "resumed", int.class);
      UNSETTLED = lookup.findVarHandle(Join.class, "unsettled", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  public final Fiber<?, ?> parent;
  public final Fiber<?, ?>[] children;
  /**
   * The root's context snapshot ({@link Fiber#context()}), copied from the parent so that a child
   * finds it in two loads however deep it is; written before any child is submitted.
   */
  final ContextPropagator.Captured context;
  private volatile int resumed;
  private volatile int unsettled;

  public Join(Fiber<?, ?> parent, int n) {
    this.parent = parent;
    this.context = parent.context();
    this.children = new Fiber<?, ?>[n];
    this.unsettled = n;
  }

  /** A child finished with register {@code r} in mode {@code m}. */
  abstract void childDone(Fiber<?, ?> child, int m, Object r);

  /** Withdraws whatever this join scheduled on the timer (only a timeout has something). */
  void withdrawTimer() {}

  /**
   * Returns true if the parent's cancellation must not reach the children (an acquisition runs to
   * its end, see {@link Acquire}); the parent is still resumed at once.
   */
  boolean shieldsChildren() {
    return false;
  }

  /**
   * The parent was cancelled: withdraw the timer, signal every child (iteratively, however deep
   * the tree) and resume the parent with the cause.
   */
  public final void parentCancelled(Fault cause) {
    withdrawTimer();
    cancelChildren(cause, null);
    tryResume(cause, Fiber.FAULT);
  }

  public final boolean tryResume(Object r, int m) {
    if (resumed == 0 && RESUMED.compareAndSet(this, 0, 1)) {
      parent.resume(r, m);
      return true;
    }
    return false;
  }

  /**
   * As {@link #tryResume(Object, int)}, but the winner runs {@code before} first, while the parent
   * is still suspended (a listener told about a timeout sees the enclosing step still open).
   */
  final boolean tryResume(Object r, int m, Runnable before) {
    if (resumed == 0 && RESUMED.compareAndSet(this, 0, 1)) {
      before.run();
      parent.resume(r, m);
      return true;
    }
    return false;
  }

  public final boolean isResumed() {
    return resumed != 0;
  }

  public final void cancelChildren(Fault cause, Fiber<?, ?> except) {
    for (Fiber<?, ?> child : children) {
      if (child != except && child != null) {
        child.signal(cause);
      }
    }
  }

  /** A child's subtree stopped running; returns true for the last one, which releases the parent. */
  public boolean settle() {
    return (int) UNSETTLED.getAndAdd(this, -1) == 1;
  }

  /**
   * A child that never forked finished, so its subtree settles with it: delivers its result as
   * {@link #childDone} does, then settles it as {@link #settle()} does, and returns true if it
   * was the last child to settle. Never throws: a failure to deliver is logged, and the child
   * still settles, so the parent's quiescence is never held by it. {@link All} does both in one
   * atomic step.
   */
  boolean childDoneAndSettle(Fiber<?, ?> child, int m, Object r) {
    try {
      childDone(child, m, r);
    } catch (Throwable t) {
      RuntimeCore.logQuietly("Delivering the result of an effect failed", t);
    }
    return settle();
  }

  /**
   * Succeeds when every child has; the first failure or fault wins and cancels the rest.
   *
   * <p>The children still to succeed and the children still to settle share one word, {@link
   * #counts} (high and low 32 bits), so a child that never forked and succeeds counts for both in
   * one atomic step: a fork of leaves (skynet's million) pays one atomic per child here, not two.
   * The low half never borrows from the high one, as each child settles exactly once.
   */
  public static final class All extends Join {
    private static final VarHandle COUNTS;
    private static final long ONE_REMAINING = 1L << 32;

    static {
      try {
        COUNTS = MethodHandles.lookup().findVarHandle(All.class, "counts", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final Object[] values;
    /** High 32 bits: children yet to succeed; low 32 bits: children yet to settle. */
    private volatile long counts;

    All(Fiber<?, ?> parent, int n) {
      super(parent, n);
      this.values = new Object[n];
      this.counts = ((long) n << 32) | n;
    }

    @Override
    void childDone(Fiber<?, ?> child, int m, Object r) {
      if (m == Fiber.VALUE) {
        values[child.index()] = r;
        // The decrement is a full fence: the last child sees every sibling's value.
        if ((int) ((long) COUNTS.getAndAdd(this, -ONE_REMAINING) >>> 32) == 1) {
          tryResume(immutableList(values), Fiber.VALUE);
        }
      } else if (tryResume(r, m)) {
        cancelChildren(new Fault.Cancelled("a sibling in all() failed"), child);
      }
    }

    @Override
    public boolean settle() {
      return (int) (long) COUNTS.getAndAdd(this, -1L) == 1;
    }

    @Override
    boolean childDoneAndSettle(Fiber<?, ?> child, int m, Object r) {
      if (m != Fiber.VALUE) {
        return super.childDoneAndSettle(child, m, r);
      }
      values[child.index()] = r;
      long before = (long) COUNTS.getAndAdd(this, -ONE_REMAINING - 1);
      if ((int) (before >>> 32) == 1) {
        try {
          tryResume(immutableList(values), Fiber.VALUE);
        } catch (Throwable t) {
          RuntimeCore.logQuietly("Delivering the result of an effect failed", t);
        }
      }
      return (int) before == 1;
    }
  }

  /**
   * Returns {@code values} as an immutable list: {@code List.of} (a copy with a fast iterator,
   * which the skynet benchmark's sums iterate a million times) unless a value is null.
   */
  public static java.util.List<Object> immutableList(Object[] values) {
    for (Object value : values) {
      if (value == null) {
        return Collections.unmodifiableList(Arrays.asList(values));
      }
    }
    return java.util.List.of(values);
  }

  /**
   * The first child to succeed decides and the others are cancelled; if none succeeds, the last
   * one to finish decides (its failure or fault is the outcome).
   */
  public static final class FirstSuccess extends Join {
    private static final VarHandle REMAINING;

    static {
      try {
        REMAINING = MethodHandles.lookup().findVarHandle(FirstSuccess.class, "remaining", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private volatile int remaining;

    FirstSuccess(Fiber<?, ?> parent, int n) {
      super(parent, n);
      this.remaining = n;
    }

    @Override
    void childDone(Fiber<?, ?> child, int m, Object r) {
      if (m == Fiber.VALUE) {
        if (tryResume(r, m)) {
          cancelChildren(new Fault.Cancelled("another effect succeeded first"), child);
        }
      } else if ((int) REMAINING.getAndAdd(this, -1) == 1) {
        // Every child has finished and none succeeded (a success would have won the CAS first).
        tryResume(r, m);
      }
    }
  }

  /**
   * The acquisition of {@code acquireRelease}, run in a child fiber that the parent's cancellation
   * does not reach. A cancelled parent is resumed at once (cancellation never back-pressures); if
   * the acquisition then still succeeds, this join releases the resource itself, on the child's
   * thread, with the parent's cancellation as the outcome. So an acquired resource is released
   * exactly once: by the parent's release frame if the parent received it, here otherwise.
   */
  public static final class Acquire extends Join {
    private final Node.AcquireRelease<?, ?> node;

    Acquire(Fiber<?, ?> parent, Node.AcquireRelease<?, ?> node) {
      super(parent, 1);
      this.node = node;
    }

    @Override
    boolean shieldsChildren() {
      return true;
    }

    @Override
    void childDone(Fiber<?, ?> child, int m, Object r) {
      if (tryResume(r, m) || m != Fiber.VALUE) {
        return;
      }
      // Only the parent's cancellation resumes it before the child does.
      Fault cause = parent.cancelCause();
      Outcome<?, ?> outcome = new Outcome.Faulted<>(cause != null ? cause : new Fault.Cancelled("acquireRelease was cancelled"));
      try {
        node.release.accept(r, outcome);
      } catch (Throwable t) {
        parent.core.finalizerFailures.increment();
        RuntimeCore.logQuietly("Releasing a resource acquired after its effect was cancelled failed", t);
      }
    }
  }

  /** The first child to finish decides; the others are cancelled. */
  public static final class Race extends Join {
    Race(Fiber<?, ?> parent, int n) {
      super(parent, n);
    }

    @Override
    void childDone(Fiber<?, ?> child, int m, Object r) {
      if (tryResume(r, m)) {
        cancelChildren(new Fault.Cancelled("lost the race"), child);
      }
    }
  }

  /**
   * One child against a timer. The timer thread only hands the expiry over ({@link
   * RuntimeCore#onTimer}); {@link #run()} then ends the join with {@code TimedOut} elsewhere, so no
   * cancellation action or dependent ever runs on the timer thread. With a {@code fallback}
   * ({@code timeoutTo}) the expiry resumes the parent with the fallback to evaluate instead, and the
   * child is still cancelled with {@code TimedOut}.
   */
  public static final class Timeout extends Join implements Runnable {
    private final Duration after;
    private final ActionEffect<?, ?> fallback;
    /** The runtime clock's reading at which this timeout expires, for {@link Deadlines}. */
    final long deadlineAt;
    private volatile Timer.Cancellable timer;
    /** The step enclosing the timeout, for listeners; set before {@link #arm}, which publishes it. */
    long stepId = StepInfo.ROOT;

    Timeout(Fiber<?, ?> parent, Duration after, ActionEffect<?, ?> fallback) {
      super(parent, 1);
      this.after = after;
      this.fallback = fallback;
      this.deadlineAt = Deadlines.at(parent.core.clock.nanoTime(), after);
    }

    void arm(RuntimeCore core) {
      Timer.Cancellable handle;
      try {
        handle = core.timer.schedule(after, () -> core.onTimer(this));
      } catch (Throwable e) {
        if (tryResume(new Fault.Panic(e), Fiber.FAULT)) {
          cancelChildren(new Fault.Cancelled("the timeout could not be scheduled"), null);
        }
        return;
      }
      timer = handle;
      if (isResumed()) {
        handle.cancel();
      }
    }

    @Override
    void withdrawTimer() {
      Timer.Cancellable handle = timer;
      if (handle != null) {
        handle.cancel();
      }
    }

    @Override
    public void run() {
      Fault timedOut = new Fault.TimedOut(after);
      Object r = fallback != null ? fallback : timedOut;
      int m = fallback != null ? Fiber.EVAL : Fiber.FAULT;
      RuntimeCore core = parent.core;
      boolean won = core.listeners == null
          ? tryResume(r, m)
          : tryResume(r, m, () -> core.timedOut(parent.root(), stepId, after));
      if (won) {
        cancelChildren(timedOut, null);
      }
    }

    @Override
    void childDone(Fiber<?, ?> child, int m, Object r) {
      // Withdraw the timer before resuming the parent, so that no pending timer outlives an
      // outcome the caller can already see. Withdrawing after losing the race is harmless: the
      // timer has then fired or the parent was cancelled.
      withdrawTimer();
      tryResume(r, m);
    }
  }
}
