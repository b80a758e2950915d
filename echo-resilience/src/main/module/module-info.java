/**
 * Echo resilience: policies on effects (circuit breaker, rate limit, bulkhead, adaptive timeout,
 * hedge, result cache, fallback), all applied with {@link land.echo.ActionEffect#via}.
 *
 * <p>Only {@code land.echo.resilience} is exported. HdrHistogram is shaded into the unexported
 * {@code land.echo.resilience.internal.hdrhistogram} when the jar is built, so this module requires
 * no filename-based automatic module. Resilience4j and Bucket4j are automatic modules with a
 * declared {@code Automatic-Module-Name}; Caffeine is an explicit module.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module land.echo.resilience {
  requires transitive land.echo.core;
  requires io.github.resilience4j.circuitbreaker;
  requires io.github.resilience4j.core;
  requires transitive io.github.bucket4j.core; // SharedPolicyState returns its Bucket
  requires com.github.benmanes.caffeine;
  requires org.slf4j;

  exports land.echo.resilience;
}
