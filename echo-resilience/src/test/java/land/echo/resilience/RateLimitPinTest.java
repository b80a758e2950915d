package land.echo.resilience;

import static land.echo.resilience.Runtimes.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pins the rate limit's refill arithmetic, its max-wait bound, the hand-over of refilled tokens to
 * waiters and its events, on virtual time (issue 13). Every wait below is for something the
 * unmutated limit does at once, bounded at 2 s, so that a waiter never woken fails by assertion.
 */
@Timeout(30)
class RateLimitPinTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = Runtimes.onVirtualTime(time);

  @AfterEach
  void stop() {
    Runtimes.stop(runtime);
  }

  private static void within2s(String what, BooleanSupplier condition) {
    await(what).atMost(Duration.ofSeconds(2)).until(condition::getAsBoolean);
  }

  private static <T> Outcome<String, T> done(EffectHandle<String, T> handle, String what) {
    try {
      return handle.outcome().get(2, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return fail(what + " did not end within 2 s: a waiter was never woken");
    } catch (InterruptedException | ExecutionException e) {
      return fail(what + " failed to be awaited", e);
    }
  }

  /** Fail mode: the bucket's tokens pass, the next call is refused, counted and published. */
  @Test
  void failModeRefusesCountsAndPublishes() {
    RateLimit limit = RateLimit.builder("api").capacity(2).refillGreedy(2, Duration.ofSeconds(1))
        .onLimit(RateLimit.OnLimit.FAIL).build();
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    limit.onEvent(events::add);
    assertThat(done(runtime.submit(APP.succeed(1).via(limit.policy())), "a call")).isEqualTo(Outcome.success(1));
    assertThat(done(runtime.submit(APP.succeed(2).via(limit.policy())), "a call")).isEqualTo(Outcome.success(2));

    Outcome<String, Integer> refused = done(runtime.submit(APP.succeed(3).via(limit.policy())), "a call");

    RateLimited limited = new RateLimited("api", Duration.ofMillis(500));
    assertThat(Runtimes.rejectionOf(refused)).isEqualTo(limited);
    assertThat(events).containsExactly(new PolicyEvent.CallRejected("api", limited));
    assertThat(limit.snapshot()).isEqualTo(new RateLimit.Snapshot(0, 0, 1, 0));
  }

  /** A waiter gets the token refilled after its share of the period, and publishes the wait. */
  @Test
  void aWaiterGetsTheNextTokenAndPublishesHowLongItWaited() {
    RateLimit limit = RateLimit.builder("api").capacity(1).refillGreedy(1, Duration.ofSeconds(1)).build();
    assertThat(done(runtime.submit(APP.succeed(0).via(limit.policy())), "a call").isSuccess()).isTrue(); // the policy's time starts here
    time.advance(Duration.ofSeconds(5)); // the bucket is full again
    assertThat(done(runtime.submit(APP.succeed(1).via(limit.policy())), "a call").isSuccess()).isTrue();
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    limit.onEvent(events::add);
    EffectHandle<String, Integer> waiter = runtime.submit(APP.succeed(2).via(limit.policy()), Priority.HIGH);
    within2s("the call waits, a wake-up armed", () -> limit.snapshot().waiting() == 1 && time.pendingTimers() == 1);

    time.advance(Duration.ofMillis(999));
    assertThat(waiter.isDone()).isFalse();
    time.advance(Duration.ofMillis(1));

    assertThat(done(waiter, "the waiter")).isEqualTo(Outcome.success(2));
    assertThat(events).containsExactly(new PolicyEvent.PermitWaited("api", Priority.HIGH, Duration.ofSeconds(1)));
    assertThat(limit.snapshot()).isEqualTo(new RateLimit.Snapshot(0, 0, 0, 1));
  }

  /** An interval refill hands all its tokens out at once, to the waiters in priority order. */
  @Test
  void oneRefillServesSeveralWaitersInPriorityOrder() {
    RateLimit limit = RateLimit.builder("api").capacity(3).refillIntervally(2, Duration.ofSeconds(1)).build();
    for (int i = 0; i < 3; i++) {
      done(runtime.submit(APP.succeed(i).via(limit.policy())), "a call");
    }
    List<String> order = new CopyOnWriteArrayList<>();
    List<EffectHandle<String, String>> calls = new ArrayList<>();
    Priority[] priorities = {Priority.LOW, Priority.NORMAL, Priority.HIGH};
    for (Priority priority : priorities) {
      calls.add(runtime.submit(APP.suspend(() -> {
        order.add(priority.name());
        return APP.succeed(priority.name());
      }).via(limit.policy()), priority));
      within2s(priority + " waits", () -> limit.snapshot().waiting() == calls.size());
    }

    time.advance(Duration.ofSeconds(1)); // two tokens: HIGH and NORMAL get them, LOW waits on

    assertThat(done(calls.get(2), "the HIGH call")).isEqualTo(Outcome.success("HIGH"));
    assertThat(done(calls.get(1), "the NORMAL call")).isEqualTo(Outcome.success("NORMAL"));
    within2s("a wake-up is armed for the LOW call", () -> time.pendingTimers() == 1);
    assertThat(calls.get(0).isDone()).isFalse();
    assertThat(limit.snapshot().waiting()).isEqualTo(1);
    time.advance(Duration.ofSeconds(1));
    assertThat(done(calls.get(0), "the LOW call")).isEqualTo(Outcome.success("LOW"));
    assertThat(order).containsExactlyInAnyOrder("HIGH", "NORMAL", "LOW");
    assertThat(order.get(2)).isEqualTo("LOW");
    assertThat(limit.snapshot()).isEqualTo(new RateLimit.Snapshot(1, 0, 0, 3));
  }

  /** A wait exactly as long as maxWait is accepted; one longer, counting the calls queued ahead, is refused. */
  @Test
  void maxWaitAcceptsAnExactWaitAndCountsTheCallsAhead() {
    RateLimit limit = RateLimit.builder("api").capacity(2).refillGreedy(2, Duration.ofSeconds(1))
        .maxWait(Duration.ofSeconds(1)).build();
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    limit.onEvent(events::add);
    done(runtime.submit(APP.succeed(0).via(limit.policy())), "a call");
    done(runtime.submit(APP.succeed(0).via(limit.policy())), "a call");
    EffectHandle<String, Integer> first = runtime.submit(APP.succeed(1).via(limit.policy()));
    within2s("a 500 ms wait is accepted", () -> limit.snapshot().waiting() == 1 || first.isDone());
    EffectHandle<String, Integer> second = runtime.submit(APP.succeed(2).via(limit.policy()));
    within2s("a 1 s wait (one call ahead) is accepted", () -> limit.snapshot().waiting() == 2 || second.isDone());
    assertThat(second.isDone()).as("refused a wait of exactly maxWait").isFalse();

    // Two calls ahead: this one would wait 1.5 s.
    Outcome<String, Integer> third = done(runtime.submit(APP.succeed(3).via(limit.policy())), "the refusal");

    RateLimited limited = new RateLimited("api", Duration.ofMillis(500));
    assertThat(Runtimes.rejectionOf(third)).isEqualTo(limited);
    assertThat(events).containsExactly(new PolicyEvent.CallRejected("api", limited));
    assertThat(limit.snapshot().rejected()).isEqualTo(1);
    within2s("a wake-up is armed", () -> time.pendingTimers() == 1);
    time.advance(Duration.ofMillis(500));
    assertThat(done(first, "the first waiter")).isEqualTo(Outcome.success(1));
    within2s("the next wake-up is armed", () -> time.pendingTimers() == 1);
    assertThat(second.isDone()).isFalse();
    time.advance(Duration.ofMillis(500));
    assertThat(done(second, "the second waiter")).isEqualTo(Outcome.success(2));
  }

  /** A zero maxWait never lets a call wait. */
  @Test
  void aZeroMaxWaitRefusesEveryWait() {
    RateLimit limit = RateLimit.builder("api").capacity(1).refillGreedy(1, Duration.ofSeconds(1))
        .maxWait(Duration.ZERO).build();
    done(runtime.submit(APP.succeed(0).via(limit.policy())), "a call");
    Outcome<String, Integer> refused = done(runtime.submit(APP.succeed(1).via(limit.policy())), "the refusal");
    assertThat(Runtimes.rejectionOf(refused)).isEqualTo(new RateLimited("api", Duration.ofSeconds(1)));
    assertThat(limit.snapshot()).isEqualTo(new RateLimit.Snapshot(0, 0, 1, 0));
  }

  /** A cancelled waiter leaves the queue and its token goes to the next one. */
  @Test
  void aCancelledWaiterLeavesAndTheNextGetsTheToken() {
    RateLimit limit = RateLimit.builder("api").capacity(1).refillIntervally(1, Duration.ofSeconds(1)).build();
    done(runtime.submit(APP.succeed(0).via(limit.policy())), "a call");
    EffectHandle<String, Integer> first = runtime.submit(APP.succeed(1).via(limit.policy()), Priority.HIGH);
    within2s("the first call waits", () -> limit.snapshot().waiting() == 1);
    EffectHandle<String, Integer> second = runtime.submit(APP.succeed(2).via(limit.policy()), Priority.LOW);
    within2s("the second call waits", () -> limit.snapshot().waiting() == 2);

    first.cancel();

    assertThat(done(first, "the cancelled waiter")).isInstanceOf(Outcome.Faulted.class);
    within2s("the cancelled waiter leaves the queue", () -> limit.snapshot().waiting() == 1);
    time.advance(Duration.ofSeconds(1));
    assertThat(done(second, "the second waiter")).isEqualTo(Outcome.success(2));
    assertThat(limit.snapshot()).isEqualTo(new RateLimit.Snapshot(0, 0, 0, 1));
  }
}
