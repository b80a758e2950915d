package land.echo.cli.demo;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import land.echo.ActionEffect;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.RetryPolicy;
import land.echo.resilience.CircuitBreaker;
import land.echo.resilience.CircuitOpen;
import land.echo.resilience.PolicyEvent;
import land.echo.resilience.RateLimit;
import land.echo.resilience.RateLimited;
import land.echo.time.Clock;

/**
 * The resilience policies around the demo's flaky symbol service: a rate limit on requests (it
 * refuses at once above nine tenths of the request rate, in bursts of {@link #BURST}) around the
 * demo's retry schedule around a circuit breaker on each attempt (a count window of 20 attempts
 * that opens at 50% failures, for a quarter of a second). The service fails 30% of calls, so the
 * window now and then crosses the threshold and the breaker opens; requests arrive faster than the
 * limit, so some are refused. A refusal is not retried: failing fast is its point. The counters
 * come from the policies' events.
 *
 * <p>Thread-safe.
 */
public final class ServiceGuard {
  /** The largest burst the rate limit lets through. */
  static final int BURST = 5;

  private final long permitsPerSecond;
  private final RetryPolicy retry;
  private final CircuitBreaker breaker;
  private final RateLimit rateLimit;
  private final LongAdder opened = new LongAdder();
  private final LongAdder stateChanges = new LongAdder();
  private final LongAdder breakerRefusals = new LongAdder();
  private final LongAdder rateLimited = new LongAdder();

  /**
   * Creates the guard for {@code settings}: the rate limit lets through nine tenths of the
   * request rate; the retry follows the settings' schedule.
   *
   * @param settings the run's settings
   * @param clock the runtime's clock
   */
  public ServiceGuard(WorkloadSettings settings, Clock clock) {
    long requestsPerSecond = Math.max(1, 1_000 / Math.max(1, settings.serviceInterval().toMillis()));
    this.permitsPerSecond = Math.max(1, requestsPerSecond * 9 / 10);
    this.retry = RetryPolicy.builder()
        .maxRetries(settings.maxRetries()).initialDelay(settings.initialBackoff())
        .retryOn(outcome -> !(outcome instanceof Outcome.Faulted<?, ?>(Fault.Cancelled c))
            && !(outcome instanceof Outcome.Faulted<?, ?>(Fault.Rejected r)))
        .build();
    this.breaker = CircuitBreaker.builder(FlakySymbolService.NAME)
        .countWindow(20).minimumCalls(20).failureRateThreshold(50)
        .waitInOpenState(Duration.ofMillis(250)).halfOpenPermits(5)
        .clock(clock)
        .build();
    this.rateLimit = RateLimit.builder(FlakySymbolService.NAME)
        .capacity(BURST).refillGreedy(permitsPerSecond, Duration.ofSeconds(1))
        .onLimit(RateLimit.OnLimit.FAIL)
        .clock(clock)
        .build();
    breaker.onEvent(event -> {
      switch (event) {
        case PolicyEvent.CircuitStateChanged changed -> {
          stateChanges.increment();
          if (changed.to() == CircuitBreaker.State.OPEN) {
            opened.increment();
          }
        }
        case PolicyEvent.CallRejected(var name, CircuitOpen open) -> breakerRefusals.increment();
        default -> { }
      }
    });
    rateLimit.onEvent(event -> {
      if (event instanceof PolicyEvent.CallRejected(var name, RateLimited limited)) {
        rateLimited.increment();
      }
    });
  }

  /**
   * Returns {@code call} guarded: rate limit, then the retry, then the breaker on each attempt.
   *
   * @param <T> the call's value type
   * @param call one attempt at the service
   * @return the guarded call
   */
  public <T> ActionEffect<ServiceFailure, T> guard(ActionEffect<ServiceFailure, T> call) {
    return call.via(breaker.policy()).retry(retry).via(rateLimit.policy());
  }

  /**
   * Returns the circuit breaker around the service (the dashboard shows and steers it).
   *
   * @return the breaker
   */
  public CircuitBreaker breaker() {
    return breaker;
  }

  /**
   * Returns the rate limit around the service (the dashboard shows it).
   *
   * @return the rate limit
   */
  public RateLimit rateLimit() {
    return rateLimit;
  }

  /**
   * Returns the requests the guards ended without a service call on their last attempt: refused
   * by the rate limit, or by the breaker (a refusal is not retried).
   *
   * @return refused requests so far
   */
  public long refusedRequests() {
    return rateLimited.sum() + breakerRefusals.sum();
  }

  /**
   * Returns the report line: what the breaker and the rate limit did during the run.
   *
   * @return one line, no trailing newline
   */
  public String summary() {
    return String.format(Locale.ROOT,
        "Symbol service guards: circuit breaker '%s' opened %,d times (%,d state changes, now %s) and refused"
            + " %,d attempts; rate limit '%s' (%,d/s, burst %d) refused %,d requests. Refused calls never"
            + " reach the service, are not retried, and count as failed requests.",
        breaker.name(), opened.sum(), stateChanges.sum(), breaker.state(), breakerRefusals.sum(),
        rateLimit.config().name(), permitsPerSecond, BURST, rateLimited.sum());
  }
}
