package land.echo.scheduler;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import land.echo.Priority;

/**
 * Runs blocking tasks on virtual threads, never on workers; when a limit is set, admits waiting
 * tasks highest priority first, oldest first within a priority.
 *
 * <p>Thread-safe. {@link #outstanding} counts tasks accepted and not finished (waiting or
 * running), so that the scheduler does not report termination while blocking work remains.
 *
 * <h2>Implementation notes</h2>
 *
 * <p><b>Permits.</b> With a limit, {@code active} counts permits in use, under {@code lock}. A
 * submission takes a free permit and starts a thread, or waits in {@code waiting[level]}. A
 * finishing task hands its permit on without ever freeing it in between: to a thread taking a
 * lent permit back ({@code returning}, see below), else to the oldest waiting task of the highest
 * priority, which then runs <em>on the finishing task's virtual thread</em>. Handing on in place
 * saves a thread start per admitted task and, more importantly, cannot fail: an admitted task
 * never depends on {@code Thread.start} succeeding (under memory exhaustion it would otherwise be
 * accepted and then never run). So a virtual thread of the lane may run several tasks one after
 * another; the interrupt status is cleared between them, and Echo's own blocking calls guard
 * late cancellation interrupts themselves. Only a submission that finds a free permit starts a
 * new thread, and if that start fails the submitter gets a {@link RejectedExecutionException}.
 *
 * <p><b>Lending</b> ({@link EchoScheduler#await}). A lane thread that waits for other work
 * gives its permit on as if it had finished (so nested blocking work can run even with a limit
 * of 1), and takes one back before it continues: at once if one is free, else it waits in {@code
 * returning[level]}, which finishing tasks serve before the waiting tasks of the same level (the
 * borrower was admitted before them and holds a thread already). After {@code shutdownNow} every
 * borrower gets its permit back at once, as late submissions start at once: nothing will be
 * admitted any more.
 */
final class BlockingLane {
  private final EchoScheduler pool;
  private final int limit;
  private final ThreadFactory threads;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Runnable>[] waiting;
  private final ArrayDeque<Borrower>[] returning;
  private int active; // guarded by lock (only when limit > 0): permits in use
  private boolean stopped; // guarded by lock
  private final AtomicInteger outstanding = new AtomicInteger();
  /** The lane threads running tasks, with what they run (for interrupts, await, stats). */
  private final Map<Thread, Slot> running = new ConcurrentHashMap<>();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  @SuppressWarnings({"unchecked", "rawtypes"}) // generic arrays of queues, one per priority
  BlockingLane(EchoScheduler pool, int limit, ThreadFactory threads) {
    this.pool = pool;
    this.limit = limit;
    this.threads = threads;
    this.waiting = new ArrayDeque[Priority.COUNT];
    this.returning = new ArrayDeque[Priority.COUNT];
    for (int p = 0; p < Priority.COUNT; p++) {
      waiting[p] = new ArrayDeque<>();
      returning[p] = new ArrayDeque<>();
    }
  }

  /** The default thread factory: virtual threads named {@code echo-blocking-0, 1, ...}. */
  static ThreadFactory defaultThreads() {
    return Thread.ofVirtual().name("echo-blocking-", 0).factory();
  }

  /**
   * What one lane thread runs; its fields are read and written only by that thread (the map
   * publishes the object to {@link #interruptAll} and {@link EchoScheduler#stats}).
   */
  static final class Slot {
    int level;
    boolean holdsPermit;

    Slot(int level, boolean holdsPermit) {
      this.level = level;
      this.holdsPermit = holdsPermit;
    }
  }

  /** A lane thread waiting to take a lent permit back; granted under the lock. */
  private static final class Borrower {
    final Thread thread = Thread.currentThread();
    volatile boolean granted;
  }

