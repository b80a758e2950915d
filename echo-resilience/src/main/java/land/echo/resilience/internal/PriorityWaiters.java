package land.echo.resilience.internal;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import land.echo.Priority;

/**
 * A queue of waiting calls ordered by priority ({@code HIGH} first), then by arrival (FIFO within a
 * priority). Not thread-safe: its owner guards it with one lock.
 */
public final class PriorityWaiters {

  /** One waiting call: completed with null when it gets its permit, cancelled when it gives up. */
  public static final class Waiter extends CompletableFuture<Void> implements Comparable<Waiter> {
    public final Priority priority;
    public final long enqueuedNanos;
    private final long seq;

    Waiter(Priority priority, long seq, long enqueuedNanos) {
      this.priority = priority;
      this.seq = seq;
      this.enqueuedNanos = enqueuedNanos;
    }

    @Override
    public int compareTo(Waiter other) {
      int byPriority = Integer.compare(priority.ordinal(), other.priority.ordinal());
      return byPriority != 0 ? byPriority : Long.compare(seq, other.seq);
    }

    // Identity semantics (CompletableFuture's), so that removal finds this very waiter.
    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }

  private final PriorityQueue<Waiter> queue = new PriorityQueue<>();
  private long seq;

  /** Enqueues a new waiter at {@code priority}. */
  public Waiter add(Priority priority, long nowNanos) {
    Waiter w = new Waiter(priority, seq++, nowNanos);
    queue.add(w);
    return w;
  }

  /** The most urgent waiter still waiting, dropping the ones that gave up; null if none. */
  public Waiter peek() {
    Waiter w;
    while ((w = queue.peek()) != null && w.isDone()) {
      queue.poll();
    }
    return w;
  }

  /** Removes and returns {@link #peek()}. */
  public Waiter poll() {
    Waiter w = peek();
    if (w != null) {
      queue.poll();
    }
    return w;
  }

  /** Removes {@code w} if it is queued. */
  public boolean remove(Waiter w) {
    return queue.remove(w);
  }

  /** The least urgent, latest waiter (the one shed first), or null; O(n), used only when full. */
  public Waiter leastUrgent() {
    // No two waiters compare equal (each has its own sequence number): the greatest is unique.
    return queue.stream().filter(w -> !w.isDone()).max(Comparator.naturalOrder()).orElse(null);
  }

  /** The number of queued waiters (including ones that gave up and are not yet dropped). */
  public int size() {
    return queue.size();
  }
}
