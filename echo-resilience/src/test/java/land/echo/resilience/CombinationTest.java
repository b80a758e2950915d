package land.echo.resilience;

import static land.echo.resilience.Runtimes.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.RetryPolicy;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Policies combined in the documented order (README, "Composition order"). */
class CombinationTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = Runtimes.onVirtualTime(time);
  private final AtomicInteger calls = new AtomicInteger();

  @AfterEach
  void stop() {
    Runtimes.stop(runtime);
  }

  private ActionEffect<String, String> alwaysFailing() {
    return APP.suspend(() -> {
      calls.incrementAndGet();
      return APP.<String>fail("down");
    });
  }

  /** Advances virtual time until {@code handle} is done, one pending timer at a time. */
  private <T> Outcome<String, T> drive(EffectHandle<String, T> handle) {
    while (!handle.isDone()) {
      await().until(() -> handle.isDone() || time.pendingTimers() > 0);
      time.nextDelay().ifPresent(time::advance);
    }
    return handle.join();
  }

  @Test
  void aRetryAroundABreakerStopsCallingTheServiceOnceTheBreakerOpens() {
    CircuitBreaker breaker = CircuitBreaker.builder("svc").countWindow(3).minimumCalls(3).build();
    RetryPolicy retry = RetryPolicy.builder().maxRetries(10).initialDelay(Duration.ofMillis(10)).multiplier(1).build();

    Outcome<String, String> outcome = drive(runtime.submit(alwaysFailing().via(breaker.policy()).retry(retry)));

    assertThat(calls).hasValue(3);
    assertThat(Runtimes.rejectionOf(outcome)).isInstanceOf(CircuitOpen.class);
    assertThat(breaker.snapshot().notPermittedCalls()).isEqualTo(8);
  }

  @Test
  void aRetryCanGiveUpOnCircuitOpenAtOnce() {
    CircuitBreaker breaker = CircuitBreaker.builder("svc").countWindow(3).minimumCalls(3).build();
    RetryPolicy retry = RetryPolicy.builder().maxRetries(10).initialDelay(Duration.ofMillis(10)).multiplier(1)
        .retryOn(outcome -> !(Runtimes.rejectionOf(outcome) instanceof CircuitOpen)).build();
    drive(runtime.submit(alwaysFailing().via(breaker.policy()).retry(retry)));
    assertThat(breaker.snapshot().notPermittedCalls()).isEqualTo(1);
  }

  @Test
  void aTimeoutInsideARetryBoundsEachAttemptAndTheBreakerCountsTheTimeouts() {
    CircuitBreaker breaker = CircuitBreaker.builder("svc").countWindow(10).minimumCalls(10).build();
    RetryPolicy retry = RetryPolicy.builder().maxRetries(2).initialDelay(Duration.ofMillis(10)).multiplier(1).build();
    List<Outcome<String, String>> attempts = new CopyOnWriteArrayList<>();
    ActionEffect<String, String> slow = APP.<String>suspend(() -> {
      calls.incrementAndGet();
      return APP.never();
    }).onExit(attempts::add);

    Outcome<String, String> outcome = drive(runtime.submit(
        slow.timeout(Duration.ofMillis(100)).via(breaker.policy()).retry(retry)));

    assertThat(outcome).isEqualTo(Outcome.faulted(new Fault.TimedOut(Duration.ofMillis(100))));
    assertThat(calls).hasValue(3);
    // The caller is answered at the last timeout, before that attempt has unwound: its onExit and
    // the breaker's record of it may come a moment later, on the thread that cancels it.
    await().untilAsserted(() -> {
      assertThat(attempts).hasSize(3).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Faulted.class));
      assertThat(breaker.snapshot().failedCalls()).isEqualTo(3);
    });
    assertThat(time.nanoTime()).isEqualTo(Duration.ofMillis(320).toNanos());
  }

  @Test
  void aCacheAroundEverythingAnswersRepeatedCallsWithoutTouchingTheInnerPolicies() {
    CircuitBreaker breaker = CircuitBreaker.builder("svc").build();
    RateLimit limit = RateLimit.builder("svc").capacity(1).refillIntervally(1, Duration.ofHours(1))
        .onLimit(RateLimit.OnLimit.FAIL).build();
    Bulkhead bulkhead = Bulkhead.builder("svc").maxConcurrent(1).maxQueued(0).build();
    ResultCache cache = ResultCache.builder("svc", runtime).build();
    RetryPolicy retry = RetryPolicy.of(2, Duration.ofMillis(10));
    ActionEffect<String, String> call = APP.suspend(() -> APP.succeed("v" + calls.incrementAndGet())).named("svc.get");

    ActionEffect<String, String> guarded = call
        .timeout(Duration.ofSeconds(1))
        .via(bulkhead.policy())
        .via(limit.policy())
        .via(breaker.policy())
        .retry(retry)
        .via(cache.keyed("id-1"));

    for (int i = 0; i < 5; i++) {
      assertThat(drive(runtime.submit(guarded))).isEqualTo(Outcome.success("v1"));
    }
    assertThat(calls).hasValue(1);
    assertThat(limit.snapshot().rejected()).isZero();
    assertThat(breaker.snapshot().bufferedCalls()).isEqualTo(1);
    assertThat(cache.snapshot().hits()).isEqualTo(4);
  }
}
