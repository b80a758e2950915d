package land.echo.time;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ScheduledExecutorService} view of a {@link Timer}: delays are measured by the timer (so
 * on {@link VirtualTime} in tests), and tasks run on a given {@link Executor}, such as an {@code
 * EchoScheduler} or {@code scheduler.executor(Priority.HIGH)}. It lets libraries that ask for a
 * {@code ScheduledExecutorService} (Bucket4j's async API, for one) share Echo's timer and workers
 * instead of starting threads of their own.
 *
 * <pre>{@code
 * ScheduledExecutorService view =
 *     TimerScheduledExecutor.of(Clock.system(), Timer.system(), scheduler.executor(Priority.HIGH));
 * view.schedule(() -> refill(), 50, TimeUnit.MILLISECONDS);
 * }</pre>
 *
 * <p>Thread-safe. The view owns no thread: shutting it down neither closes the timer nor shuts the
 * executor down, and closing either of those is the owner's business.
 *
 * <p>Implementation notes:
 *
 * <ul>
 *   <li>Each pending task holds one timer entry. When it falls due, the timer's thread only hands
 *       the task to the executor; it never runs the task itself. A task with a delay of zero or
 *       less (and {@link #execute}, {@code submit}) is handed to the executor at once, on the
 *       caller's thread, without a timer entry.
 *   <li>If the executor rejects a due task, its future completes exceptionally with the executor's
 *       exception; a rejection of a task handed over at submission is also thrown to the caller as
 *       a {@link RejectedExecutionException}, as is a timer that refuses the entry.
 *   <li>{@link #scheduleAtFixedRate} keeps runs on the grid {@code start + n * period}, measured on
 *       the clock: after each run the task is re-armed for the first grid point after the end of the
 *       run (the next one when the run ends early enough). Runs missed because a run overran (or the executor queued it) are skipped, not
 *       run back to back to catch up as {@code ScheduledThreadPoolExecutor} does. {@link
 *       #scheduleWithFixedDelay} re-arms {@code delay} after each run ends. A periodic task never
 *       runs concurrently with itself.
 *   <li>A periodic task whose run throws is not re-armed, and its future completes exceptionally
 *       with that exception. {@link ScheduledFuture#cancel} withdraws the pending timer entry; a
 *       run already handed over still starts but does nothing ({@code FutureTask} semantics), and a
 *       periodic task stops. {@code cancel(true)} interrupts the executor's thread running the task,
 *       as {@code FutureTask} does; on a worker pool such as {@code EchoScheduler} prefer {@code
 *       cancel(false)}, since the interrupt may outlive the task.
 *   <li>{@link ScheduledFuture#getDelay} reads the {@link Clock}, which must be the timer's own time
 *       source (the same {@code VirtualTime} in tests, {@link Clock#system()} with a system timer).
 *   <li>{@link #execute} wraps the command in a future like the other methods, so an exception it
 *       throws is kept in that (unreachable) future rather than reaching the executor's thread, as
 *       with {@code ScheduledThreadPoolExecutor}.
 *   <li>{@link #awaitTermination} blocks on real time ({@link Object#wait(long, int)}): a test on
 *       virtual time calls it once everything has run, or with a zero timeout.
 * </ul>
 */
public final class TimerScheduledExecutor extends AbstractExecutorService implements ScheduledExecutorService {
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final Clock clock;
  private final Timer timer;
  private final Executor executor;
  private final Object lock = new Object();
  /** Tasks pending on the timer, handed to the executor, or running; guarded by {@link #lock}. */
  private final Set<Task<?>> live = new LinkedHashSet<>();
  private boolean shutdown;

  private TimerScheduledExecutor(Clock clock, Timer timer, Executor executor) {
    this.clock = clock;
    this.timer = timer;
    this.executor = executor;
  }

  /**
   * Creates a view that measures delays with {@code timer} and runs tasks on {@code executor}.
   *
   * @param clock the time source of {@code timer}, read by {@link ScheduledFuture#getDelay} and to
   *     re-arm periodic tasks
   * @param timer measures the delays; its thread only hands due tasks to {@code executor}
   * @param executor runs the tasks
   * @return a new view, not shut down
   * @throws NullPointerException if an argument is null, naming it
   */
  public static TimerScheduledExecutor of(Clock clock, Timer timer, Executor executor) {
    return new TimerScheduledExecutor(
        Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(timer, "timer"), Objects.requireNonNull(executor, "executor"));
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Objects.requireNonNull(command, "command");
    return submitTask(new Task<Void>(Executors.callable(command, null), delay, unit, 0));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    Objects.requireNonNull(callable, "callable");
    return submitTask(new Task<>(callable, delay, unit, 0));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Runs are due at {@code now + initialDelay + n * period}; a run is re-armed when the previous
   * one ends, for the first such instant after that end, so runs missed while a run overran
   * are skipped rather than bunched up.
   *
   * @throws IllegalArgumentException if {@code period} is not positive
   */
  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(unit, "unit");
    if (period <= 0) {
      throw new IllegalArgumentException("period must be positive, was " + period + " " + unit);
    }
    return submitTask(new Task<Void>(Executors.callable(command, null), initialDelay, unit, Math.max(1, unit.toNanos(period))));
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if {@code delay} is not positive
   */
  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(unit, "unit");
    if (delay <= 0) {
      throw new IllegalArgumentException("delay must be positive, was " + delay + " " + unit);
    }
    return submitTask(new Task<Void>(Executors.callable(command, null), initialDelay, unit, -Math.max(1, unit.toNanos(delay))));
  }

  /** Hands {@code command} to the executor at once (a schedule with zero delay). */
  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public ScheduledFuture<?> submit(Runnable task) {
    return schedule(task, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public <T> ScheduledFuture<T> submit(Runnable task, T result) {
    Objects.requireNonNull(task, "task");
    return submitTask(new Task<>(Executors.callable(task, result), 0, TimeUnit.NANOSECONDS, 0));
  }

  @Override
  public <T> ScheduledFuture<T> submit(Callable<T> task) {
    return schedule(task, 0, TimeUnit.NANOSECONDS);
  }

  /**
   * Stops accepting tasks and cancels the periodic ones; one-shot tasks already scheduled still
   * run when due. Neither the timer nor the executor is shut down.
   */
  @Override
  public void shutdown() {
    List<Task<?>> periodic = new ArrayList<>();
    synchronized (lock) {
      shutdown = true;
      for (Task<?> task : live) {
        if (task.isPeriodic()) {
          periodic.add(task);
        }
      }
      lock.notifyAll();
    }
    for (Task<?> task : periodic) {
      task.cancel(false);
    }
  }

  /**
   * Stops accepting tasks, withdraws every task still waiting on the timer and returns them (their
   * futures stay incomplete unless the caller runs or cancels them, as with {@code
   * ScheduledThreadPoolExecutor}), and cancels the tasks already handed to the executor without
   * interrupting them: their threads belong to the executor, and an interrupt could outlive the task
   * into the executor's next one. A task already running runs to its end.
   *
   * @return the withdrawn tasks, each a {@link RunnableScheduledFuture}, earliest due first
   */
  @Override
  public List<Runnable> shutdownNow() {
    List<Task<?>> withdrawn = new ArrayList<>();
    List<Task<?>> inFlight = new ArrayList<>();
    synchronized (lock) {
      shutdown = true;
      for (Task<?> task : List.copyOf(live)) {
        if (task.handle != null && task.handle.cancel()) {
          task.handle = null;
          live.remove(task);
          withdrawn.add(task);
        } else {
          inFlight.add(task);
        }
      }
      lock.notifyAll();
    }
    for (Task<?> task : inFlight) {
      task.cancel(false);
    }
    withdrawn.sort(null);
    return new ArrayList<>(withdrawn);
  }

  @Override
  public boolean isShutdown() {
    synchronized (lock) {
      return shutdown;
    }
  }

  /** Returns true once shut down and no task is pending on the timer, handed over or running. */
  @Override
  public boolean isTerminated() {
    synchronized (lock) {
      return shutdown && live.isEmpty();
    }
  }

  /**
   * Waits, on real time, until {@link #isTerminated()} or the timeout elapses.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long remaining = Objects.requireNonNull(unit, "unit").toNanos(timeout);
    long deadline = System.nanoTime() + remaining;
    synchronized (lock) {
      while (!(shutdown && live.isEmpty())) {
        if (remaining <= 0) {
          return false;
        }
        lock.wait(remaining / 1_000_000, (int) (remaining % 1_000_000));
        remaining = deadline - System.nanoTime();
      }
      return true;
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "TimerScheduledExecutor[timer=" + timer + ", executor=" + executor + ", live=" + live.size()
          + (shutdown ? ", shut down" : "") + "]";
    }
  }

  private <V> Task<V> submitTask(Task<V> task) {
    boolean handOverNow;
    synchronized (lock) {
      if (shutdown) {
        throw new RejectedExecutionException("TimerScheduledExecutor is shut down");
      }
      live.add(task);
      long delay = task.time - clock.nanoTime();
      handOverNow = delay <= 0;
      if (!handOverNow) {
        try {
          task.handle = timer.schedule(Duration.ofNanos(delay), task::handOver);
        } catch (RuntimeException e) {
          live.remove(task);
          throw new RejectedExecutionException("the timer refused the task", e);
        }
      }
    }
    if (handOverNow) {
      try {
        executor.execute(task);
      } catch (RuntimeException e) {
        task.fail(e);
        throw e instanceof RejectedExecutionException r ? r : new RejectedExecutionException("the executor refused the task", e);
      }
    }
    return task;
  }

  private void deregister(Task<?> task) {
    synchronized (lock) {
      if (live.remove(task) && live.isEmpty()) {
        lock.notifyAll();
      }
    }
  }

  /** A task and its future: pending on the timer, then handed to the executor. */
  private final class Task<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
    private final long sequence = SEQUENCE.getAndIncrement();
    /** Positive: fixed rate; negative: fixed delay; zero: one-shot. In nanoseconds. */
    private final long period;
    /** When the next run is due, on {@link #clock}; compared by difference. */
    private volatile long time;
    /** The pending timer entry, or null when none; guarded by {@link #lock}. */
    private Timer.Cancellable handle;

    Task(Callable<V> callable, long delay, TimeUnit unit, long period) {
      super(callable);
      Objects.requireNonNull(unit, "unit");
      this.period = period;
      this.time = clock.nanoTime() + Math.max(0, unit.toNanos(delay));
    }

    /** On the timer's thread: only hands the task to the executor. */
    void handOver() {
      synchronized (lock) {
        handle = null;
      }
      if (isDone()) {
        deregister(this);
        return;
      }
      try {
        executor.execute(this);
      } catch (RuntimeException e) {
        fail(e);
      }
    }

    void fail(Throwable cause) {
      setException(cause);
      deregister(this);
    }

    @Override
    public void run() {
      boolean rearmed = false;
      try {
        if (period == 0) {
          super.run();
        } else if (super.runAndReset()) {
          rearmed = rearm();
        }
      } finally {
        if (!rearmed) {
          deregister(this);
        }
      }
    }

    private boolean rearm() {
      synchronized (lock) {
        if (isDone()) {
          return false;
        }
        if (shutdown) {
          super.cancel(false);
          return false;
        }
        long now = clock.nanoTime();
        long delay = -period;
        if (period > 0) {
          // The first grid point time + k * period after now (k >= 1); missed points are skipped.
          long late = Math.max(0, now - time);
          long periods = late / period + 1;
          long ahead;
          try {
            ahead = Math.multiplyExact(periods, period);
          } catch (ArithmeticException overflow) {
            ahead = Long.MAX_VALUE;
          }
          delay = ahead - late;
        }
        time = now + delay; // wraps like System.nanoTime(); compared by difference only
        try {
          handle = timer.schedule(Duration.ofNanos(delay), this::handOver);
          return true;
        } catch (RuntimeException e) {
          setException(e);
          return false;
        }
      }
    }

    /** Cancels the future and withdraws its pending timer entry, if any. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        boolean withdrawn;
        synchronized (lock) {
          withdrawn = handle != null && handle.cancel();
          if (withdrawn) {
            handle = null;
          }
        }
        if (withdrawn) {
          deregister(this);
        }
      }
      return cancelled;
    }

    @Override
    public boolean isPeriodic() {
      return period != 0;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(time - clock.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      if (other == this) {
        return 0;
      }
      if (other instanceof TimerScheduledExecutor.Task<?> task) {
        int byTime = Long.compare(time - task.time, 0);
        return byTime != 0 ? byTime : Long.compare(sequence, task.sequence);
      }
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }
  }
}
