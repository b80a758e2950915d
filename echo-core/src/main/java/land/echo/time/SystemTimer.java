package land.echo.time;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p><b>The beat.</b> The thread sleeps until its earliest entry is due, and a new entry that is
 * due earlier than every other must wake it, which costs the scheduling thread an unpark (tens of
 * microseconds on a virtual machine) and puts one more thread on a CPU. With one timeout at a time,
 * the common case of a runtime that answers requests under {@code submitWithTimeout}, each entry
 * is withdrawn before the next arrives, so every one found the queue empty and woke the thread. So
 * while the timer is in use, it keeps an entry of its own, the beat, due every {@link #BEAT}: an
 * entry due after the next beat is then never the earliest and wakes nobody. The beat stops after
 * {@link #QUIET_BEATS} beats in a row with nothing scheduled (one second), and the thread then
 * sleeps until the next entry, so an idle timer burns no CPU; the first {@code schedule} after that
 * starts the beat again.
 */
public final class SystemTimer implements Timer, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SystemTimer.class);

  /** How often the thread wakes while the timer is in use. */
  static final Duration BEAT = Duration.ofMillis(50);
  /** Beats in a row with nothing scheduled after which the beat stops. */
  static final int QUIET_BEATS = 20;
  /** The JVM-wide timer; declared after the beat's settings, which it reads. */
  static final SystemTimer INSTANCE = new SystemTimer("echo-timer", BEAT, QUIET_BEATS);

  private final ScheduledThreadPoolExecutor executor;
  private final long beatNanos;
  private final int quietBeats;
  private final Runnable beatTask = this::beat;
  /** Whether the beat is running: set by the {@code schedule} that starts it, cleared by the beat that stops. */
  private final AtomicBoolean beating = new AtomicBoolean();
  /** Whether anything was scheduled since the last beat; set by {@code schedule}, cleared by the beat. */
  private volatile boolean scheduledSinceBeat;
  /** Beats in a row that found nothing scheduled; the timer's thread only. */
  private int quietSoFar;
  /** Runs in the beat just before it clears {@link #beating}; tests force the race with it. */
  private volatile Runnable beforeStopForTest;

  private SystemTimer(String threadName, Duration beat, int quietBeats) {
    executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, threadName);
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.beatNanos = beat.toNanos();
    this.quietBeats = quietBeats;
  }

  /**
   * Creates a timer whose daemon thread is named {@code threadName}; {@link #close()} stops it.
   *
   * @param threadName the name of the timer's thread
   * @return the timer
   */
  public static SystemTimer create(String threadName) {
    return new SystemTimer(Objects.requireNonNull(threadName, "threadName"), BEAT, QUIET_BEATS);
  }

  /** A timer with its own beat, for tests. */
  static SystemTimer createForTest(String threadName, Duration beat, int quietBeats) {
    return new SystemTimer(threadName, beat, quietBeats);
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
    // Marked before the beat is read, and the beat clears `beating` before it reads the mark: at
    // least one of the two sees the other, so a stopping beat never leaves this entry unbeaten.
    if (!scheduledSinceBeat) {
      scheduledSinceBeat = true;
    }
    if (!beating.get() && beating.compareAndSet(false, true)) {
      executor.schedule(beatTask, beatNanos, TimeUnit.NANOSECONDS); // first, so the entry need not be the head
    }
    var future = executor.schedule(() -> {
      try {
        action.run();
      } catch (Throwable t) {
        LOG.error("Timer action failed", t);
      }
    }, nanos, TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  /** The beat, on the timer's thread: due again in {@link #BEAT}, unless the timer has gone quiet. */
  private void beat() {
    if (scheduledSinceBeat) {
      scheduledSinceBeat = false;
      quietSoFar = 0;
    } else if (++quietSoFar >= quietBeats) {
      quietSoFar = 0;
      Runnable hook = beforeStopForTest;
      if (hook != null) {
        hook.run();
      }
      beating.set(false);
      if (!scheduledSinceBeat || !beating.compareAndSet(false, true)) {
        return; // quiet: the thread sleeps until the next entry, whose schedule starts the beat again
      }
    }
    try {
      executor.schedule(beatTask, beatNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      // closed while beating: nothing is due any more
    }
  }

  /** Returns whether the beat is running, for tests. */
  boolean beatingForTest() {
    return beating.get();
  }

  /** Returns how many entries, the beat included, wait in the queue, for tests. */
  int queuedForTest() {
    return executor.getQueue().size();
  }

  /** Sets what the beat runs just before it stops, for tests. */
  void beforeStopForTest(Runnable hook) {
    beforeStopForTest = hook;
  }

  static long saturatedNanos(Duration delay) {
    try {
      return delay.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
