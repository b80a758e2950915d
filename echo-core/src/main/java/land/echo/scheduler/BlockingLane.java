package land.echo.scheduler;

import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import land.echo.Priority;

/**
 * Runs blocking tasks on virtual threads, never on workers; when a limit is set, admits waiting
 * tasks highest priority first, oldest first within a priority.
 *
 * <p>Thread-safe. {@link #outstanding} counts tasks accepted and not finished (waiting or
 * running), so that the scheduler does not report termination while blocking work remains.
 */
final class BlockingLane {
  private final EchoScheduler pool;
  private final int limit;
  private final ThreadFactory threads = Thread.ofVirtual().name("echo-blocking-", 0).factory();
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Runnable>[] waiting;
  private int active; // guarded by lock (only when limit > 0)
  private boolean stopped; // guarded by lock
  private final AtomicInteger outstanding = new AtomicInteger();
  private final Set<Thread> running = ConcurrentHashMap.newKeySet();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  @SuppressWarnings("unchecked")
  BlockingLane(EchoScheduler pool, int limit) {
    this.pool = pool;
    this.limit = limit;
    this.waiting = new ArrayDeque[Priority.COUNT];
    for (int p = 0; p < Priority.COUNT; p++) {
      waiting[p] = new ArrayDeque<>();
    }
  }

  /** Accepts a task or throws the scheduler's rejection if it is shut down. */
  void submit(Runnable task, int level) {
    // Increment before checking the run state: tryTerminate reads the count after the state
    // changes, so either this submission sees the shutdown or termination sees this task.
    outstanding.incrementAndGet();
    if (pool.runState() != EchoScheduler.RUNNING) {
      finishOne();
      throw pool.rejected(task);
    }
    if (limit > 0) {
      lock.lock();
      try {
        if (active >= limit && !stopped) {
          waiting[level].addLast(task);
          return;
        }
        // Under the limit, or accepted in a race with shutdownNow after it drained the waiting
        // tasks: nobody would admit it later, so it starts now.
        active++;
      } finally {
        lock.unlock();
      }
    }
    start(task);
  }

  private void start(Runnable task) {
    Thread thread = threads.newThread(() -> run(task));
    running.add(thread);
    thread.start();
  }

  private void run(Runnable task) {
    try {
      task.run();
    } catch (Throwable failure) {
      failed.incrementAndGet();
      pool.reportFailure(task, failure);
    } finally {
      running.remove(Thread.currentThread());
      completed.incrementAndGet();
      Runnable next = limit > 0 ? nextAdmitted() : null;
      finishOne(); // never the last while next is still counted
      if (next != null) {
        start(next);
      }
    }
  }

  private Runnable nextAdmitted() {
    lock.lock();
    try {
      if (!stopped) {
        for (ArrayDeque<Runnable> queue : waiting) {
          Runnable next = queue.pollFirst();
          if (next != null) {
            return next;
          }
        }
      }
      active--;
      return null;
    } finally {
      lock.unlock();
    }
  }

  private void finishOne() {
    if (outstanding.decrementAndGet() == 0) {
      pool.tryTerminate();
    }
  }

  /** shutdownNow: stops admitting and hands the waiting tasks of {@code level} to sink. */
  void stopAndDrain(int level, Consumer<Runnable> sink) {
    int drained = 0;
    lock.lock();
    try {
      stopped = true;
      for (Runnable task; (task = waiting[level].pollFirst()) != null; ) {
        sink.accept(task);
        drained++;
      }
    } finally {
      lock.unlock();
    }
    for (int i = 0; i < drained; i++) {
      finishOne();
    }
  }

  /** Interrupts every running blocking task (shutdownNow). */
  void interruptAll() {
    for (Thread thread : running) {
      thread.interrupt();
    }
  }

  int outstanding() {
    return outstanding.get();
  }

  boolean runsOn(Thread thread) {
    return running.contains(thread);
  }

  int runningCount() {
    return running.size();
  }

  int waitingAt(int level) {
    lock.lock();
    try {
      return waiting[level].size();
    } finally {
      lock.unlock();
    }
  }

  long completed() {
    return completed.get();
  }

  long failed() {
    return failed.get();
  }
}
