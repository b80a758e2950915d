package land.echo.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Optional;
import land.echo.time.Clock;
import land.echo.time.Timer;

/**
 * The deadlines a fiber runs under, for {@link CancellationToken#deadline()}; stateless.
 *
 * <p>A deadline is an absolute reading of the runtime's {@link Clock}, taken when the budget
 * starts: by a root submitted with a timeout ({@link RootDeadline}, the handle's timer entry) and by
 * each {@code timeout} join ({@link Join.Timeout#deadlineAt}). Nothing is stored on a fiber: {@link
 * #remaining} walks from the fiber up through its joins to its root when a body asks, so an effect
 * that never asks pays nothing, and one that does pays one walk of its join nesting (iterative, as
 * every walk of a user-built structure).
 */
public final class Deadlines {
  /**
   * The longest budget recorded, about 146 years: deadlines are compared by difference, like
   * {@link System#nanoTime()} values, which stays exact while two of them are less than 2^63 ns apart.
   */
  private static final long MAX_BUDGET_NANOS = Long.MAX_VALUE >> 1;

  private Deadlines() {}

  /** Returns the clock reading {@code budget} after {@code now}, the budget clamped to about 146 years. */
  public static long at(long now, Duration budget) {
    long nanos;
    try {
      nanos = Math.min(budget.toNanos(), MAX_BUDGET_NANOS);
    } catch (ArithmeticException e) {
      nanos = MAX_BUDGET_NANOS;
    }
    return now + nanos;
  }

  /**
   * Returns the time left until the earliest deadline above a fiber whose {@code link} (its handle
   * or its join) is given, or empty if it runs under none; zero once that deadline has passed.
   */
  public static Optional<Duration> remaining(Clock clock, Object link) {
    // Each deadline is compared as its distance from now, which cannot wrap the way two raw
    // nanoTime readings can, so the earliest is a plain minimum.
    long now = clock.nanoTime();
    boolean found = false;
    long least = Long.MAX_VALUE;
    Object l = link;
    while (l instanceof Join j) {
      if (j instanceof Join.Timeout t) {
        least = Math.min(least, t.deadlineAt - now);
        found = true;
      }
      l = j.parent.link();
    }
    if (l instanceof HandleFuture<?, ?> handle && handle.deadline() instanceof RootDeadline root) {
      least = Math.min(least, root.at() - now);
      found = true;
    }
    return found ? Optional.of(Duration.ofNanos(Math.max(0, least))) : Optional.empty();
  }

  /**
   * A root's whole-effect deadline: the clock reading {@code at} it expires at, and its timer
   * entry. The entry may be installed after the deadline is published ({@link #install}): a root
   * is queued first and its timer entry scheduled after, so that scheduling the timer (which can
   * wake the timer's thread) is not on the path from submission to the worker's wake-up. A
   * cancellation that comes before the entry cancels it as it is installed. Thread-safe: {@code
   * cancel} and {@code install} each write their own volatile and then read the other's, so at
   * least one of them sees both and the entry is withdrawn.
   */
  static final class RootDeadline implements Timer.Cancellable {
    private static final VarHandle CANCELLED;

    static {
      try {
        CANCELLED = MethodHandles.lookup().findVarHandle(RootDeadline.class, "cancelled", boolean.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final long at;
    private volatile Timer.Cancellable entry;
    private volatile boolean cancelled;

    /** A deadline at {@code at} whose timer entry {@link #install} adds later. */
    RootDeadline(long at) {
      this.at = at;
    }

    /** Returns the clock reading this deadline expires at. */
    long at() {
      return at;
    }

    /** Installs the timer entry, withdrawing it at once if this deadline was cancelled first. */
    void install(Timer.Cancellable timerEntry) {
      entry = timerEntry;
      if (cancelled) {
        timerEntry.cancel();
      }
    }

    /**
     * Withdraws the deadline; true the first time if that prevented the action (an entry not yet
     * installed never runs), false once withdrawn or if the action already ran.
     */
    @Override
    public boolean cancel() {
      if (!CANCELLED.compareAndSet(this, false, true)) {
        return false;
      }
      Timer.Cancellable e = entry;
      return e == null || e.cancel();
    }
  }
}
