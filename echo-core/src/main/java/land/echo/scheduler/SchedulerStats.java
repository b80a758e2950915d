package land.echo.scheduler;

import java.util.List;
import java.util.Objects;
import land.echo.Priority;

/**
 * A live snapshot of an {@link EchoScheduler}'s activity, taken by {@link EchoScheduler#stats()}.
 *
 * <p>The counters are read without stopping the workers (each worker writes its own counters and
 * the snapshot reads them racily), so the fields are individually accurate but not one atomic
 * cut: {@code queued} and {@code running} may disagree by the few tasks that moved while the
 * snapshot was taken. Instances are immutable and thread-safe.
 *
 * @param workers the number of worker threads the scheduler was created with
 * @param queuedHigh HIGH tasks accepted but not started (worker queues, named and blocking waits)
 * @param queuedNormal NORMAL tasks accepted but not started
 * @param queuedLow LOW tasks accepted but not started
 * @param running worker tasks executing now
 * @param completed worker tasks finished since creation, including those that threw
 * @param failed worker and blocking tasks that threw since creation
 * @param steals successful batch steals from another worker's queue
 * @param parkedWorkers workers parked (idle) or retired after shutdown
 * @param blockingRunning blocking tasks executing now on virtual threads
 * @param blockingCompleted blocking tasks finished since creation
 * @param busyNanos for each worker, the nanoseconds it spent running tasks (its busy periods)
 */
public record SchedulerStats(
    int workers,
    long queuedHigh,
    long queuedNormal,
    long queuedLow,
    int running,
    long completed,
    long failed,
    long steals,
    int parkedWorkers,
    int blockingRunning,
    long blockingCompleted,
    List<Long> busyNanos) {

  /** Validates the snapshot and freezes {@code busyNanos}. */
  public SchedulerStats {
    Objects.requireNonNull(busyNanos, "busyNanos");
    busyNanos = List.copyOf(busyNanos);
    if (workers < 1 || busyNanos.size() != workers) {
      throw new IllegalArgumentException(
          "busyNanos must have one entry per worker (" + workers + "), had " + busyNanos.size());
    }
  }

  /**
   * Returns the number of tasks of {@code priority} accepted but not started.
   *
   * @param priority the priority to count
   * @return the number of queued tasks of {@code priority}
   */
  public long queued(Priority priority) {
    return switch (Objects.requireNonNull(priority, "priority")) {
      case HIGH -> queuedHigh;
      case NORMAL -> queuedNormal;
      case LOW -> queuedLow;
    };
  }

  /**
   * Returns the number of tasks of every priority accepted but not started.
   *
   * @return the number of queued tasks
   */
  public long queuedTotal() {
    return queuedHigh + queuedNormal + queuedLow;
  }

  /**
   * Returns the sum of {@link #busyNanos()} over all workers.
   *
   * @return the workers' total busy time, in nanoseconds
   */
  public long totalBusyNanos() {
    long sum = 0;
    for (long n : busyNanos) {
      sum += n;
    }
    return sum;
  }
}
