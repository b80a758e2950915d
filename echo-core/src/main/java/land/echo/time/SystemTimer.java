package land.echo.time;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Timer#system()} timer: a single daemon thread; thread-safe.
 *
 * <p>{@code removeOnCancelPolicy} keeps cancelled timeouts (the common case: most effects finish
 * before their deadline) from accumulating in the queue until they would have fired.
 */
final class SystemTimer implements Timer {
  static final SystemTimer INSTANCE = new SystemTimer();
  private static final Logger LOG = LoggerFactory.getLogger(SystemTimer.class);

  private final ScheduledThreadPoolExecutor executor;

  private SystemTimer() {
    executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "echo-timer");
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable action) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(action, "action");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    long nanos = saturatedNanos(delay);
    var future = executor.schedule(() -> {
      try {
        action.run();
      } catch (Throwable t) {
        LOG.error("Timer action failed", t);
      }
    }, nanos, TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  static long saturatedNanos(Duration delay) {
    try {
      return delay.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
