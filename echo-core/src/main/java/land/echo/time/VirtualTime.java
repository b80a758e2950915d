package land.echo.time;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A manual clock and timer for tests: time stands still until {@link #advance(Duration)} moves it,
 * running the actions that fall due in deadline order on the caller.
 *
 * <p>Thread-safe: effects register timers from scheduler threads while a test advances time. The
 * clock starts at zero. Actions scheduled for the same instant run in scheduling order. An action
 * that schedules another action due within the advanced span sees it run in the same {@code
 * advance} call, at its own deadline.
 */
public final class VirtualTime implements Clock, Timer {
  private final Object lock = new Object();
  /** Ordered by deadline, then scheduling order; a tree, so withdrawing an entry is O(log n). */
  private final TreeSet<Entry> queue = new TreeSet<>();
  private long now;
  private long sequence;

  /** Creates a virtual clock at time zero with no pending actions. */
  public VirtualTime() {}

  @Override
  public long nanoTime() {
    synchronized (lock) {
      return now;
    }
  }

  /**
   * Returns the time elapsed since this clock was created.
   *
   * @return the virtual time elapsed since creation
   */
  public Duration now() {
    return Duration.ofNanos(nanoTime());
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable action) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(action, "action");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    Entry entry;
    synchronized (lock) {
      long nanos = SystemTimer.saturatedNanos(delay);
      long deadline = now + nanos < now ? Long.MAX_VALUE : now + nanos;
      entry = new Entry(deadline, sequence++, action);
      queue.add(entry);
    }
    return () -> {
      synchronized (lock) {
        return queue.remove(entry);
      }
    };
  }

  /**
   * Moves time forward by {@code duration}, running every action that falls due, each at its own
   * deadline (so {@link #nanoTime()} inside an action reads that deadline).
   *
   * @param duration how far to move time forward
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public void advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, was " + duration);
    }
    long target;
    synchronized (lock) {
      target = now + SystemTimer.saturatedNanos(duration);
    }
    while (true) {
      Entry due;
      synchronized (lock) {
        due = queue.isEmpty() ? null : queue.first();
        if (due == null || due.deadline > target) {
          now = Math.max(now, target);
          return;
        }
        queue.pollFirst();
        now = Math.max(now, due.deadline);
      }
      due.action.run();
    }
  }

  /**
   * Returns the number of actions scheduled and not yet run or cancelled.
   *
   * @return the number of pending actions
   */
  public int pendingTimers() {
    synchronized (lock) {
      return queue.size();
    }
  }

  /**
   * Returns the time until the earliest pending action is due, or empty if none is pending.
   *
   * @return the delay until the next action is due, or empty
   */
  public Optional<Duration> nextDelay() {
    synchronized (lock) {
      Entry first = queue.isEmpty() ? null : queue.first();
      return first == null ? Optional.empty() : Optional.of(Duration.ofNanos(Math.max(0, first.deadline - now)));
    }
  }

  @Override
  public String toString() {
    return "VirtualTime[now=" + now() + ", pending=" + pendingTimers() + "]";
  }

  private record Entry(long deadline, long sequence, Runnable action) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry other) {
      int byDeadline = Long.compare(deadline, other.deadline);
      return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
    }
  }
}
