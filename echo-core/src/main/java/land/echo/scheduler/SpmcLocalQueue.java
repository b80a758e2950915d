package land.echo.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A bounded lock-free ring of tasks with a single producer (its owning worker) and many consumers:
 * the owner takes from either end, thieves take the oldest; one per worker per priority.
 *
 * <p>Thread-safe under its contract: {@link #offer}, {@link #pop}, {@link #poll} and {@link
 * #spillHalfTo} are called only by the owner; {@link #stealInto} only by the owner of the
 * destination queue; {@link #pollShared}, {@link #size} and {@link #isEmpty} by any thread.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>The shape follows Tokio's and cats-effect's {@code LocalQueue} (a power-of-two ring, the
 * owner pushes at {@code tail}, every consumer advances {@code head} with a CAS, a thief moves
 * about half of a victim's tasks into its own ring, a full ring spills half to the global queue),
 * and the owner's {@link #pop} of the newest task is a work-stealing deque's (Chase and Lev's,
 * ForkJoinPool's): a tree of forks runs depth-first on its worker, and thieves take the oldest,
 * largest subtrees.
 *
 * <ol>
 *   <li>{@code head} and a 32-bit stamp share one long, {@code headWord} (stamp in the high half);
 *       {@code tail} is an int. Indices are ints that wrap: a size is {@code tail - head} in int
 *       arithmetic, exact since it never exceeds the capacity, which divides 2^32.
 *   <li>{@code tail} is written only by the owner. A push writes the slot, then publishes it with
 *       a release write of {@code tail}; consumers read {@code tail} with acquire (volatile)
 *       semantics, so they see the slot. A push has no StoreLoad fence: a caller that must order
 *       it before a later read (the scheduler, before it reads the idle state) issues the fence
 *       itself (see {@link IdleWorkers#signalWorkAfterLocalPush}).
 *   <li>A consumer taking the oldest reads {@code headWord} (head h), then {@code tail} (t), then
 *       the slots in {@code [h, h+n)} with n at most {@code t - h}, then CASes {@code headWord}
 *       from what it read to {@code h+n} with the same stamp. The slots it read are the right ones
 *       if the CAS succeeds: no one else took them (a taker from the head would have moved it; a
 *       {@link #pop} would have changed the stamp), and the owner overwrites slot {@code i & mask}
 *       only after reading {@code head > i - capacity}, which a CAS expecting {@code head == h <= i}
 *       would fail on, since {@code head} only grows.
 *   <li>{@link #pop} takes the newest task, at {@code t - 1}: it first lowers {@code tail}, then
 *       CASes {@code headWord} to the same head with the stamp plus one. A consumer whose CAS
 *       succeeds after the pop's must have read {@code headWord} after it (else its CAS fails on the
 *       stamp), so it read the pop's CAS and, since that CAS is a volatile write that comes after
 *       the lowering in the owner's program order, its later read of {@code tail} sees the lowered
 *       value or a newer one: it cannot count slot {@code t - 1}. So the lowering needs no fence of
 *       its own, and a pop costs one CAS, as a take from the head does. A consumer that read {@code
 *       headWord} before the pop's CAS fails its own CAS, because the stamp moved, even if it read
 *       the old {@code tail}, and even if the owner has pushed into that slot again since (without
 *       the stamp that would be an ABA: the same head and tail, a different task). A consumer whose
 *       CAS came first took the oldest slots: the pop reads the new head and takes slot {@code
 *       t - 1} only if that head is still at or below it, else the ring was emptied under it and
 *       it puts {@code tail} back to {@code head}. The stamp would have to wrap around 2^32 pops
 *       inside one consumer's few-instruction window for an ABA to pass, which, as with Tokio's
 *       wrapping indices, does not happen.
 *   <li>Only the owner clears a slot, right after its own successful {@link #pop} or {@link #poll}.
 *       Slots claimed by thieves or by {@link #pollShared} are left as they are until the owner
 *       overwrites them, so a ring may keep up to {@value #CAPACITY} finished tasks reachable.
 *   <li>{@code CAPACITY} = 2,048, eight times the local-queue size of Tokio and of cats-effect,
 *       whose workers run their own queues oldest first. Run newest first, a tree of forks keeps
 *       its whole frontier in the ring: skynet's million-leaf tree reached 400 to 880 tasks in one
 *       ring (1, 2, 4 and 8 workers). At 256 it overflowed some 300 times per tree; each overflow
 *       moved the oldest half (the largest subtrees) to the global queue, whose global-first
 *       picks brought them back one every K picks, each starting a new subtree on top of the
 *       half-finished ones, which overflowed the ring again; the tree took about 30% longer
 *       (docs/scheduler.md). A steal of half (at most 1,024 tasks) is still one CAS and a copy.
 * </ol>
 */
final class SpmcLocalQueue {
  /** Ring size; eight times Tokio's and cats-effect's local-queue capacity (see the notes). */
  static final int CAPACITY = 2048;

  private static final VarHandle HEAD_WORD;
  private static final VarHandle TAIL;
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Runnable[].class);
  private static final long STAMP_ONE = 1L << 32;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      HEAD_WORD = lookup.findVarHandle(SpmcLocalQueue.class, "headWord", long.class);
      TAIL = lookup.findVarHandle(SpmcLocalQueue.class, "tail", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Runnable[] slots;
  /** The stamp (high 32 bits) and the head index (low 32 bits); see the notes. */
  @SuppressWarnings("unused") // accessed through HEAD_WORD
  private volatile long headWord;
  @SuppressWarnings("unused") // accessed through TAIL
  private volatile int tail;
  private final int capacity;
  /** The owner's scratch array for {@link #spillHalfTo}: a spill allocates nothing. */
  private final Runnable[] spill;
  private final int mask;
  /**
   * Runs in {@link #stealInto} between reading the slots and the CAS that claims them; null
   * except in tests that force an interleaving there.
   */
  Runnable beforeStealClaimForTest;

  /** Creates an empty ring of {@link #CAPACITY} slots. */
  SpmcLocalQueue() {
    this(CAPACITY);
  }

  /** Creates an empty ring of {@code capacity} slots, a power of two (small ones for tests). */
  SpmcLocalQueue(int capacity) {
    if (capacity < 2 || Integer.bitCount(capacity) != 1 || capacity > (1 << 30)) {
      throw new IllegalArgumentException("capacity must be a power of two in [2, 2^30], was " + capacity);
    }
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.slots = new Runnable[capacity];
    this.spill = new Runnable[capacity / 2];
  }

  private static int headOf(long word) {
    return (int) word;
  }

  /** The word with head {@code h} and the stamp of {@code word}. */
  private static long withHead(long word, int h) {
    return (word & 0xFFFF_FFFF_0000_0000L) | (h & 0xFFFF_FFFFL);
  }

  /** Appends {@code task} (owner only); returns false without change if the ring is full. */
  boolean offer(Runnable task) {
    int t = (int) TAIL.getOpaque(this);
    int h = headOf((long) HEAD_WORD.getVolatile(this));
    if (t - h >= capacity) {
      return false;
    }
    SLOTS.setOpaque(slots, t & mask, task);
    TAIL.setRelease(this, t + 1);
    return true;
  }

  /** Removes and returns the newest task (owner only), or null if empty; see the notes. */
  Runnable pop() {
    int t = (int) TAIL.getOpaque(this);
    long word = (long) HEAD_WORD.getVolatile(this);
    if (t - headOf(word) <= 0) {
      return null;
    }
    int last = t - 1;
    // A release store suffices: the CAS below publishes it, see the notes.
    TAIL.setRelease(this, last);
    for (;;) {
      word = (long) HEAD_WORD.getVolatile(this);
      int h = headOf(word);
      if (last - h < 0) {
        TAIL.setRelease(this, h); // a consumer took every task, this one included
        return null;
      }
      if (HEAD_WORD.compareAndSet(this, word, word + STAMP_ONE)) {
        int index = last & mask;
        Runnable task = (Runnable) SLOTS.getOpaque(slots, index);
        SLOTS.setOpaque(slots, index, null); // owner only: lets the finished task be collected
        return task;
      }
    }
  }

  /** Removes and returns the oldest task (owner only), or null if empty. */
  Runnable poll() {
    return takeOldest(true);
  }

  /** Removes and returns the oldest task from any thread, or null if empty. */
  Runnable pollShared() {
    return takeOldest(false);
  }

  /** Claims the oldest task; {@code clear} (owner only) also empties its slot. */
  private Runnable takeOldest(boolean clear) {
    for (;;) {
      long word = (long) HEAD_WORD.getVolatile(this);
      int h = headOf(word);
      int t = (int) TAIL.getVolatile(this);
      if (t - h <= 0) {
        return null;
      }
      int index = h & mask;
      Runnable task = (Runnable) SLOTS.getAcquire(slots, index);
      if (HEAD_WORD.compareAndSet(this, word, withHead(word, h + 1))) {
        if (clear) {
          SLOTS.setOpaque(slots, index, null); // owner only: lets the finished task be collected
        }
        return task;
      }
    }
  }

  /**
   * Moves about half of this ring's tasks (rounded up), the oldest, into {@code dst} and returns
   * the oldest of them (that one is not put in {@code dst}), or null if this ring was empty; takes
   * only one task if {@code dst} is full. Only {@code dst}'s owner may call this.
   */
  Runnable stealInto(SpmcLocalQueue dst) {
    int dt = (int) TAIL.getOpaque(dst);
    int room = dst.capacity - (dt - headOf((long) HEAD_WORD.getVolatile(dst)));
    for (;;) {
      long word = (long) HEAD_WORD.getVolatile(this);
      int h = headOf(word);
      int t = (int) TAIL.getVolatile(this);
      int n = t - h;
      if (n <= 0) {
        return null;
      }
      int take = Math.min(n - n / 2, room + 1);
      Runnable first = (Runnable) SLOTS.getAcquire(slots, h & mask);
      for (int i = 1; i < take; i++) {
        Runnable task = (Runnable) SLOTS.getAcquire(slots, (h + i) & mask);
        SLOTS.setRelease(dst.slots, (dt + i - 1) & dst.mask, task);
      }
      Runnable hook = beforeStealClaimForTest;
      if (hook != null) {
        hook.run();
      }
      if (HEAD_WORD.compareAndSet(this, word, withHead(word, h + take))) {
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
      long word = (long) HEAD_WORD.getVolatile(this);
      int h = headOf(word);
      int t = (int) TAIL.getVolatile(this);
      int take = (t - h) / 2;
      if (take <= 0) {
        return 0;
      }
      for (int i = 0; i < take; i++) {
        batch[i] = (Runnable) SLOTS.getAcquire(slots, (h + i) & mask);
      }
      if (HEAD_WORD.compareAndSet(this, word, withHead(word, h + take))) {
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
    int h = headOf((long) HEAD_WORD.getVolatile(this));
    return Math.max(0, (int) TAIL.getVolatile(this) - h);
  }

  /** Returns whether the ring looked empty: two volatile reads of fields that change only on use. */
  boolean isEmpty() {
    int h = headOf((long) HEAD_WORD.getVolatile(this));
    return (int) TAIL.getVolatile(this) - h <= 0;
  }
}
