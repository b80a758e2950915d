package land.echo.internal;

import land.echo.Fault;
import land.echo.spi.ContextPropagator;

/**
 * A blocking body submitted to the scheduler's virtual threads on behalf of a suspended {@link
 * Fiber}; thread-safe.
 *
 * <p>The call's own thread is the only party that resumes the fiber, unless cancellation
 * withdraws the call from the lane's wait queue before it started; otherwise cancellation only
 * interrupts: {@link #interrupt()} interrupts the thread while the body runs (guarded by this
 * object's monitor so that a late interrupt never reaches a thread that has moved on), and a call
 * that starts after its fiber was cancelled does not run the body at all. The monitor is taken
 * twice per blocking call, never on the compute path.
 */
public final class BlockingCall implements Runnable {
  private final Fiber<?, ?> fiber;
  private final Node.Leaf<?, ?> leaf;
  private final Object capability;
  private Thread thread;
  private boolean interrupted;

  public BlockingCall(Fiber<?, ?> fiber, Node.Leaf<?, ?> leaf, Object capability) {
    this.fiber = fiber;
    this.leaf = leaf;
    this.capability = capability;
  }

  @Override
  public void run() {
    synchronized (this) {
      thread = Thread.currentThread();
    }
    Object r;
    int m;
    ContextPropagator.Captured context = fiber.context();
    ContextPropagator.Scope scope = context == null ? null : ContextScopes.enter(context);
    try {
      Fault cause = fiber.cancelCause();
      if (cause != null) {
        r = cause;
        m = Fiber.FAULT;
      } else {
        r = leaf.call(capability, fiber);
        m = Fiber.VALUE;
      }
    } catch (Throwable t) {
      r = fiber.faultOf(t);
      m = Fiber.FAULT;
    } finally {
      synchronized (this) {
        thread = null;
      }
      Thread.interrupted(); // a cancellation interrupt must not leak into whatever this thread does next
      if (scope != null) {
        ContextScopes.exit(scope);
      }
    }
    fiber.resumeAfterBlocking(r, m);
  }

  /**
   * The fiber was cancelled. A call still waiting for a blocking permit is withdrawn from the
   * lane's queue, so it holds no place there, and the fiber is resumed here with the cause (the
   * call's own thread never will); a running body is interrupted; a body that has not started yet
   * sees the cause and does not run.
   */
  public void cancel(Fault cause) {
    if (fiber.core.scheduler.withdrawBlocking(this)) {
      fiber.resume(cause, Fiber.FAULT);
      return;
    }
    interrupt();
  }

  /** Interrupts the body if it is running; harmless before it starts or after it ends. */
  public void interrupt() {
    synchronized (this) {
      if (thread != null && !interrupted) {
        interrupted = true;
        thread.interrupt();
      }
    }
  }
}
