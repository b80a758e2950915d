package land.echo.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import land.echo.Fault;
import land.echo.time.Timer;

/**
 * A timed wait of a suspended {@link Fiber}: resumed by whichever comes first, the timer or a
 * cancellation; thread-safe.
 *
 * <p>One CAS on {@link #state} decides the winner, so the fiber is resumed exactly once. The loser's
 * timer entry is withdrawn as soon as the handle is known, so a cancelled sleep leaves no pending
 * timer behind (tests on virtual time rely on this).
 */
public final class SleepCall implements Runnable {
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(SleepCall.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Fiber<?, ?> fiber;
  private final Object resumeReg;
  private final int resumeMode;
  private volatile int state;
  private volatile Timer.Cancellable timer;

  public SleepCall(Fiber<?, ?> fiber, Object resumeReg, int resumeMode) {
    this.fiber = fiber;
    this.resumeReg = resumeReg;
    this.resumeMode = resumeMode;
  }

  /** Schedules the wake-up on {@code clock}. */
  public void arm(Timer clock, Duration delay) {
    Timer.Cancellable handle;
    try {
      handle = clock.schedule(delay, this);
    } catch (Throwable e) {
      if (STATE.compareAndSet(this, 0, 1)) {
        fiber.resume(new Fault.Panic(e), Fiber.FAULT);
      }
      return;
    }
    timer = handle;
    if (state != 0) {
      handle.cancel();
    }
  }

  /** The timer fired. */
  @Override
  public void run() {
    if (STATE.compareAndSet(this, 0, 1)) {
      fiber.resume(resumeReg, resumeMode);
    }
  }

  /** Cancels the wait and resumes the fiber with {@code cause}, unless the timer already fired. */
  public void cancel(Fault cause) {
    if (STATE.compareAndSet(this, 0, 1)) {
      Timer.Cancellable handle = timer;
      if (handle != null) {
        handle.cancel();
      }
      fiber.resume(cause, Fiber.FAULT);
    }
  }
}
