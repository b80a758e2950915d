package land.echo.observability.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import land.echo.observability.NameTags;

/**
 * The extension point through which resilience policies (circuit breakers, rate limiters,
 * bulkheads, result caches, adaptive timeouts) add their meters next to Echo's: registered with
 * {@link EchoMeters.Builder#policyMeters(PolicyMeters)} and bound once, when the {@link EchoMeters}
 * are built. Implementations must be thread-safe.
 *
 * <p>Conventions, so that every policy's meters read alike: names start with {@value
 * EchoMeters#POLICY_PREFIX} followed by the policy kind ({@code echo.policy.breaker.state}, {@code
 * echo.policy.rate.limiter.rejections}, {@code echo.policy.bulkhead.queued}, {@code
 * echo.policy.cache.requests} with an {@code outcome} of {@code hit} or {@code miss}, {@code
 * echo.policy.timeout.current}); the tag {@value EchoMeters#POLICY_TAG} carries the policy's
 * declared name, and any effect name goes through {@code names}, so the cardinality bound holds
 * for policies too.
 *
 * {@snippet :
 * EchoMeters meters = EchoMeters.builder(registry)
 *     .policyMeters((r, names) -> Gauge.builder("echo.policy.bulkhead.queued", bulkhead, b -> b.queued())
 *         .tag(EchoMeters.POLICY_TAG, "index")
 *         .register(r))
 *     .build();
 * }
 */
@FunctionalInterface
public interface PolicyMeters {

  /**
   * Registers the policy's meters with {@code registry}.
   *
   * @param registry the registry Echo's meters are in
   * @param names the bound on effect-name tag values to use for any effect name
   */
  void bindTo(MeterRegistry registry, NameTags names);
}
