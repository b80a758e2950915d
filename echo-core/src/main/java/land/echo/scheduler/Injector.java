package land.echo.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The global injection queue of one priority: unbounded, FIFO, any number of producers and
 * consumers, and no allocation per task once its ring has grown to the queue's working size.
 *
 * <p>Thread-safe: every method may be called from any thread.
 *
 * <h2>Implementation notes</h2>
 *
 * <ol>
 *   <li>A power-of-two ring of slots behind a {@link ReentrantLock}, as ForkJoinPool's external
 *       submission queues, Tokio's inject queue and Go's global run queue are behind locks. It
 *       replaces a {@code ConcurrentLinkedQueue}, whose 24-byte node per task was the one
 *       allocation of a submission from outside a worker that the submitter did not ask for
 *       ("bytes per {@code run(compute)}" in echo-bench, docs/scheduler.md). The critical
 *       sections are a few array writes and never block, call out, or run a task.
 *   <li>Batches move under one lock hold: a worker's spill of half its ring ({@link #offerAll})
 *       and a worker's take of up to a batch ({@link #pollBatch}), where the queue it replaces
 *       paid a CAS per task.
 *   <li>{@code size} is written only under the lock, with volatile semantics, after the slots it
 *       counts; it is read without the lock. So {@link #isEmpty} and {@link #size} cost a volatile
 *       read, an empty {@link #poll} takes no lock, and a task offered before a volatile read of
 *       the idle workers' state is seen by a worker that wrote that state before reading {@code
 *       size}: the order that the scheduler's parking protocol needs (its class notes).
 *   <li>The ring doubles when full (copying in FIFO order) and goes back to its initial capacity
 *       when a take empties a ring grown past {@value #SHRINK_ABOVE} slots (the scheduler's sizes), so a burst does not
 *       keep its memory.
 *   <li>A failure to grow (an {@link OutOfMemoryError}) leaves the queue as it was: the task is
 *       not queued and the error reaches the submitter, as the allocation of a node did.
 * </ol>
 */
final class Injector {
  /** The ring's capacity when created and after a grown ring empties. */
  static final int INITIAL_CAPACITY = 64;
  /** A ring with more slots than this goes back to {@link #INITIAL_CAPACITY} once empty. */
  static final int SHRINK_ABOVE = 4096;
  /** The largest ring: past it, {@link #offer} fails as an allocation of that size would. */
  static final int MAX_CAPACITY = 1 << 30;

  private static final VarHandle SIZE;

  static {
    try {
      SIZE = MethodHandles.lookup().findVarHandle(Injector.class, "size", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final int initialCapacity;
  private final int shrinkAbove;
  private final int maxCapacity;
  /** Guarded by {@link #lock}. */
  private Runnable[] slots;
  /** Index of the oldest task; guarded by {@link #lock}. */
  private int head;
  /** Written under {@link #lock} (volatile semantics, after the slots), read anywhere. */
  private volatile int size;

  /** Creates an empty queue of the scheduler's sizes. */
  Injector() {
    this(INITIAL_CAPACITY, SHRINK_ABOVE, MAX_CAPACITY);
  }

  /**
   * Creates an empty queue (small sizes for tests).
   *
   * @param initialCapacity the ring's first and post-shrink capacity, a power of two
   * @param shrinkAbove capacity above which an emptied ring shrinks
   * @param maxCapacity the largest ring, a power of two
   */
  Injector(int initialCapacity, int shrinkAbove, int maxCapacity) {
    if (initialCapacity <= 0 || Integer.bitCount(initialCapacity) != 1 || Integer.bitCount(maxCapacity) != 1
        || maxCapacity > MAX_CAPACITY || initialCapacity > maxCapacity) {
      throw new IllegalArgumentException("capacities must be powers of two, initial <= max <= " + MAX_CAPACITY
          + ", were " + initialCapacity + " and " + maxCapacity);
    }
    this.initialCapacity = initialCapacity;
    this.shrinkAbove = shrinkAbove;
    this.maxCapacity = maxCapacity;
    this.slots = new Runnable[initialCapacity];
  }

  /**
   * Appends {@code task}.
   *
   * @param task the task, not null (unchecked: the scheduler checked it)
   * @throws OutOfMemoryError if the ring had to grow and could not; the queue is unchanged
   */
  void offer(Runnable task) {
    lock.lock();
    try {
      int n = size;
      if (n == slots.length) {
        grow(n + 1);
      }
      Runnable[] s = slots;
      s[(head + n) & (s.length - 1)] = task;
      SIZE.setVolatile(this, n + 1);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends {@code tasks[from]} to {@code tasks[to - 1]} in order, under one hold of the lock.
   *
   * @param tasks holds the tasks, none null in the range (unchecked)
   * @param from index of the first task
   * @param to one past the index of the last task
   * @throws IndexOutOfBoundsException if {@code from} and {@code to} are not a range of {@code tasks}
   * @throws OutOfMemoryError if the ring had to grow and could not; the queue is unchanged
   */
  void offerAll(Runnable[] tasks, int from, int to) {
    Objects.checkFromToIndex(from, to, tasks.length);
    if (from == to) {
      return;
    }
    int count = to - from;
    lock.lock();
    try {
      int n = size;
      if (slots.length - n < count) {
        grow(n + count);
      }
      Runnable[] s = slots;
      int mask = s.length - 1;
      int at = head + n;
      for (int i = from; i < to; i++) {
        s[at++ & mask] = tasks[i];
      }
      SIZE.setVolatile(this, n + count);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes and returns the oldest task, or null if there is none.
   *
   * @return the oldest task, or null
   */
  Runnable poll() {
    if (size == 0) {
      return null;
    }
    lock.lock();
    try {
      int n = size;
      if (n == 0) {
        return null;
      }
      Runnable[] s = slots;
      int h = head;
      Runnable task = s[h];
      s[h] = null;
      head = (h + 1) & (s.length - 1);
      settle(n - 1);
      return task;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes up to {@code max} of the oldest tasks, oldest first, into {@code into[0..]}.
   *
   * @param into where the tasks go; at least {@code max} long
   * @param max the most tasks to take, at least 1
   * @return how many were taken, 0 if the queue was empty
   */
  int pollBatch(Runnable[] into, int max) {
    if (size == 0) {
      return 0;
    }
    lock.lock();
    try {
      int n = size;
      int take = Math.min(n, max);
      Runnable[] s = slots;
      int mask = s.length - 1;
      int h = head;
      for (int i = 0; i < take; i++) {
        into[i] = s[h];
        s[h] = null;
        h = (h + 1) & mask;
      }
      head = h;
      settle(n - take);
      return take;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether the queue held no task at the moment of a volatile read.
   *
   * @return true if empty
   */
  boolean isEmpty() {
    return size == 0;
  }

  /**
   * The number of queued tasks, read without the lock.
   *
   * @return the task count
   */
  int size() {
    return size;
  }

  /**
   * The ring's current number of slots (for tests, read without the lock).
   *
   * @return the capacity
   */
  int capacity() {
    return slots.length; // racy outside the lock: for tests on a quiet queue
  }

  /** Publishes the size after a take; an emptied ring grown past SHRINK_ABOVE is replaced. Under the lock. */
  private void settle(int left) {
    if (left == 0 && slots.length > shrinkAbove) {
      try {
        slots = new Runnable[initialCapacity];
        head = 0;
      } catch (OutOfMemoryError keepTheOldRing) {
        // The take already happened: failing it now would lose its tasks. The old ring is empty
        // and still works.
      }
    }
    SIZE.setVolatile(this, left);
  }

  /** Replaces the ring with one of at least {@code needed} slots, oldest task first. Under the lock. */
  private void grow(int needed) {
    if (Integer.compareUnsigned(needed, maxCapacity) > 0) { // a negative int overflowed: too many as well
      throw new OutOfMemoryError("the scheduler's global queue cannot hold more than " + maxCapacity + " tasks");
    }
    int capacity = slots.length;
    while (capacity < needed) {
      capacity <<= 1;
    }
    Runnable[] old = slots;
    Runnable[] s = new Runnable[capacity];
    int n = size;
    int first = Math.min(n, old.length - head); // from head to the end of the old ring, then its start
    System.arraycopy(old, head, s, 0, first);
    System.arraycopy(old, 0, s, first, n - first);
    slots = s;
    head = 0;
  }
}
