package land.echo.resilience.internal;

import java.util.function.Supplier;
import land.echo.ActionEffect;
import land.echo.time.Clock;
import land.echo.time.Timer;

/**
 * The clock (and timer) a policy reads: the ones given to its builder, or else those of the
 * runtime that last ran an effect through it, which the policy learns on every call with {@link
 * #around}. Until a runtime has, its time stands still at 0 and its timer is the system one. It is
 * itself a {@link Clock}, so the engines built once at construction (Resilience4j's breaker,
 * Bucket4j's bucket, Caffeine's cache) read through it and follow the runtime too. Thread-safe.
 *
 * <p>The time it reads stays continuous when the clock it follows changes (from standing still to
 * the first runtime's clock, or between two runtimes' clocks): it continues from its last reading
 * on the new clock, shifted by a fixed offset, so that what the engines recorded before (Bucket4j's
 * last refill, a deadline) never lies in a far future or past. Differences taken on one clock are exact;
 * only an interval that spans the switch is off, by the time that passed on the new clock before
 * the switch.
 *
 * <p>Following costs a read of the runtime's clock per call (an {@code ActionEffect.clock()}
 * step, which replaces the {@code suspend} a policy starts with anyway) and a volatile write only
 * when the runtime's clock differs from the one followed, so a policy used by one runtime writes
 * once.
 */
public final class PolicyTime implements Clock {
  private final boolean fixedClock;
  private final boolean fixedTimer;
  /** The clock followed, and what to add to its readings; replaced whole when the clock changes. */
  private volatile Source source;
  private volatile Timer timer;

  private record Source(Clock clock, long offset) {}

  /**
   * The time of a policy that follows the runtime before any runtime has run it: it stands still
   * at 0, so that what the engines read at construction (Bucket4j's first refill, the start of an
   * interval) and the real time that passes before the first call never count on the timeline the
   * first runtime's clock then continues (a test's virtual clock would otherwise inherit the
   * milliseconds between building the policy and running it).
   */
  private static final Clock NOT_STARTED = () -> 0L;

  /**
   * Creates the time of a policy whose builder was given {@code clock} and {@code timer}; null for
   * either means "the runtime's".
   */
  public PolicyTime(Clock clock, Timer timer) {
    this.fixedClock = clock != null;
    this.fixedTimer = timer != null;
    this.source = new Source(clock != null ? clock : NOT_STARTED, 0);
    this.timer = timer != null ? timer : Timer.system();
  }

  @Override
  public long nanoTime() {
    Source s = source;
    return s.clock.nanoTime() + s.offset;
  }

  /** Returns the timer: the builder's, or the last runtime's. */
  public Timer timer() {
    return timer;
  }

  /** Whether this follows the runtime's timer (none was given to the builder). */
  public boolean followsTimer() {
    return !fixedTimer;
  }

  /** Follows {@code runtimeClock} unless a clock was given to the builder. */
  public void followClock(Clock runtimeClock) {
    if (!fixedClock && source.clock != runtimeClock) {
      switchTo(runtimeClock);
    }
  }

  private synchronized void switchTo(Clock runtimeClock) {
    Source old = source;
    if (old.clock != runtimeClock) {
      long now = old.clock.nanoTime() + old.offset;
      source = new Source(runtimeClock, now - runtimeClock.nanoTime());
    }
  }

  /** Follows {@code runtimeTimer} unless a timer was given to the builder. */
  public void followTimer(Timer runtimeTimer) {
    if (!fixedTimer && timer != runtimeTimer) {
      timer = runtimeTimer;
    }
  }

  /**
   * Returns an effect that, each time it runs, first follows the running runtime's clock and then
   * runs the effect {@code body} builds; {@code suspend(body)} when the clock is fixed.
   */
  @SuppressWarnings("unchecked")
  public <E, T> ActionEffect<E, T> around(Supplier<? extends ActionEffect<E, T>> body) {
    if (fixedClock) {
      return ActionEffect.suspend(body);
    }
    return ActionEffect.<E>clock().flatMap(runtimeClock -> {
      followClock(runtimeClock);
      return body.get();
    });
  }
}
