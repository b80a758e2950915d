package land.echo.resilience;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where policies keep state shared with other processes: a rate limit's token bucket, and a
 * circuit breaker's state. A policy built with {@code .sharedState(state)} keeps its usual API and
 * behaviour and reads and writes this state instead of its own: every process limited by a rate
 * limit of one name takes from one bucket, and a breaker that opens in one process opens in all.
 * {@code land.echo.cluster.EchoCluster#policyState()} provides one on Hazelcast.
 *
 * <p>Implementations are thread-safe.
 */
public interface SharedPolicyState {
  /**
   * Returns the shared bucket of the rate limit {@code name}, created with {@code configuration} if
   * no process created it yet. Its methods may block for a network round trip.
   *
   * @param name the rate limit's name
   * @param configuration the bucket's limits
   * @return the shared bucket
   */
  Bucket bucket(String name, BucketConfiguration configuration);

  /**
   * Returns the last state published for the breaker {@code name}, if any.
   *
   * @param name the breaker's name
   * @return its shared state, or empty if none was published
   */
  Optional<CircuitBreaker.State> breakerState(String name);

  /**
   * Publishes that this process's breaker {@code name} moved to {@code state}; returns without
   * waiting for other processes to hear of it. The change is atomic: every process ends up seeing
   * the last state published.
   *
   * @param name the breaker's name
   * @param state its new state
   */
  void publishBreakerState(String name, CircuitBreaker.State state);

  /**
   * Registers {@code listener} for states other processes publish for the breaker {@code name}.
   *
   * @param name the breaker's name
   * @param listener receives each state another process publishes, on a thread of the
   *     implementation's; it must be short
   * @return the registration; closing it removes the listener
   */
  Subscription onBreakerState(String name, Consumer<CircuitBreaker.State> listener);
}
