package land.echo.cluster;

import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import land.echo.cluster.internal.BreakerRecord;
import land.echo.resilience.CircuitBreaker;
import land.echo.resilience.SharedPolicyState;
import land.echo.resilience.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policy state shared by the members of a cluster: rate limits' buckets with bucket4j-hazelcast
 * (an entry processor per consumption, on the member holding the bucket's partition) in the map
 * {@code echo.ratelimits}, and circuit breakers' states in the map {@code echo.breakers}, each
 * publication a compare-and-set that raises the breaker's version. Obtained from {@link
 * EchoCluster#policyState()}. Thread-safe.
 */
final class ClusterPolicyState implements SharedPolicyState {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterPolicyState.class);

  private final ProxyManager<String> buckets;
  private final IMap<String, BreakerRecord> breakers;
  private final String memberId;
  private final Executor io;

  ClusterPolicyState(IMap<String, byte[]> buckets, IMap<String, BreakerRecord> breakers, String memberId,
      Executor io) {
    this.buckets = Bucket4jHazelcast.entryProcessorBasedBuilder(buckets).build();
    this.breakers = breakers;
    this.memberId = memberId;
    this.io = io;
  }

  @Override
  public Bucket bucket(String name, BucketConfiguration configuration) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(configuration, "configuration");
    return buckets.builder().build(name, () -> configuration);
  }

  @Override
  public Optional<CircuitBreaker.State> breakerState(String name) {
    BreakerRecord record = breakers.get(name);
    return record == null ? Optional.empty() : Optional.of(CircuitBreaker.State.valueOf(record.state()));
  }

  @Override
  public void publishBreakerState(String name, CircuitBreaker.State state) {
    // Off the caller's thread (an Echo worker recording a call): the map's round trips never block it.
    io.execute(() -> {
      try {
        while (true) {
          BreakerRecord current = breakers.get(name);
          if (current == null) {
            if (breakers.putIfAbsent(name, new BreakerRecord(state.name(), memberId, 1)) == null) {
              return;
            }
          } else if (breakers.replace(name, current,
              new BreakerRecord(state.name(), memberId, current.version() + 1))) {
            return;
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("could not share breaker {}'s state {}", name, state, e);
      }
    });
  }

  @Override
  public Subscription onBreakerState(String name, Consumer<CircuitBreaker.State> listener) {
    Objects.requireNonNull(listener, "listener");
    Listener adapter = new Listener(listener);
    UUID id = breakers.addEntryListener(adapter, name, true);
    return () -> breakers.removeEntryListener(id);
  }

  private final class Listener
      implements EntryAddedListener<String, BreakerRecord>, EntryUpdatedListener<String, BreakerRecord> {
    private final Consumer<CircuitBreaker.State> listener;

    Listener(Consumer<CircuitBreaker.State> listener) {
      this.listener = listener;
    }

    @Override
    public void entryAdded(com.hazelcast.core.EntryEvent<String, BreakerRecord> event) {
      accept(event.getValue());
    }

    @Override
    public void entryUpdated(com.hazelcast.core.EntryEvent<String, BreakerRecord> event) {
      accept(event.getValue());
    }

    private void accept(BreakerRecord record) {
      if (!record.member().equals(memberId)) {
        listener.accept(CircuitBreaker.State.valueOf(record.state()));
      }
    }
  }
}
