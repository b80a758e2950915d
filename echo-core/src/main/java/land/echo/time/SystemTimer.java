package land.echo.time;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A timer on real time with one daemon platform thread of its own; thread-safe.
 *
 * <p>{@link Timer#system()} is one JVM-wide instance. An {@code ApplicationRuntime} built without a
 * timer creates its own ({@link #create}) and closes it when it shuts down, so that a burst of one
 * runtime's timers never delays another runtime's: in echo-bench's {@code timers}, 20,000 timeouts
 * of one runtime due at one instant delayed a timeout of another runtime sharing the timer thread by
 * about 22 ms, the time the thread needs to run through 20,000 entries.
 *
 * <p>{@code removeOnCancelPolicy} keeps cancelled timeouts (the common case: most effects finish
 * before their deadline) from accumulating in the queue until they would have fired.
 */
public final class SystemTimer implements Timer, AutoCloseable {
  static final SystemTimer INSTANCE = new SystemTimer("echo-timer");
  private static final Logger LOG = LoggerFactory.getLogger(SystemTimer.class);

  private final ScheduledThreadPoolExecutor executor;

  private SystemTimer(String threadName) {
    executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, threadName);
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * Creates a timer whose daemon thread is named {@code threadName}; {@link #close()} stops it.
   *
   * @param threadName the name of the timer's thread
   * @return the timer
   */
  public static SystemTimer create(String threadName) {
    return new SystemTimer(Objects.requireNonNull(threadName, "threadName"));
  }

  /**
   * Stops the timer's thread; pending actions never run and later {@code schedule} calls throw
   * {@link java.util.concurrent.RejectedExecutionException}. Closing {@link Timer#system()} is
   * refused, since other runtimes share it.
   *
   * @throws UnsupportedOperationException on the JVM-wide {@link Timer#system()} instance
   */
  @Override
  public void close() {
    if (this == INSTANCE) {
      throw new UnsupportedOperationException("Timer.system() is shared by the whole JVM and cannot be closed");
    }
    executor.shutdownNow();
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
