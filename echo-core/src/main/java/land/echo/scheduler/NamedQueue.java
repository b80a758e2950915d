package land.echo.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import land.echo.Priority;

/**
 * A named lane of an {@link EchoScheduler} that runs at most {@link #limit()} of its tasks at
 * once; declared with {@link SchedulerConfig.Builder#namedQueue(String, int)} and obtained with
 * {@link EchoScheduler#queue(String)}.
 *
 * <p>A task beyond the limit waits here, not in a worker queue, so a waiting task never holds a
 * worker. When a running task of the queue finishes, the oldest waiting task of the highest
 * waiting priority is handed to the scheduler. Thread-safe.
 */
public final class NamedQueue {
  private final EchoScheduler scheduler;
  private final String name;
  private final int limit;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Runnable>[] waiting;
  private int running; // guarded by lock: permits in use (dispatched or executing)
  private int waitingCount; // guarded by lock
  private boolean stopped; // guarded by lock: set by shutdownNow, no more dispatches
  private boolean drained; // guarded by lock: drain() until resume() or shutdown; nothing new starts

  @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array of queues, one per priority
  NamedQueue(EchoScheduler scheduler, String name, int limit) {
    this.scheduler = scheduler;
    this.name = name;
    this.limit = limit;
    this.waiting = new ArrayDeque[Priority.COUNT];
    for (int p = 0; p < Priority.COUNT; p++) {
      waiting[p] = new ArrayDeque<>();
    }
  }

  /**
   * Returns the queue's name.
   *
   * @return the name it was declared with
   */
  public String name() {
    return name;
  }

  /**
   * Returns the most tasks of this queue that may run at once.
   *
   * @return the concurrency limit, at least 1
   */
  public int limit() {
    return limit;
  }

  /**
   * Runs {@code task} at NORMAL priority once fewer than {@link #limit()} tasks of this queue run.
   *
   * @param task the task to run
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  public void execute(Runnable task) {
    execute(task, Priority.NORMAL);
  }

  /**
   * Runs {@code task} at {@code priority} once fewer than {@link #limit()} tasks of this queue run;
   * until then it waits in this queue and holds no worker.
   *
   * @param task the task to run
   * @param priority the priority to run it at
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  public void execute(Runnable task, Priority priority) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(priority, "priority");
    scheduler.submitNamed(this, task, priority.ordinal());
  }

  /**
   * Returns how many tasks of this queue hold a permit: handed to the scheduler or running.
   *
   * @return the number of tasks holding a permit
   */
  public int running() {
    lock.lock();
    try {
      return running;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns how many tasks wait in this queue for a permit.
   *
   * @return the number of tasks waiting
   */
  public int waiting() {
    lock.lock();
    try {
      return waitingCount;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Drains the queue: none of its waiting or newly submitted tasks starts until {@link #resume()},
   * while the running ones finish. Nothing is lost or refused: tasks keep waiting here, holding no
   * worker. What an operator does to quiesce one kind of work (say, indexing) without stopping the
   * rest. The scheduler's {@code shutdown()} resumes every drained queue, so that a graceful
   * shutdown still runs what waits; once the scheduler is shut down, this does nothing.
   * Idempotent.
   */
  public void drain() {
    lock.lock();
    try {
      if (scheduler.isShutdown()) {
        return; // what waits here must run before the workers retire
      }
      drained = true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Resumes a drained queue: waiting tasks start again, highest priority first, up to the limit.
   * Idempotent.
   */
  public void resume() {
    List<Entry> dispatch = new ArrayList<>();
    lock.lock();
    try {
      drained = false;
      while (running < limit && !stopped) {
        Entry next = pollNext();
        if (next == null) {
          break;
        }
        running++;
        dispatch.add(next);
      }
    } finally {
      lock.unlock();
    }
    for (Entry entry : dispatch) {
      scheduler.dispatchAccepted(entry, entry.level);
    }
  }

  /**
   * Returns whether the queue is drained.
   *
   * @return true between {@link #drain()} and {@link #resume()} (or the scheduler's shutdown)
   */
  public boolean isDrained() {
    lock.lock();
    try {
      return drained;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "NamedQueue[" + name + ", limit=" + limit + (isDrained() ? ", drained" : "") + "]";
  }

  /** Takes the oldest waiting task of the highest waiting priority; the caller holds the lock. */
  private Entry pollNext() {
    for (int p = 0; p < waiting.length; p++) {
      Runnable task = waiting[p].pollFirst();
      if (task != null) {
        waitingCount--;
        return new Entry(this, task, p);
      }
    }
    return null;
  }

  /** Takes a permit and returns the entry to dispatch, or parks the task and returns null. */
  Entry admit(Runnable task, int level) {
    lock.lock();
    try {
      if ((running < limit && !drained) || stopped) {
        // stopped: accepted by a worker in a race with shutdownNow after the waiting tasks were
        // drained; no permit will ever be released to it, so it is dispatched now.
        running++;
        return new Entry(this, task, level);
      }
      waiting[level].addLast(task);
      waitingCount++;
      return null;
    } finally {
      lock.unlock();
    }
  }

  /** Gives back the finishing entry's permit: to the next waiting task, or to the pool. */
  private void release() {
    Entry next = null;
    lock.lock();
    try {
      if (!stopped && !drained) {
        next = pollNext();
      }
      if (next == null) {
        running--;
      }
    } finally {
      lock.unlock();
    }
    if (next != null) {
      scheduler.dispatchAccepted(next, next.level);
    }
  }

  /** Gives back the permit of a dispatched entry that shutdownNow removed before it ran. */
  void releaseUnrun() {
    lock.lock();
    try {
      running--;
    } finally {
      lock.unlock();
    }
  }

  /** Returns the number of tasks waiting at {@code level}. */
  int waitingAt(int level) {
    lock.lock();
    try {
      return waiting[level].size();
    } finally {
      lock.unlock();
    }
  }

  /** Stops dispatching (shutdownNow) and hands the waiting tasks of {@code level} to sink. */
  void stopAndDrain(int level, Consumer<Runnable> sink) {
    lock.lock();
    try {
      stopped = true;
      for (Runnable task; (task = waiting[level].pollFirst()) != null; ) {
        waitingCount--;
        sink.accept(task);
      }
    } finally {
      lock.unlock();
    }
  }

  /** A dispatched task of a named queue: runs the task, then releases its permit. */
  static final class Entry implements Runnable {
    final NamedQueue queue;
    final Runnable task;
    final int level;

    Entry(NamedQueue queue, Runnable task, int level) {
      this.queue = queue;
      this.task = task;
      this.level = level;
    }

    @Override
    public void run() {
      try {
        task.run();
      } finally {
        queue.release();
      }
    }

    @Override
    public String toString() {
      return task + " (named queue " + queue.name + ")";
    }
  }
}
