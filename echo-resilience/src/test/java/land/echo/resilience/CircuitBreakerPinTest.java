package land.echo.resilience;

import static land.echo.resilience.Runtimes.APP;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.resilience.CircuitBreaker.State;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pins the breaker's outcome classification, its retry-after arithmetic, its permit handling for
 * ignored outcomes and its listener registration (issue 13): every check fails by assertion at once
 * rather than leaving a call waiting.
 */
@Timeout(30)
class CircuitBreakerPinTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = Runtimes.onVirtualTime(time);
  private final AtomicInteger runs = new AtomicInteger();

  @AfterEach
  void stop() {
    Runtimes.stop(runtime);
  }

  private CircuitBreaker.Builder small() {
    return CircuitBreaker.builder("payments").countWindow(4).minimumCalls(4).failureRateThreshold(50)
        .waitInOpenState(Duration.ofSeconds(60)).halfOpenPermits(1);
  }

  private ActionEffect<String, Integer> failing() {
    return APP.suspend(() -> {
      runs.incrementAndGet();
      return APP.fail("down");
    });
  }

  private ActionEffect<String, Integer> working() {
    return APP.suspend(() -> {
      runs.incrementAndGet();
      return APP.succeed(1);
    });
  }

  private void open(CircuitBreaker breaker) {
    for (int i = 0; i < 4; i++) {
      runtime.run(failing().via(breaker.policy()));
    }
    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  /** Failed calls that end by a panic or a timeout are counted: the window holds them as failures. */
  @Test
  void panicsAndTimeoutsAreRecordedAsFailuresAndRejectionsNotAtAll() {
    CircuitBreaker breaker = small().build();
    runtime.run(APP.<Integer>compute(token -> {
      throw new IllegalStateException("boom");
    }).via(breaker.policy()));
    runtime.run(APP.<Integer>fromOutcome(Outcome.faulted(new Fault.TimedOut(Duration.ofSeconds(1)))).via(breaker.policy()));
    runtime.run(APP.<Integer>fromOutcome(Outcome.faulted(Fault.Rejected.by(new RateLimited("r", Duration.ZERO))))
        .via(breaker.policy()));
    runtime.run(working().via(breaker.policy()));
    assertThat(breaker.snapshot().bufferedCalls()).isEqualTo(3);
    assertThat(breaker.snapshot().failedCalls()).isEqualTo(2);
  }

  /** The retry-after counts from when the breaker opened, not from the start of time. */
  @Test
  void theRetryAfterCountsFromTheMomentTheBreakerOpened() {
    CircuitBreaker breaker = small().build();
    runtime.run(working().via(breaker.policy())); // the breaker's time starts here
    time.advance(Duration.ofSeconds(10));
    open(breaker); // the third failure opens it (3 of 4 calls failed)
    time.advance(Duration.ofSeconds(45));

    Outcome<String, Integer> refused = runtime.run(working().via(breaker.policy()));

    assertThat(Runtimes.rejectionOf(refused)).isEqualTo(new CircuitOpen("payments", State.OPEN, Duration.ofSeconds(15)));
    time.advance(Duration.ofSeconds(5));
    assertThat(Runtimes.rejectionOf(runtime.run(working().via(breaker.policy()))).retryAfter())
        .contains(Duration.ofSeconds(10));
  }

  /** An ignored outcome gives its half-open permit back: the next trial call is admitted. */
  @Test
  void anIgnoredTrialCallGivesItsHalfOpenPermitBack() {
    AtomicInteger ignoreNext = new AtomicInteger();
    CircuitBreaker breaker = small().ignore(outcome -> ignoreNext.getAndSet(0) == 1).build();
    open(breaker);
    time.advance(Duration.ofSeconds(61));
    ignoreNext.set(1);
    assertThat(runtime.run(working().via(breaker.policy()))).isEqualTo(Outcome.success(1)); // not recorded
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);

    Outcome<String, Integer> trial = runtime.run(working().via(breaker.policy()));

    assertThat(trial).isEqualTo(Outcome.success(1));
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  /** Closing a subscription stops the events; reset() closes the breaker and publishes it. */
  @Test
  void closingTheSubscriptionStopsTheEventsAndResetClosesTheBreaker() {
    CircuitBreaker breaker = small().build();
    List<PolicyEvent> kept = new CopyOnWriteArrayList<>();
    List<PolicyEvent> dropped = new CopyOnWriteArrayList<>();
    breaker.onEvent(kept::add);
    Subscription subscription = breaker.onEvent(dropped::add);
    breaker.forceOpen();
    subscription.close();

    breaker.reset();

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.toString()).isEqualTo("CircuitBreaker[payments, CLOSED]");
    assertThat(dropped).containsExactly(new PolicyEvent.CircuitStateChanged("payments", State.CLOSED, State.FORCED_OPEN));
    assertThat(kept).containsExactly(
        new PolicyEvent.CircuitStateChanged("payments", State.CLOSED, State.FORCED_OPEN),
        new PolicyEvent.CircuitStateChanged("payments", State.FORCED_OPEN, State.CLOSED));
    assertThat(runtime.run(working().via(breaker.policy()))).isEqualTo(Outcome.success(1));
  }

  /** A breaker reset after opening opens again later with a fresh retry-after from that moment. */
  @Test
  void aBreakerResetAndReopenedCountsItsWaitFromTheNewOpening() {
    CircuitBreaker breaker = small().build();
    open(breaker);
    time.advance(Duration.ofSeconds(20));
    breaker.reset();
    time.advance(Duration.ofSeconds(20));
    open(breaker);
    time.advance(Duration.ofSeconds(5));
    assertThat(Runtimes.rejectionOf(runtime.run(working().via(breaker.policy()))).retryAfter())
        .contains(Duration.ofSeconds(55));
    assertThat(runs).hasValue(8);
  }
}
