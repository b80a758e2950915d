package land.echo.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A bounded lock-free FIFO ring of tasks with a single producer (its owning worker) and many
 * consumers (the owner and thieves); one per worker per priority.
 *
 * <p>Thread-safe under its contract: {@link #offer}, {@link #poll} and {@link #spillHalfTo} are
 * called only by the owner; {@link #stealInto} only by the owner of the destination queue;
 * {@link #pollShared}, {@link #size} and {@link #isEmpty} by any thread.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>The design follows Tokio's and cats-effect's {@code LocalQueue} in shape (a power-of-two
 * ring, the owner pushes at {@code tail}, every consumer advances {@code head} with a CAS, a
 * thief moves about half of a victim's tasks into its own ring, a full ring spills half to the
 * global queue) but is simpler: indices are 64-bit and never wrap in practice, so a single CAS on
 * {@code head} claims a batch and there is no separate "steal head" as in Tokio.
 *
 * <ol>
 *   <li>{@code tail} is written only by the owner. The owner writes the slot, then publishes it
 *       with a release write of {@code tail}; consumers read {@code tail} with acquire (volatile)
 *       semantics, so they see the slot. The ring itself has no StoreLoad fence: a caller that
 *       must order a push before a later read (the scheduler, before it reads the idle state)
 *       issues the fence itself (see {@link IdleWorkers#signalWorkAfterLocalPush}).
 *   <li>{@code head} only grows, by CAS. A consumer reads {@code head} (h), then {@code tail} (t),
 *       then the slots in {@code [h, h+n)}, then CASes {@code head} from h to h+n. The slots it
 *       read are the right ones if the CAS succeeds: the owner overwrites slot {@code i & mask}
 *       only after reading {@code head > i - CAPACITY}, i.e. after some consumer moved
 *       {@code head} past the slot, and then a CAS expecting {@code head == h <= i} fails. Indices
 *       never repeat, so there is no ABA.
 *   <li>Only the owner clears a slot, right after its own successful CAS in {@link #poll}: no
 *       other thread writes slots, and the owner reuses the slot only in a later {@link #offer}.
 *       Slots claimed by thieves or by {@link #pollShared} are left as they are until the owner
 *       overwrites them, so a ring may keep up to {@value #CAPACITY} finished tasks reachable.
 *   <li>{@code CAPACITY} = 256 is the local-queue size of Tokio and of cats-effect: large enough
 *       that a worker re-submitting from inside rarely overflows, small enough that a steal of
 *       half (at most 128 tasks) stays cheap.
 * </ol>
 */
final class SpmcLocalQueue {
  /** Ring size; Tokio's and cats-effect's local-queue capacity (see the notes). */
  static final int CAPACITY = 256;

  private static final VarHandle HEAD;
  private static final VarHandle TAIL;
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Runnable[].class);

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      HEAD = lookup.findVarHandle(SpmcLocalQueue.class, "head", long.class);
      TAIL = lookup.findVarHandle(SpmcLocalQueue.class, "tail", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Runnable[] slots;
  @SuppressWarnings("unused") // accessed through HEAD
  private volatile long head;
  @SuppressWarnings("unused") // accessed through TAIL
  private volatile long tail;
  private final int capacity;
  /** The owner's scratch array for {@link #spillHalfTo}: a spill allocates nothing. */
  private final Runnable[] spill;
  private final int mask;

  /** Creates an empty ring of {@link #CAPACITY} slots. */
  SpmcLocalQueue() {
    this(CAPACITY);
  }

  /** Creates an empty ring of {@code capacity} slots, a power of two (small ones for tests). */
  SpmcLocalQueue(int capacity) {
    if (capacity < 2 || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two >= 2, was " + capacity);
    }
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.slots = new Runnable[capacity];
    this.spill = new Runnable[capacity / 2];
  }

  /** Appends {@code task} (owner only); returns false without change if the ring is full. */
  boolean offer(Runnable task) {
    long t = (long) TAIL.getOpaque(this);
    long h = (long) HEAD.getVolatile(this);
    if (t - h >= capacity) {
      return false;
    }
    SLOTS.setOpaque(slots, (int) (t & mask), task);
    TAIL.setRelease(this, t + 1);
    return true;
  }

  /** Removes and returns the oldest task (owner only), or null if empty. */
  Runnable poll() {
    for (;;) {
      long h = (long) HEAD.getVolatile(this);
      long t = (long) TAIL.getVolatile(this);
      if (h >= t) {
        return null;
      }
      int index = (int) (h & mask);
      Runnable task = (Runnable) SLOTS.getAcquire(slots, index);
      if (HEAD.compareAndSet(this, h, h + 1)) {
        SLOTS.setOpaque(slots, index, null); // owner only: lets the finished task be collected
        return task;
      }
    }
  }

  /** Removes and returns the oldest task from any thread, or null if empty. */
  Runnable pollShared() {
    for (;;) {
      long h = (long) HEAD.getVolatile(this);
      long t = (long) TAIL.getVolatile(this);
      if (h >= t) {
        return null;
      }
      Runnable task = (Runnable) SLOTS.getAcquire(slots, (int) (h & mask));
      if (HEAD.compareAndSet(this, h, h + 1)) {
        return task;
      }
    }
  }

  /**
   * Moves about half of this ring's tasks (rounded up) into {@code dst} and returns the oldest of
   * them (that one is not put in {@code dst}), or null if this ring was empty; takes only one task
   * if {@code dst} is full. Only {@code dst}'s owner may call this.
   */
  Runnable stealInto(SpmcLocalQueue dst) {
    long dt = (long) TAIL.getOpaque(dst);
    long room = dst.capacity - (dt - (long) HEAD.getVolatile(dst));
    for (;;) {
      long h = (long) HEAD.getVolatile(this);
      long t = (long) TAIL.getVolatile(this);
      long n = t - h;
      if (n <= 0) {
        return null;
      }
      long take = Math.min(n - n / 2, room + 1);
      Runnable first = (Runnable) SLOTS.getAcquire(slots, (int) (h & mask));
      for (long i = 1; i < take; i++) {
        Runnable task = (Runnable) SLOTS.getAcquire(slots, (int) ((h + i) & mask));
        SLOTS.setRelease(dst.slots, (int) ((dt + i - 1) & mask), task);
      }
      if (HEAD.compareAndSet(this, h, h + take)) {
        if (take > 1) {
          TAIL.setRelease(dst, dt + take - 1);
        }
        return first;
      }
    }
  }

  /**
   * Moves the older half of this ring to {@code sink} in one batch (owner only, when {@link
   * #offer} failed); returns how many tasks moved. If {@code sink} cannot take them (it could not
   * grow: an {@link OutOfMemoryError}), they go back to this ring, which has room for them again
   * since they left it, and the error is rethrown: nothing is lost, only their order bends.
   */
  int spillHalfTo(Injector sink) {
    Runnable[] batch = spill;
    for (;;) {
      long h = (long) HEAD.getVolatile(this);
      long t = (long) TAIL.getVolatile(this);
      int take = (int) ((t - h) / 2);
      if (take == 0) {
        return 0;
      }
      for (int i = 0; i < take; i++) {
        batch[i] = (Runnable) SLOTS.getAcquire(slots, (int) ((h + i) & mask));
      }
      if (HEAD.compareAndSet(this, h, h + take)) {
        try {
          sink.offerAll(batch, 0, take);
        } catch (Throwable e) {
          for (int i = 0; i < take; i++) {
            offer(batch[i]); // thieves only take, so the slots the batch left are still free
          }
          throw e;
        } finally {
          Arrays.fill(batch, 0, take, null); // the scratch array must not keep tasks reachable
        }
        return take;
      }
    }
  }

  /** Removes every task from any thread and gives each to {@code sink}, oldest first. */
  int drainTo(Consumer<Runnable> sink) {
    int drained = 0;
    for (Runnable task; (task = pollShared()) != null; ) {
      sink.accept(task);
      drained++;
    }
    return drained;
  }

  /**
   * Returns how many more tasks the owner can push before a push fails: exact or an underestimate
   * (owner only: only the owner pushes, and other threads only take).
   */
  int room() {
    return capacity - size();
  }

  /** Returns the number of queued tasks, read racily (exact only when the ring is quiet). */
  int size() {
    long h = (long) HEAD.getVolatile(this);
    long t = (long) TAIL.getVolatile(this);
    return (int) Math.max(0, t - h);
  }

  /** Returns whether the ring looked empty: two volatile reads of fields that change only on use. */
  boolean isEmpty() {
    long h = (long) HEAD.getVolatile(this);
    return (long) TAIL.getVolatile(this) <= h;
  }
}
