package land.echo.observability.live;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import land.echo.Priority;
import land.echo.spi.OutcomeKind;

/**
 * What an {@link Observatory} saw up to one moment: per effect name, counts and latency
 * percentiles; per priority, completions and effects in flight. Immutable and thread-safe.
 *
 * @param takenNanos the runtime clock's reading when the snapshot was taken
 * @param names one entry per bounded name tag, sorted by name
 * @param priorities one entry per priority
 * @param nextSequence the sequence number the journal's next event will get: pass it minus one to
 *     {@link Observatory#events(long, int)} to follow the events after this snapshot
 * @param outcomes completions by outcome kind (success, failure, and each kind of fault), every
 *     kind present
 */
public record ObservatorySnapshot(
    long takenNanos, List<NameStats> names, Map<Priority, PriorityStats> priorities, long nextSequence,
    Map<OutcomeKind, Long> outcomes) {

  /** Validates and copies the components. */
  public ObservatorySnapshot {
    names = List.copyOf(names);
    priorities = Map.copyOf(priorities);
    outcomes = Map.copyOf(outcomes);
  }

  /**
   * Returns the completions of {@code priority} per second between {@code earlier} and this
   * snapshot.
   *
   * @param earlier a snapshot of the same observatory taken before this one
   * @param priority the priority
   * @return completions per second, or 0 if no time passed between the two
   */
  public double throughputSince(ObservatorySnapshot earlier, Priority priority) {
    long nanos = takenNanos - Objects.requireNonNull(earlier, "earlier").takenNanos;
    if (nanos <= 0) {
      return 0;
    }
    long completed = priorities.get(priority).completed() - earlier.priorities.get(priority).completed();
    return completed * 1e9 / nanos;
  }

  /**
   * Returns the entry of the name tag {@code name}, if any.
   *
   * @param name a name tag
   * @return its entry, or null if no effect with that tag completed or is in flight
   */
  public NameStats name(String name) {
    for (NameStats stats : names) {
      if (stats.name().equals(name)) {
        return stats;
      }
    }
    return null;
  }

  /**
   * The effects of one name tag.
   *
   * @param name the name tag (see {@code NameTags})
   * @param completed completions
   * @param succeeded completions with a success
   * @param failed completions with a domain failure
   * @param faulted completions with a fault (timeouts, cancellations, panics...)
   * @param inFlight submitted and not yet completed
   * @param p50Nanos median submission-to-completion latency, 0 before the first completion
   * @param p99Nanos 99th percentile of the same
   * @param maxNanos the largest latency recorded
   * @param queueWait submission to first run: the time spent queued
   * @param run first run to completion: the time spent running (or suspended) after the start
   */
  public record NameStats(
      String name, long completed, long succeeded, long failed, long faulted, long inFlight,
      long p50Nanos, long p99Nanos, long maxNanos, Latency queueWait, Latency run) {

    /** Validates the components. */
    public NameStats {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(queueWait, "queueWait");
      Objects.requireNonNull(run, "run");
    }

    /**
     * Returns {@code succeeded / completed}.
     *
     * @return the success rate, or {@code NaN} before the first completion
     */
    public double successRate() {
      return completed == 0 ? Double.NaN : (double) succeeded / completed;
    }
  }

  /**
   * Percentiles of one latency (three significant digits), all 0 before the first value.
   *
   * @param count values recorded
   * @param p50Nanos the median
   * @param p99Nanos the 99th percentile
   * @param maxNanos the largest value
   */
  public record Latency(long count, long p50Nanos, long p99Nanos, long maxNanos) {}

  /**
   * A root effect that completed with a domain failure or a fault, as {@link
   * Observatory#recentFailures()} keeps it.
   *
   * @param atNanos the runtime clock's reading at completion
   * @param effectId the effect's id
   * @param name its name tag
   * @param priority its priority
   * @param outcome {@code failure}, or the fault's kind ({@code timeout}, {@code cancelled},
   *     {@code panic}, {@code rejected}...)
   * @param message the failure's text: a {@code CommonError}'s or a fault's {@code message()},
   *     else the error's {@code toString()}
   */
  public record Failure(long atNanos, long effectId, String name, Priority priority, String outcome, String message) {
    /** Validates the components. */
    public Failure {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(priority, "priority");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * The effects of one priority.
   *
   * @param completed completions
   * @param inFlight submitted and not yet completed
   */
  public record PriorityStats(long completed, long inFlight) {}
}
