package land.echo.cluster;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One member's counters, since it started. Immutable.
 *
 * @param memberId the member's id
 * @param members the members of the cluster now
 * @param pending tasks this member has queued in memory, waiting for an admission slot
 * @param running cluster effects running on this member now
 * @param ran cluster effects this member started
 * @param reran of those, effects that had run before on a member that left (a failover)
 * @param stolen of those, effects taken from another member's partitions
 * @param requeued tasks this member took over because the member running them left
 * @param duplicatesSuppressed runs suppressed, or results replaced, by an idempotency key's stored
 *     result
 * @param delivered results this member received for effects it submitted
 * @param deliveredAfterFailover of those, results of effects that ran more than once (their first
 *     member left while running them)
 * @param deliveredBy of {@code delivered}, how many each member ran, by member id (members that have
 *     left included); a copy, sorted by member id
 */
public record ClusterStats(
    String memberId, int members, int pending, int running, long ran, long reran, long stolen, long requeued,
    long duplicatesSuppressed, long delivered, long deliveredAfterFailover, Map<String, Long> deliveredBy) {

  /** Copies {@code deliveredBy}. */
  public ClusterStats {
    deliveredBy = Collections.unmodifiableMap(new TreeMap<>(deliveredBy));
  }
}
