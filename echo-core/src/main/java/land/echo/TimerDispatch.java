package land.echo;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Moves the consequences of one runtime's timers (a deadline cancelling an effect, a {@code timeout}
 * expiring) off the timer's thread; thread-safe.
 *
 * <p>The timer's thread is shared by every runtime in the JVM, and those consequences run user
 * code: cancellation actions, the dependents of a completed handle, log calls. So the timer only
 * enqueues ({@link #dispatch}, one queue offer), and a platform thread of this runtime's own runs
 * the actions in order. A burst of expiries in one runtime, or a slow action there, therefore
 * delays no other runtime's timers and no sleep's wake-up (a wake-up is only a resubmission, done
 * on the timer's thread). Within the runtime, a slow cancellation action delays the expiries queued
 * behind it: actions should be short.
 *
 * <p>Neither the scheduler's workers (they may all be busy with long compute bodies, and a
 * deadline must be met even then) nor virtual threads (their carrier pool is shared and FIFO, so
 * one runtime's burst would queue another's expiry behind it) are used. The thread is created on
 * first use and ends after a second without work, so an idle runtime holds none.
 */
final class TimerDispatch {
  private static final AtomicInteger RUNTIMES = new AtomicInteger();

  private final ThreadPoolExecutor executor;

  TimerDispatch() {
    String name = "echo-timeouts-" + RUNTIMES.getAndIncrement();
    executor = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        runnable -> Thread.ofPlatform().name(name).daemon(true).unstarted(runnable));
    executor.allowCoreThreadTimeOut(true);
  }

  /** Hands {@code action} over; called on the timer's thread. */
  void dispatch(Runnable action) {
    try {
      executor.execute(() -> {
        try {
          action.run();
        } catch (Throwable t) {
          RuntimeCore.logQuietly("A timer action failed", t);
        }
      });
    } catch (Throwable e) {
      // The thread cannot be started (the heap or the process is exhausted): run it here rather than lose it.
      action.run();
    }
  }
}