  /**
   * Accepts a task or throws: the scheduler's rejection if it is shut down, or a {@link
   * RejectedExecutionException} caused by the failure if a thread for it cannot be started.
   */
  void submit(Runnable task, int level) {
    // Increment before checking the run state: tryTerminate reads the count after the state
    // changes, so either this submission sees the shutdown or termination sees this task.
    outstanding.incrementAndGet();
    if (pool.runState() != EchoScheduler.RUNNING) {
      finishOne();
      throw pool.rejected(task);
    }
    boolean permit = false;
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
        permit = true;
      } finally {
        lock.unlock();
      }
    }
    try {
      start(task, level, permit);
    } catch (Throwable failure) {
      if (permit) {
        releaseAfterFailedStart();
      }
      finishOne();
      throw new RejectedExecutionException(
          "could not start a virtual thread for blocking task " + task + ": " + failure, failure);
    }
  }

  private void start(Runnable task, int level, boolean permit) {
    Slot slot = new Slot(level, permit);
    Thread thread = threads.newThread(() -> runFrom(task, slot));
    if (thread == null) {
      throw new RejectedExecutionException("the blocking thread factory returned null");
    }
    running.put(thread, slot); // before start, so that shutdownNow's interrupt reaches it
    try {
      thread.start();
    } catch (Throwable failure) {
      running.remove(thread);
      throw failure;
    }
  }

  /** Runs {@code first}, then every waiting task its permit is handed to, on this thread. */
  private void runFrom(Runnable first, Slot slot) {
    Thread self = Thread.currentThread();
    Runnable task = first;
    try {
      while (task != null) {
        Runnable next = null;
        try {
          task.run();
        } catch (Throwable failure) {
          failed.incrementAndGet();
          pool.reportFailure(task, failure);
        } finally {
          completed.incrementAndGet();
          if (slot.holdsPermit) {
            next = handOn(slot);
          }
          finishOne(); // never the last while next is still counted
        }
        if (next != null && Thread.interrupted() && pool.runState() >= EchoScheduler.STOP) {
          self.interrupt(); // keep the shutdownNow interrupt; drop a stale one of the last task
        }
        task = next;
      }
    } finally {
      running.remove(self);
    }
  }

  /**
   * Gives the permit of {@code slot} on: to a returning borrower, or to the next waiting task,
   * which it returns for the caller to run (the slot keeps the permit, at the task's level).
   * Returns null when the permit went to a borrower or back to the pool.
   */
  private Runnable handOn(Slot slot) {
    Borrower borrower = null;
    Runnable next = null;
    lock.lock();
    try {
      for (int p = 0; p < Priority.COUNT && borrower == null && next == null; p++) {
        borrower = returning[p].pollFirst();
        if (borrower == null && !stopped) {
          next = waiting[p].pollFirst();
          if (next != null) {
            slot.level = p;
          }
        }
      }
      if (next == null) {
        slot.holdsPermit = false;
        if (borrower == null) {
          active--;
        }
      }
    } finally {
      lock.unlock();
    }
    if (borrower != null) {
      grant(borrower);
    }
    return next;
  }

  /**
   * After a failed start on a submitter's thread: frees the permit and admits waiting tasks
   * while permits are free (a task may have queued while this submission held the permit).
   * Such a task needs a new thread; if that start fails too, it goes back to the head of its
   * queue and is admitted at the next release of a permit.
   */
  private void releaseAfterFailedStart() {
    for (boolean release = true; ; release = false) {
      Runnable next = null;
      int level = 0;
      lock.lock();
      try {
        if (release) {
          active--;
        }
        if (active < limit && !stopped) {
          for (int p = 0; p < Priority.COUNT && next == null; p++) {
            next = waiting[p].pollFirst();
            level = p;
          }
          if (next != null) {
            active++;
          }
        }
      } finally {
        lock.unlock();
      }
      if (next == null) {
        return;
      }
      try {
        start(next, level, true);
      } catch (Throwable failure) {
        lock.lock();
        try {
          waiting[level].addFirst(next);
          active--;
        } finally {
          lock.unlock();
        }
        return;
      }
    }
  }

  private static void grant(Borrower borrower) {
    borrower.granted = true;
    LockSupport.unpark(borrower.thread);
  }

  /** Returns what the calling thread runs if it is a thread of this lane, else null. */
  Slot currentSlot() {
    return running.get(Thread.currentThread());
  }

  /**
   * Lends the permit of the calling lane thread (its {@code slot}) while it waits: hands it on as
   * if its task had finished. If the next waiting task cannot get a thread, the caller keeps the
   * permit and that task stays first in its queue.
   */
  void lend(Slot slot) {
    int own = slot.level;
    Runnable next = handOn(slot);
    int level = slot.level;
    slot.level = own;
    if (next == null) {
      return; // to a borrower or back to the pool; the slot no longer holds it
    }
    try {
      start(next, level, true);
      slot.holdsPermit = false; // the new thread runs next with the permit
    } catch (Throwable failure) {
      lock.lock();
      try {
        waiting[level].addFirst(next); // and the caller keeps the permit
      } finally {
        lock.unlock();
      }
    }
  }

  /** Takes a permit back for the calling lane thread after {@link #lend}, at its task's level. */
  void takeBack(Slot slot) {
    int level = slot.level;
    if (slot.holdsPermit) {
      return;
    }
    Borrower borrower;
    lock.lock();
    try {
      if (active < limit || stopped) {
        active++;
        slot.holdsPermit = true;
        return;
      }
      borrower = new Borrower();
      returning[level].addLast(borrower);
    } finally {
      lock.unlock();
    }
    boolean interrupted = false;
    while (!borrower.granted) {
      LockSupport.park(this);
      interrupted |= Thread.interrupted(); // the permit comes soon: a finishing task hands it on
    }
    slot.holdsPermit = true;
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Removes {@code task} (by identity) if it still waits for a permit; it will then never run and
   * no longer counts as outstanding. Returns whether it was removed.
   */
  boolean withdraw(Runnable task) {
    boolean removed = false;
    lock.lock();
    try {
      for (int p = 0; p < Priority.COUNT && !removed; p++) {
        for (Iterator<Runnable> it = waiting[p].iterator(); it.hasNext(); ) {
          if (it.next() == task) {
            it.remove();
            removed = true;
            break;
          }
        }
      }
    } finally {
      lock.unlock();
    }
    if (removed) {
      finishOne();
    }
    return removed;
  }

  private void finishOne() {
    if (outstanding.decrementAndGet() == 0) {
      pool.tryTerminate();
    }
  }

  /**
   * shutdownNow: stops admitting, gives every borrower its permit back, and hands the waiting
   * tasks of {@code level} to sink.
   */
  void stopAndDrain(int level, Consumer<Runnable> sink) {
    int drained = 0;
    ArrayDeque<Borrower> borrowers = new ArrayDeque<>();
    lock.lock();
    try {
      stopped = true;
      for (Runnable task; (task = waiting[level].pollFirst()) != null; ) {
        sink.accept(task);
        drained++;
      }
      for (Borrower b; (b = returning[level].pollFirst()) != null; ) {
        active++;
        borrowers.add(b);
      }
    } finally {
      lock.unlock();
    }
    borrowers.forEach(BlockingLane::grant);
    for (int i = 0; i < drained; i++) {
      finishOne();
    }
  }

  /** Interrupts every running blocking task (shutdownNow). */
  void interruptAll() {
    for (Thread thread : running.keySet()) {
      thread.interrupt();
    }
  }

  int outstanding() {
    return outstanding.get();
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
