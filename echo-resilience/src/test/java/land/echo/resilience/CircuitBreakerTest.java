package land.echo.resilience;

import static land.echo.resilience.Runtimes.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.resilience.CircuitBreaker.State;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CircuitBreakerTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = Runtimes.onVirtualTime(time);
  private final AtomicInteger runs = new AtomicInteger();

  @AfterEach
  void stop() {
    Runtimes.stop(runtime);
  }

  private CircuitBreaker.Builder small() {
    return CircuitBreaker.builder("payments").countWindow(4).minimumCalls(4).failureRateThreshold(50)
        .waitInOpenState(Duration.ofSeconds(60)).halfOpenPermits(2);
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

  @Test
  void followsTheRuntimesVirtualClockWithNoClockGivenToItsBuilder() {
    CircuitBreaker breaker = small().build(); // no clock(..): the runtime's VirtualTime is read
    for (int i = 0; i < 4; i++) {
      runtime.run(failing().via(breaker.policy()));
    }
    time.advance(Duration.ofSeconds(59));
    assertThat(Runtimes.rejectionOf(runtime.run(working().via(breaker.policy()))))
        .isEqualTo(new CircuitOpen("payments", State.OPEN, Duration.ofSeconds(1)));

    time.advance(Duration.ofSeconds(2)); // Resilience4j half-opens strictly after the wait

    assertThat(runtime.run(working().via(breaker.policy()))).isEqualTo(Outcome.success(1));
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
  }

  @Test
  void aClockGivenToTheBuilderWinsOverTheRuntimes() {
    VirtualTime own = new VirtualTime();
    CircuitBreaker breaker = small().clock(own).build();
    for (int i = 0; i < 4; i++) {
      runtime.run(failing().via(breaker.policy()));
    }

    time.advance(Duration.ofSeconds(120)); // the runtime's clock: the breaker does not see it
    assertThat(Runtimes.rejectionOf(runtime.run(working().via(breaker.policy()))))
        .isEqualTo(new CircuitOpen("payments", State.OPEN, Duration.ofSeconds(60)));
    own.advance(Duration.ofSeconds(61));

    assertThat(runtime.run(working().via(breaker.policy()))).isEqualTo(Outcome.success(1));
  }

  @Test
  void opensAtTheFailureRateAndThenRefusesWithoutRunningTheEffect() {
    CircuitBreaker breaker = small().build();
    for (int i = 0; i < 4; i++) {
      assertThat(runtime.run(failing().via(breaker.policy()))).isEqualTo(Outcome.failure("down"));
    }
    assertThat(breaker.state()).isEqualTo(State.OPEN);

    Outcome<String, Integer> refused = runtime.run(working().via(breaker.policy()));

    assertThat(runs).hasValue(4);
    assertThat(Runtimes.rejectionOf(refused))
        .isEqualTo(new CircuitOpen("payments", State.OPEN, Duration.ofSeconds(60)));
    assertThat(((Outcome.Faulted<?, ?>) refused).fault().message())
        .isEqualTo("Effect rejected: circuit breaker 'payments' is OPEN; calls are let through again in PT1M");
  }

  @Test
  void theRefusalSaysHowLongUntilCallsAreLetThroughOnVirtualTime() {
    CircuitBreaker breaker = small().build();
    for (int i = 0; i < 4; i++) {
      runtime.run(failing().via(breaker.policy()));
    }
    time.advance(Duration.ofSeconds(45));
    assertThat(Runtimes.rejectionOf(runtime.run(working().via(breaker.policy()))).retryAfter())
        .contains(Duration.ofSeconds(15));
  }

  @Test
  void aBreakerThatReopensAfterAFailedTrialCountsItsWaitFromTheReopening() {
    CircuitBreaker breaker = small().halfOpenPermits(1).build();
    for (int i = 0; i < 4; i++) {
      runtime.run(failing().via(breaker.policy()));
    }
    time.advance(Duration.ofSeconds(61)); // Resilience4j half-opens strictly after the wait
    runtime.run(failing().via(breaker.policy()));
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    time.advance(Duration.ofSeconds(10));
    assertThat(Runtimes.rejectionOf(runtime.run(working().via(breaker.policy()))).retryAfter())
        .contains(Duration.ofSeconds(50));
  }

  @Test
  void halfOpensAfterTheWaitAndClosesWhenTheTrialCallsSucceed() {
    CircuitBreaker breaker = small().build();
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    breaker.onEvent(events::add);
    for (int i = 0; i < 4; i++) {
      runtime.run(failing().via(breaker.policy()));
    }
    time.advance(Duration.ofSeconds(61)); // Resilience4j half-opens strictly after the wait
    assertThat(runtime.run(working().via(breaker.policy())).isSuccess()).isTrue();
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(runtime.run(working().via(breaker.policy())).isSuccess()).isTrue();

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(events).filteredOn(PolicyEvent.CircuitStateChanged.class::isInstance).containsExactly(
        new PolicyEvent.CircuitStateChanged("payments", State.CLOSED, State.OPEN),
        new PolicyEvent.CircuitStateChanged("payments", State.OPEN, State.HALF_OPEN),
        new PolicyEvent.CircuitStateChanged("payments", State.HALF_OPEN, State.CLOSED));
  }

  @Test
  void aRefusalIsPublishedAsCallRejected() {
    CircuitBreaker breaker = small().build();
    breaker.forceOpen();
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    breaker.onEvent(events::add);
    runtime.run(working().via(breaker.policy()));
    assertThat(events).containsExactly(
        new PolicyEvent.CallRejected("payments", new CircuitOpen("payments", State.FORCED_OPEN, null)));
    assertThat(runs).hasValue(0);
  }

  @Test
  void panicsAndTimeoutsCountButCancellationsDoNot() {
    CircuitBreaker breaker = small().build();
    runtime.run(APP.<Integer>compute(token -> {
      throw new IllegalStateException("boom");
    }).via(breaker.policy()));
    EffectHandle<String, Object> timedOut = runtime.submit(APP.never().timeout(Duration.ofSeconds(1)).via(breaker.policy()));
    await().until(() -> time.pendingTimers() == 1);
    time.advance(Duration.ofSeconds(1));
    timedOut.join();
    EffectHandle<String, Object> cancelled = runtime.submit(APP.never().via(breaker.policy()));
    await().until(() -> cancelled.toString().contains("running"));
    cancelled.cancel();
    assertThat(cancelled.join()).isInstanceOf(Outcome.Faulted.class);

    await().until(() -> breaker.snapshot().bufferedCalls() == 2);
    assertThat(breaker.snapshot().failedCalls()).isEqualTo(2);
  }

  @Test
  void slowCallsOpenTheBreakerByTheirRate() {
    CircuitBreaker breaker = small().slowCallRateThreshold(50, Duration.ofSeconds(1)).build();
    for (int i = 0; i < 4; i++) {
      EffectHandle<String, Void> slow = runtime.submit(APP.sleep(Duration.ofSeconds(2)).via(breaker.policy()));
      await().until(() -> time.pendingTimers() == 1);
      time.advance(Duration.ofSeconds(2));
      assertThat(slow.join().isSuccess()).isTrue();
    }
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.snapshot().slowCallRate()).isEqualTo(100f);
  }

  @Test
  void whichOutcomesCountIsConfigurable() {
    CircuitBreaker breaker = small().recordAsFailure(outcome -> outcome instanceof Outcome.Failure<?, ?>(var e)
        && e.equals("fatal")).build();
    for (int i = 0; i < 8; i++) {
      runtime.run(failing().via(breaker.policy()));
    }
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.snapshot().failedCalls()).isZero();
  }

  @Test
  void forcedOpenRefusesAndDisabledLetsEverythingThrough() {
    CircuitBreaker breaker = small().build();
    breaker.forceOpen();
    assertThat(Runtimes.rejectionOf(runtime.run(working().via(breaker.policy())))).isInstanceOf(CircuitOpen.class);
    breaker.disable();
    for (int i = 0; i < 10; i++) {
      runtime.run(failing().via(breaker.policy()));
    }
    assertThat(breaker.state()).isEqualTo(State.DISABLED);
    assertThat(runs).hasValue(10);
  }

  @Test
  void aListenerThatThrowsNeverBreaksTheEffect() {
    CircuitBreaker breaker = small().build();
    breaker.onEvent(event -> {
      throw new IllegalStateException("listener bug");
    });
    List<PolicyEvent> seen = new ArrayList<>();
    breaker.onEvent(seen::add);
    for (int i = 0; i < 4; i++) {
      assertThat(runtime.run(failing().via(breaker.policy()))).isEqualTo(Outcome.failure("down"));
    }
    assertThat(Runtimes.rejectionOf(runtime.run(working().via(breaker.policy())))).isInstanceOf(CircuitOpen.class);
    assertThat(seen).hasSize(2);
  }

  @Test
  void manyThreadsThroughAHalfOpenBreakerNeverExceedItsPermits() throws Exception {
    CircuitBreaker breaker = small().halfOpenPermits(3).build();
    for (int i = 0; i < 4; i++) {
      runtime.run(failing().via(breaker.policy()));
    }
    time.advance(Duration.ofSeconds(61)); // Resilience4j half-opens strictly after the wait
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger admitted = new AtomicInteger();
    ActionEffect<String, Integer> trial = APP.suspend(() -> {
      admitted.incrementAndGet();
      return Runtimes.gated(release, 1);
    });
    List<Thread> threads = new ArrayList<>();
    List<EffectHandle<String, Integer>> handles = new CopyOnWriteArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 25; i++) {
          handles.add(runtime.submit(trial.via(breaker.policy())));
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join(5_000);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> handles.stream().filter(h -> h.isDone()).count() == 197);
    release.countDown();
    long successes = handles.stream().filter(h -> h.join().isSuccess()).count();
    assertThat(admitted).hasValue(3);
    assertThat(successes).isEqualTo(3);
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void badConfigurationIsRejectedNamingTheField() {
    assertThatThrownBy(() -> CircuitBreaker.builder("b").failureRateThreshold(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failureRateThreshold");
    assertThatThrownBy(() -> CircuitBreaker.builder("b").countWindow(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("windowSize");
    assertThatThrownBy(() -> CircuitBreaker.builder("b").waitInOpenState(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("waitInOpenState");
    assertThatThrownBy(() -> CircuitBreaker.builder("b").waitInOpenState(Duration.ofNanos(999_999)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("waitInOpenState must be at least PT0.001S, was PT0.000999999S");
    assertThat(CircuitBreaker.builder("b").waitInOpenState(Duration.ofMillis(1)).build().state())
        .isEqualTo(State.CLOSED);
    // Durations a long of nanoseconds cannot hold were Resilience4j's ArithmeticException ("long overflow").
    Duration tooLong = Duration.ofSeconds(Long.MAX_VALUE);
    assertThatThrownBy(() -> CircuitBreaker.builder("b").waitInOpenState(tooLong).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("waitInOpenState must be at most");
    assertThatThrownBy(() -> CircuitBreaker.builder("b").slowCallRateThreshold(50, tooLong).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("slowCallDuration must be at most");
    assertThat(CircuitBreaker.builder("b").waitInOpenState(Duration.ofNanos(Long.MAX_VALUE)).build().state())
        .isEqualTo(State.CLOSED);
    assertThatThrownBy(() -> CircuitBreaker.builder("b").halfOpenPermits(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("halfOpenPermits");
    assertThatThrownBy(() -> CircuitBreaker.builder(" ").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
  }

  @Test
  void theRejectionIsAFaultNotADomainFailure() {
    CircuitBreaker breaker = small().build();
    breaker.forceOpen();
    Outcome<String, Integer> outcome = runtime.run(working().via(breaker.policy()));
    String seen = switch (outcome) {
      case Outcome.Success<String, Integer> s -> "ran";
      case Outcome.Failure<String, Integer> f -> "failed";
      case Outcome.Faulted<String, Integer>(Fault.Rejected(var reason, CircuitOpen open)) -> "open " + open.policyName();
      case Outcome.Faulted<String, Integer> f -> "other fault";
    };
    assertThat(seen).isEqualTo("open payments");
  }

  // ---- Pinned for issue 13: the classification itself, so that a mutant is caught at once.

  /** Failures, panics and timeouts count as failures; successes, cancellations and rejections do not. */
  @Test
  void theDefaultFailureClassification() {
    assertThat(CircuitBreaker.defaultFailure(Outcome.failure("x"))).isTrue();
    assertThat(CircuitBreaker.defaultFailure(Outcome.faulted(new Fault.Panic(new IllegalStateException())))).isTrue();
    assertThat(CircuitBreaker.defaultFailure(Outcome.faulted(new Fault.TimedOut(Duration.ofSeconds(1))))).isTrue();
    assertThat(CircuitBreaker.defaultFailure(Outcome.success(1))).isFalse();
    assertThat(CircuitBreaker.defaultFailure(Outcome.faulted(new Fault.Cancelled("gone")))).isFalse();
    assertThat(CircuitBreaker.defaultFailure(
        Outcome.faulted(Fault.Rejected.by(new RateLimited("r", Duration.ZERO))))).isFalse();
  }

  /** Cancellations and other policies' rejections are ignored; everything else is recorded. */
  @Test
  void theDefaultIgnoreClassification() {
    assertThat(CircuitBreaker.defaultIgnore(Outcome.faulted(new Fault.Cancelled("gone")))).isTrue();
    assertThat(CircuitBreaker.defaultIgnore(
        Outcome.faulted(Fault.Rejected.by(new RateLimited("r", Duration.ZERO))))).isTrue();
    assertThat(CircuitBreaker.defaultIgnore(Outcome.success(1))).isFalse();
    assertThat(CircuitBreaker.defaultIgnore(Outcome.failure("x"))).isFalse();
    assertThat(CircuitBreaker.defaultIgnore(Outcome.faulted(new Fault.TimedOut(Duration.ofSeconds(1))))).isFalse();
    assertThat(CircuitBreaker.defaultIgnore(Outcome.faulted(new Fault.Panic(new IllegalStateException())))).isFalse();
  }

  /** Opens {@code breaker} with four failed calls (the small window's minimum). */
  private void open(CircuitBreaker breaker) {
    for (int i = 0; i < 4; i++) {
      runtime.run(failing().via(breaker.policy()));
    }
    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  /** Failed calls that end by a panic or a timeout are counted: the window holds them as failures. */
  @Test
  void panicsAndTimeoutsAreRecordedAsFailuresAndRejectionsNotAtAll() {
    CircuitBreaker breaker = small().halfOpenPermits(1).build();
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
    CircuitBreaker breaker = small().halfOpenPermits(1).build();
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
    CircuitBreaker breaker = small().halfOpenPermits(1).ignore(outcome -> ignoreNext.getAndSet(0) == 1).build();
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
    CircuitBreaker breaker = small().halfOpenPermits(1).build();
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
    CircuitBreaker breaker = small().halfOpenPermits(1).build();
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

  /**
   * A call let through before a reset that fails after it reopens the breaker with no call of its
   * own in between: the retry-after counts from that reopening, not from the opening before the
   * reset.
   */
  @Test
  void aCallLetThroughBeforeAResetThatReopensTheBreakerCountsTheWaitFromTheReopening() {
    CircuitBreaker breaker = CircuitBreaker.builder("payments").countWindow(1).minimumCalls(1)
        .waitInOpenState(Duration.ofSeconds(60)).build();
    EffectHandle<String, Integer> inFlight = runtime.submit(
        APP.sleep(Duration.ofSeconds(30)).flatMap(ignored -> APP.<Integer>fail("down")).via(breaker.policy()));
    Runtimes.within2s("the first call is let through and sleeps", () -> time.pendingTimers() == 1);
    runtime.run(failing().via(breaker.policy())); // opens the breaker at 0 s
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    time.advance(Duration.ofSeconds(20));
    breaker.reset();

    time.advance(Duration.ofSeconds(10)); // the first call fails at 30 s and reopens the breaker

    assertThat(Runtimes.done(inFlight, "the call let through before the reset")).isEqualTo(Outcome.failure("down"));
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    time.advance(Duration.ofSeconds(5));
    assertThat(Runtimes.rejectionOf(runtime.run(working().via(breaker.policy()))))
        .isEqualTo(new CircuitOpen("payments", State.OPEN, Duration.ofSeconds(55)));
  }

  /**
   * A call refused while the call that opened the breaker is still publishing the transition (a
   * listener runs on that call's thread before it is done) is told the whole wait: the opening
   * counts from then, not from the start of the breaker's time.
   */
  @Test
  void aCallRefusedWhileTheOpeningIsStillBeingPublishedIsToldTheWholeWait() {
    CircuitBreaker breaker = small().halfOpenPermits(1).build();
    runtime.run(working().via(breaker.policy())); // the breaker's time starts here
    time.advance(Duration.ofSeconds(10));
    List<Outcome<String, Integer>> refusedMeanwhile = new CopyOnWriteArrayList<>();
    breaker.onEvent(event -> {
      if (event instanceof PolicyEvent.CircuitStateChanged changed && changed.to() == State.OPEN) {
        refusedMeanwhile.add(Runtimes.done(runtime.submit(working().via(breaker.policy())), "a call during the opening"));
      }
    });

    open(breaker);

    assertThat(refusedMeanwhile).singleElement().satisfies(refused -> assertThat(Runtimes.rejectionOf(refused))
        .isEqualTo(new CircuitOpen("payments", State.OPEN, Duration.ofSeconds(60))));
    time.advance(Duration.ofSeconds(15));
    assertThat(Runtimes.rejectionOf(runtime.run(working().via(breaker.policy()))).retryAfter())
        .contains(Duration.ofSeconds(45));
  }
}
