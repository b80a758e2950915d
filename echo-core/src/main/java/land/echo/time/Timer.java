package land.echo.time;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Runs an action once after a delay; injected so that tests can run on virtual time.
 *
 * <p>Implementations must be thread-safe. Actions must be short: they typically resubmit work to
 * the scheduler rather than doing it.
 */
public interface Timer {
  /**
   * Schedules {@code action} to run once, {@code delay} from now.
   *
   * @param delay how long from now to run {@code action}
   * @param action the action to run
   * @return a handle whose {@link Cancellable#cancel()} prevents the action if it has not yet run
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  Cancellable schedule(Duration delay, Runnable action);

  /**
   * Returns the shared system timer: one daemon platform thread named {@code echo-timer} (a {@code
   * ScheduledThreadPoolExecutor} that removes cancelled actions at once), created on first use.
   * Its actions must be short; an action that throws is logged and does not stop the timer. While it
   * is in use its thread also wakes every 50 ms, and it stops after a second with nothing scheduled
   * (see {@link SystemTimer}).
   *
   * @return the shared system timer
   */
  static Timer system() {
    return SystemTimer.INSTANCE;
  }

  /**
   * Returns a {@link java.util.concurrent.ScheduledExecutorService} view of this timer that runs
   * tasks on {@code executor}; see {@link TimerScheduledExecutor#of}.
   *
   * @param clock this timer's time source, read by {@code getDelay} and to re-arm periodic tasks
   * @param executor runs the tasks; this timer's thread only hands them over
   * @return a new view, not shut down; shutting it down leaves this timer and {@code executor} alone
   * @throws NullPointerException if an argument is null
   */
  default TimerScheduledExecutor asScheduledExecutorService(Clock clock, Executor executor) {
    return TimerScheduledExecutor.of(clock, this, executor);
  }

  /** A scheduled action that can be withdrawn. */
  @FunctionalInterface
  interface Cancellable {
    /**
     * Withdraws the action if it has not yet run.
     *
     * @return true if this call prevented the action from running
     */
    boolean cancel();
  }
}
