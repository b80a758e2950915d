package land.echo.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The roots a runtime has submitted whose trees are still running (their handles may already be
 * complete, by cancellation), so that shutdown can wait for, cancel, and wait out the unwinding of
 * them; thread-safe and lock-free on the common path.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>A fixed table of {@link #SLOTS} slots. {@link #add} CASes the fiber into the first free slot of
 * up to {@link #PROBES} consecutive slots from a random start and returns the slot index, which the
 * handle keeps; {@link #remove} clears its own slot. Neither allocates, and
 * concurrent submitters rarely touch the same cache line. When every probed slot is taken (more
 * than a few thousand effects in flight) the handle goes to an overflow {@code ConcurrentHashMap}
 * key set, which allocates and locks per bin but only under that load. A {@code
 * ConcurrentHashMap} for every root was the alternative; its node allocation and bin locks on
 * removal are what this table avoids.
 *
 * <p>Memory ordering for shutdown: a submitter CASes its handle in (a volatile write) and then
 * reads the runtime's {@code closed} flag; shutdown writes {@code closed} and then scans. Both pairs
 * are volatile accesses, so either the submitter sees {@code closed} (and rejects itself) or the
 * scan sees the handle. {@link #size} is exact (an {@link AtomicInteger}, not a striped counter
 * whose sum can miss a concurrent add), because shutdown waits for it to reach zero.
 */
public final class InFlightRegistry {
  /** The slot of a fiber that was never registered. */
  public static final int NONE = -2;
  /** The slot value of a fiber kept in the overflow set. */
  public static final int OVERFLOW = -1;
  /** Table size: enough for typical in-flight counts (tens to thousands) without resizing. */
  public static final int SLOTS = 1 << 12;
  /** Slots probed before overflowing: two cache lines of compressed references. */
  public static final int PROBES = 32;

  private final AtomicReferenceArray<HandleFuture<?, ?>> slots = new AtomicReferenceArray<>(SLOTS);
  private final Set<HandleFuture<?, ?>> overflow = ConcurrentHashMap.newKeySet();
  private final AtomicInteger size = new AtomicInteger();

  /** Registers {@code fiber} and returns its slot ({@link #OVERFLOW} if it went to the overflow set). */
  public int add(HandleFuture<?, ?> fiber) {
    size.incrementAndGet();
    int start = ThreadLocalRandom.current().nextInt();
    for (int i = 0; i < PROBES; i++) {
      int index = (start + i) & (SLOTS - 1);
      if (slots.getPlain(index) == null && slots.compareAndSet(index, null, fiber)) {
        return index;
      }
    }
    overflow.add(fiber);
    return OVERFLOW;
  }

  /** Unregisters {@code fiber}, which {@link #add} put into {@code slot}; returns how many remain. */
  public int remove(HandleFuture<?, ?> fiber, int slot) {
    if (slot >= 0) {
      slots.setRelease(slot, null);
    } else if (slot == OVERFLOW) {
      overflow.remove(fiber);
    }
    return size.decrementAndGet();
  }

  /** Returns how many roots are registered: their trees are still running. */
  public int size() {
    return size.get();
  }

  /** Returns the registered roots whose handles are not yet complete. */
  public List<HandleFuture<?, ?>> snapshot() {
    List<HandleFuture<?, ?>> live = new ArrayList<>();
    for (int i = 0; i < SLOTS; i++) {
      HandleFuture<?, ?> fiber = slots.get(i);
      if (fiber != null && !fiber.isDone()) {
        live.add(fiber);
      }
    }
    for (HandleFuture<?, ?> fiber : overflow) {
      if (!fiber.isDone()) {
        live.add(fiber);
      }
    }
    return live;
  }

  /** Returns every registered root, complete or not: those whose trees are still running. */
  public List<HandleFuture<?, ?>> registered() {
    List<HandleFuture<?, ?>> all = new ArrayList<>();
    for (int i = 0; i < SLOTS; i++) {
      HandleFuture<?, ?> handle = slots.get(i);
      if (handle != null) {
        all.add(handle);
      }
    }
    all.addAll(overflow);
    return all;
  }
}
