package land.echo.cluster;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for one cluster member, read from {@link EchoCluster#stats()} at each scrape,
 * tagged {@code member} with the member's id: every member registers its own, so a dashboard or a
 * Prometheus query shows the work per member. Thread-safe.
 *
 * <ul>
 *   <li>function counters {@code echo.cluster.effects.ran}, {@code .reran} (runs after a failover),
 *       {@code .stolen}, {@code .requeued} (taken over from a member that left), {@code
 *       .duplicates} (suppressed by an idempotency key's stored result);
 *   <li>function counters {@code echo.cluster.results.delivered} and {@code
 *       echo.cluster.results.delivered.after.failover}, for the effects this member submitted;
 *   <li>gauges {@code echo.cluster.pending} (queued here, waiting for admission), {@code
 *       echo.cluster.running} and {@code echo.cluster.members}.
 * </ul>
 *
 * {@snippet :
 * ClusterMeters.of(cluster).bindTo(registry);
 * }
 */
public final class ClusterMeters implements MeterBinder {
  private final EchoCluster cluster;

  private ClusterMeters(EchoCluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Returns the meters of {@code cluster}'s member.
   *
   * @param cluster the member
   * @return its meters, bound by {@link #bindTo(MeterRegistry)}
   */
  public static ClusterMeters of(EchoCluster cluster) {
    return new ClusterMeters(Objects.requireNonNull(cluster, "cluster"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    Tags tags = Tags.of("member", cluster.memberId());
    counter(registry, "echo.cluster.effects.ran", "cluster effects this member started", tags, ClusterStats::ran);
    counter(registry, "echo.cluster.effects.reran", "of those, runs after their first member left", tags,
        ClusterStats::reran);
    counter(registry, "echo.cluster.effects.stolen", "of those, taken from another member's partitions", tags,
        ClusterStats::stolen);
    counter(registry, "echo.cluster.effects.requeued", "tasks taken over from a member that left", tags,
        ClusterStats::requeued);
    counter(registry, "echo.cluster.effects.duplicates", "runs suppressed by an idempotency key's stored result",
        tags, ClusterStats::duplicatesSuppressed);
    counter(registry, "echo.cluster.results.delivered", "results received for effects this member submitted", tags,
        ClusterStats::delivered);
    counter(registry, "echo.cluster.results.delivered.after.failover",
        "of those, results of effects that ran more than once", tags, ClusterStats::deliveredAfterFailover);
    gauge(registry, "echo.cluster.pending", "tasks queued here, waiting for admission", tags, ClusterStats::pending);
    gauge(registry, "echo.cluster.running", "cluster effects running here", tags, ClusterStats::running);
    gauge(registry, "echo.cluster.members", "members of the cluster", tags, ClusterStats::members);
  }

  private void counter(MeterRegistry registry, String name, String help, Tags tags, ToDoubleFunction<ClusterStats> f) {
    FunctionCounter.builder(name, cluster, c -> f.applyAsDouble(c.stats())).description(help).tags(tags)
        .register(registry);
  }

  private void gauge(MeterRegistry registry, String name, String help, Tags tags, ToDoubleFunction<ClusterStats> f) {
    Gauge.builder(name, cluster, c -> f.applyAsDouble(c.stats())).description(help).tags(tags).register(registry);
  }
}
