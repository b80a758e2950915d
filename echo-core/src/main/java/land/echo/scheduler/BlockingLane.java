package land.echo.scheduler;

import java.util.ArrayDeque;
import java.util.Iterator;
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
 *
 * <p><b>Running threads.</b> The {@link Slot} of each lane thread is in {@code running}, an array
 * of stripes, each an intrusive list of slots under its monitor, chosen by the thread's id: {@link
 * #interruptAll} and {@link #runningCount} walk them, and {@link #currentSlot} searches the
 * calling thread's stripe (a platform thread skips the search while every lane thread is
 * virtual, as with the default factory). A burst of 10,000
 * blocking calls spent more time in the {@code ConcurrentHashMap} this replaced ({@code put} before
 * a thread starts, {@code remove} when it ends, from four threads at once) than in anything else
 * of the lane (docs/scheduler.md, "Performance"). A stripe's list needs no allocation and its
 * monitor is rarely contended: consecutive threads have consecutive ids, hence different stripes.
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
  /** The lane threads running tasks, by stripe (for interrupts and stats; see the notes). */
  private final Stripe[] running;
  /** Whether every lane thread so far was virtual (a test's factory may make platform threads). */
  private volatile boolean onlyVirtual = true;
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  @SuppressWarnings({"unchecked", "rawtypes"}) // generic arrays of queues, one per priority
  BlockingLane(EchoScheduler pool, int limit, ThreadFactory threads) {
    this.pool = pool;
    this.limit = limit;
    this.threads = threads;
    int stripes = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 8 - 1) << 1;
    this.running = new Stripe[stripes];
    for (int i = 0; i < stripes; i++) {
      running[i] = new Stripe();
    }
    this.waiting = new ArrayDeque[Priority.COUNT];
    this.returning = new ArrayDeque[Priority.COUNT];
    for (int p = 0; p < Priority.COUNT; p++) {
      waiting[p] = new ArrayDeque<>();
      returning[p] = new ArrayDeque<>();
    }
  }

  /**
   * The default thread factory: virtual threads all named {@code echo-blocking} (a thread dump
   * tells them apart by id). Numbering them cost a string per thread, a visible share of a burst of
   * short blocking calls.
   */
  static ThreadFactory defaultThreads() {
    return Thread.ofVirtual().name("echo-blocking").factory();
  }

  /**
   * One lane thread and what it runs: the thread's {@code Runnable}. {@code level} and {@code
   * holdsPermit} are read and written only by that thread; {@code prev} and {@code next} link it
   * into its stripe, under the stripe's lock; {@code thread} is set before the thread starts.
   */
  final class Slot implements Runnable {
    private Runnable first;
    Thread thread;
    int level;
    boolean holdsPermit;
    Slot prev;
    Slot next;

    Slot(Runnable first, int level, boolean holdsPermit) {
      this.first = first;
      this.level = level;
      this.holdsPermit = holdsPermit;
    }

    @Override
    public void run() {
      Runnable task = first;
      first = null;
      runFrom(task, this);
    }
  }

  /**
   * A doubly linked list of the slots of running lane threads, guarded by its own monitor. The
   * padding keeps two stripes (written by different threads at once) off one cache line.
   */
  @SuppressWarnings("unused") // the padding fields are never read
  private static final class Stripe {
    private long p1, p2, p3, p4, p5, p6, p7;
    private Slot head; // guarded by this
    private int size; // guarded by this
    private long q1, q2, q3, q4, q5, q6, q7;

    synchronized void add(Slot slot) {
      slot.next = head;
      if (head != null) {
        head.prev = slot;
      }
      head = slot;
      size++;
    }

    synchronized void remove(Slot slot) {
      if (slot.prev != null) {
        slot.prev.next = slot.next;
      } else {
        head = slot.next;
      }
      if (slot.next != null) {
        slot.next.prev = slot.prev;
      }
      slot.prev = null;
      slot.next = null;
      size--;
    }

    synchronized Slot find(Thread thread) {
      for (Slot s = head; s != null; s = s.next) {
        if (s.thread == thread) {
          return s;
        }
      }
      return null;
    }

    synchronized void interruptAll() {
      for (Slot s = head; s != null; s = s.next) {
        s.thread.interrupt();
      }
    }

    synchronized int size() {
      return size;
    }
  }

  private Stripe stripeOf(Thread thread) {
    return running[(int) thread.threadId() & (running.length - 1)];
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
    Slot slot = new Slot(task, level, permit);
    Thread thread = threads.newThread(slot);
    if (thread == null) {
      throw new RejectedExecutionException("the blocking thread factory returned null");
    }
    if (!thread.isVirtual()) {
      onlyVirtual = false; // before start: the thread cannot look itself up before this is visible
    }
    slot.thread = thread; // published to the thread by its start
    Stripe stripe = stripeOf(thread);
    stripe.add(slot); // before start, so that shutdownNow's interrupt reaches it
    try {
      thread.start();
    } catch (Throwable failure) {
      stripe.remove(slot);
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
      stripeOf(self).remove(slot);
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
    Thread self = Thread.currentThread();
    if (onlyVirtual && !self.isVirtual()) {
      return null; // the common case, run() on a platform thread: no look-up at all
    }
    return stripeOf(self).find(self);
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
    for (Stripe stripe : running) {
      stripe.interruptAll();
    }
  }

  int outstanding() {
    return outstanding.get();
  }

  int runningCount() {
    int n = 0;
    for (Stripe stripe : running) {
      n += stripe.size();
    }
    return n;
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
