package land.echo.resilience;

import static land.echo.resilience.Runtimes.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RateLimitTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = Runtimes.onVirtualTime(time);

  @AfterEach
  void stop() {
    Runtimes.stop(runtime);
  }

  private RateLimit.Builder perSecond(long permits) {
    return RateLimit.builder("api").capacity(permits).refillGreedy(permits, Duration.ofSeconds(1));
  }

  @Test
  void failModeRefusesAtOnceWithTheRetryAfterTheBucketComputes() {
    RateLimit limit = perSecond(2).onLimit(RateLimit.OnLimit.FAIL).build();
    AtomicInteger runs = new AtomicInteger();
    ActionEffect<String, Integer> call = APP.suspend(() -> APP.succeed(runs.incrementAndGet()));
    assertThat(runtime.run(call.via(limit.policy())).isSuccess()).isTrue();
    assertThat(runtime.run(call.via(limit.policy())).isSuccess()).isTrue();

    Outcome<String, Integer> refused = runtime.run(call.via(limit.policy()));

    assertThat(Runtimes.rejectionOf(refused)).isEqualTo(new RateLimited("api", Duration.ofMillis(500)));
    assertThat(runs).hasValue(2);
    assertThat(limit.snapshot().rejected()).isEqualTo(1);
    time.advance(Duration.ofMillis(500));
    assertThat(runtime.run(call.via(limit.policy())).isSuccess()).isTrue();
  }

  @Test
  void intervalRefillAddsAllTokensAtTheEndOfThePeriod() {
    RateLimit limit = RateLimit.builder("api").capacity(3).refillIntervally(3, Duration.ofSeconds(1))
        .onLimit(RateLimit.OnLimit.FAIL).build();
    for (int i = 0; i < 3; i++) {
      runtime.run(APP.succeed(1).via(limit.policy()));
    }
    time.advance(Duration.ofMillis(999));
    assertThat(limit.snapshot().availableTokens()).isZero();
    time.advance(Duration.ofMillis(1));
    assertThat(limit.snapshot().availableTokens()).isEqualTo(3);
  }

  @Test
  void waitModeWaitsOnVirtualTimeForTheNextToken() {
    RateLimit limit = perSecond(1).build();
    runtime.run(APP.succeed(1).via(limit.policy()));
    EffectHandle<String, Integer> waiting = runtime.submit(APP.succeed(2).via(limit.policy()));
    Runtimes.within2s("the call waits for a token", () -> limit.snapshot().waiting() == 1 && time.pendingTimers() == 1);
    assertThat(waiting.isDone()).isFalse();
    time.advance(Duration.ofSeconds(1));
    assertThat(Runtimes.done(waiting, "the waiting call")).isEqualTo(Outcome.success(2));
    assertThat(limit.snapshot().waited()).isEqualTo(1);
  }

  @Test
  void aWaitingHighCallGetsTheNextTokenBeforeAWaitingLowOne() {
    RateLimit limit = RateLimit.builder("api").capacity(1).refillIntervally(1, Duration.ofSeconds(1))
        .build();
    runtime.run(APP.succeed(0).via(limit.policy()));
    EffectHandle<String, String> low = runtime.submit(APP.succeed("low").via(limit.policy()), Priority.LOW);
    Runtimes.within2s("the LOW call waits", () -> limit.snapshot().waiting() == 1);
    EffectHandle<String, String> high = runtime.submit(APP.succeed("high").via(limit.policy()), Priority.HIGH);
    Runtimes.within2s("the HIGH call waits", () -> limit.snapshot().waiting() == 2);

    time.advance(Duration.ofSeconds(1));

    assertThat(Runtimes.done(high, "the HIGH call")).isEqualTo(Outcome.success("high"));
    assertThat(low.isDone()).isFalse();
    Runtimes.within2s("a wake-up is armed for the LOW call", () -> time.pendingTimers() == 1);
    time.advance(Duration.ofSeconds(1));
    assertThat(Runtimes.done(low, "the LOW call")).isEqualTo(Outcome.success("low"));
  }

  @Test
  void aCancelledWaiterLeavesTheQueueAndTheTokenGoesToTheNext() {
    RateLimit limit = RateLimit.builder("api").capacity(1).refillIntervally(1, Duration.ofSeconds(1))
        .build();
    runtime.run(APP.succeed(0).via(limit.policy()));
    EffectHandle<String, String> first = runtime.submit(APP.succeed("first").via(limit.policy()), Priority.HIGH);
    Runtimes.within2s("the first call waits", () -> limit.snapshot().waiting() == 1);
    EffectHandle<String, String> second = runtime.submit(APP.succeed("second").via(limit.policy()), Priority.LOW);
    Runtimes.within2s("the second call waits", () -> limit.snapshot().waiting() == 2);

    first.cancel();

    Runtimes.within2s("the cancelled call leaves the queue", () -> limit.snapshot().waiting() == 1);
    assertThat(Runtimes.done(first, "the cancelled call")).isInstanceOf(Outcome.Faulted.class);
    time.advance(Duration.ofSeconds(1));
    assertThat(Runtimes.done(second, "the second call")).isEqualTo(Outcome.success("second"));
  }

  @Test
  void aWaitLongerThanMaxWaitIsRefusedAtOnce() {
    RateLimit limit = perSecond(1).maxWait(Duration.ofMillis(500)).build();
    runtime.run(APP.succeed(0).via(limit.policy()));
    Outcome<String, Integer> refused = Runtimes.done(runtime.submit(APP.succeed(1).via(limit.policy())), "the refusal");
    assertThat(Runtimes.rejectionOf(refused)).isInstanceOf(RateLimited.class);
    assertThat(Runtimes.rejectionOf(refused).retryAfter()).contains(Duration.ofSeconds(1));
  }

  @Test
  void manyThreadsThroughOneBucketNeverTakeMoreThanItsTokens() throws Exception {
    RateLimit limit = RateLimit.builder("api").capacity(100).refillIntervally(100, Duration.ofHours(1))
        .onLimit(RateLimit.OnLimit.FAIL).build();
    AtomicInteger ran = new AtomicInteger();
    ActionEffect<String, Integer> call = APP.suspend(() -> APP.succeed(ran.incrementAndGet()));
    List<EffectHandle<String, Integer>> handles = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 50; i++) {
          handles.add(runtime.submit(call.via(limit.policy())));
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join(5_000);
    }
    long ok = handles.stream().filter(h -> Runtimes.done(h, "a call").isSuccess()).count();
    assertThat(handles).hasSize(400);
    assertThat(ok).isEqualTo(100);
    assertThat(ran).hasValue(100);
    assertThat(limit.snapshot().rejected()).isEqualTo(300);
  }

  @Test
  void waitingCallsFromManyThreadsAreAdmittedAtTheRefillRate() {
    RateLimit limit = RateLimit.builder("api").capacity(5).refillIntervally(5, Duration.ofSeconds(1))
        .build();
    AtomicInteger ran = new AtomicInteger();
    ActionEffect<String, Integer> call = APP.suspend(() -> APP.succeed(ran.incrementAndGet()));
    List<EffectHandle<String, Integer>> handles = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      handles.add(runtime.submit(call.via(limit.policy()), Priority.values()[i % 3]));
    }
    Runtimes.within2s("15 calls wait", () -> limit.snapshot().waiting() == 15);
    Runtimes.within2s("5 calls run", () -> ran.get() == 5);
    for (int second = 1; second <= 3; second++) {
      time.advance(Duration.ofSeconds(1));
      int expected = 5 + 5 * second;
      Runtimes.within2s(expected + " calls run", () -> ran.get() == expected);
      assertThat(ran.get()).isEqualTo(expected);
    }
    assertThat(handles).allSatisfy(h -> assertThat(Runtimes.done(h, "a call").isSuccess()).isTrue());
  }

  @Test
  void badConfigurationIsRejectedNamingTheField() {
    assertThatThrownBy(() -> RateLimit.builder("r").capacity(0).refillGreedy(1, Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
    assertThatThrownBy(() -> RateLimit.builder("r").capacity(1).refillGreedy(0, Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refillTokens");
    assertThatThrownBy(() -> RateLimit.builder("r").capacity(1).refillGreedy(1, Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refillPeriod");
    // A period a long of nanoseconds cannot hold was Bucket4j's ArithmeticException ("long overflow").
    Duration tooLong = Duration.ofSeconds(Long.MAX_VALUE);
    assertThatThrownBy(() -> RateLimit.builder("r").capacity(1).refillGreedy(1, tooLong).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("refillPeriod must be at most");
    assertThatThrownBy(() -> RateLimit.builder("r").capacity(1).refillIntervally(1, tooLong).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("refillPeriod must be at most");
    assertThatThrownBy(() -> perSecond(1).maxWait(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWait");
  }

  // ---- Pinned for issue 13: refill arithmetic, maxWait and hand-over on virtual time. Every wait
  // below is bounded at 2 s, so that a waiter never woken fails by assertion instead of hanging.

  /** Fail mode: the bucket's tokens pass, the next call is refused, counted and published. */
  @Test
  void failModeRefusesCountsAndPublishes() {
    RateLimit limit = RateLimit.builder("api").capacity(2).refillGreedy(2, Duration.ofSeconds(1))
        .onLimit(RateLimit.OnLimit.FAIL).build();
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    limit.onEvent(events::add);
    assertThat(Runtimes.done(runtime.submit(APP.succeed(1).via(limit.policy())), "a call")).isEqualTo(Outcome.success(1));
    assertThat(Runtimes.done(runtime.submit(APP.succeed(2).via(limit.policy())), "a call")).isEqualTo(Outcome.success(2));

    Outcome<String, Integer> refused = Runtimes.done(runtime.submit(APP.succeed(3).via(limit.policy())), "a call");

    RateLimited limited = new RateLimited("api", Duration.ofMillis(500));
    assertThat(Runtimes.rejectionOf(refused)).isEqualTo(limited);
    assertThat(events).containsExactly(new PolicyEvent.CallRejected("api", limited));
    assertThat(limit.snapshot()).isEqualTo(new RateLimit.Snapshot(0, 0, 1, 0));
  }

  /** A waiter gets the token refilled after its share of the period, and publishes the wait. */
  @Test
  void aWaiterGetsTheNextTokenAndPublishesHowLongItWaited() {
    RateLimit limit = RateLimit.builder("api").capacity(1).refillGreedy(1, Duration.ofSeconds(1)).build();
    assertThat(Runtimes.done(runtime.submit(APP.succeed(0).via(limit.policy())), "a call").isSuccess()).isTrue(); // the policy's time starts here
    time.advance(Duration.ofSeconds(5)); // the bucket is full again
    assertThat(Runtimes.done(runtime.submit(APP.succeed(1).via(limit.policy())), "a call").isSuccess()).isTrue();
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    limit.onEvent(events::add);
    EffectHandle<String, Integer> waiter = runtime.submit(APP.succeed(2).via(limit.policy()), Priority.HIGH);
    Runtimes.within2s("the call waits, a wake-up armed", () -> limit.snapshot().waiting() == 1 && time.pendingTimers() == 1);

    time.advance(Duration.ofMillis(999));
    assertThat(waiter.isDone()).isFalse();
    time.advance(Duration.ofMillis(1));

    assertThat(Runtimes.done(waiter, "the waiter")).isEqualTo(Outcome.success(2));
    assertThat(events).containsExactly(new PolicyEvent.PermitWaited("api", Priority.HIGH, Duration.ofSeconds(1)));
    assertThat(limit.snapshot()).isEqualTo(new RateLimit.Snapshot(0, 0, 0, 1));
  }

  /** An interval refill hands all its tokens out at once, to the waiters in priority order. */
  @Test
  void oneRefillServesSeveralWaitersInPriorityOrder() {
    RateLimit limit = RateLimit.builder("api").capacity(3).refillIntervally(2, Duration.ofSeconds(1)).build();
    for (int i = 0; i < 3; i++) {
      Runtimes.done(runtime.submit(APP.succeed(i).via(limit.policy())), "a call");
    }
    List<String> order = new CopyOnWriteArrayList<>();
    List<EffectHandle<String, String>> calls = new ArrayList<>();
    Priority[] priorities = {Priority.LOW, Priority.NORMAL, Priority.HIGH};
    for (Priority priority : priorities) {
      calls.add(runtime.submit(APP.suspend(() -> {
        order.add(priority.name());
        return APP.succeed(priority.name());
      }).via(limit.policy()), priority));
      Runtimes.within2s(priority + " waits", () -> limit.snapshot().waiting() == calls.size());
    }

    time.advance(Duration.ofSeconds(1)); // two tokens: HIGH and NORMAL get them, LOW waits on

    assertThat(Runtimes.done(calls.get(2), "the HIGH call")).isEqualTo(Outcome.success("HIGH"));
    assertThat(Runtimes.done(calls.get(1), "the NORMAL call")).isEqualTo(Outcome.success("NORMAL"));
    Runtimes.within2s("a wake-up is armed for the LOW call", () -> time.pendingTimers() == 1);
    assertThat(calls.get(0).isDone()).isFalse();
    assertThat(limit.snapshot().waiting()).isEqualTo(1);
    time.advance(Duration.ofSeconds(1));
    assertThat(Runtimes.done(calls.get(0), "the LOW call")).isEqualTo(Outcome.success("LOW"));
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
    Runtimes.done(runtime.submit(APP.succeed(0).via(limit.policy())), "a call");
    Runtimes.done(runtime.submit(APP.succeed(0).via(limit.policy())), "a call");
    EffectHandle<String, Integer> first = runtime.submit(APP.succeed(1).via(limit.policy()));
    Runtimes.within2s("a 500 ms wait is accepted", () -> limit.snapshot().waiting() == 1 || first.isDone());
    EffectHandle<String, Integer> second = runtime.submit(APP.succeed(2).via(limit.policy()));
    Runtimes.within2s("a 1 s wait (one call ahead) is accepted", () -> limit.snapshot().waiting() == 2 || second.isDone());
    assertThat(second.isDone()).as("refused a wait of exactly maxWait").isFalse();

    // Two calls ahead: this one would wait 1.5 s.
    Outcome<String, Integer> third = Runtimes.done(runtime.submit(APP.succeed(3).via(limit.policy())), "the refusal");

    RateLimited limited = new RateLimited("api", Duration.ofMillis(500));
    assertThat(Runtimes.rejectionOf(third)).isEqualTo(limited);
    assertThat(events).containsExactly(new PolicyEvent.CallRejected("api", limited));
    assertThat(limit.snapshot().rejected()).isEqualTo(1);
    Runtimes.within2s("a wake-up is armed", () -> time.pendingTimers() == 1);
    time.advance(Duration.ofMillis(500));
    assertThat(Runtimes.done(first, "the first waiter")).isEqualTo(Outcome.success(1));
    Runtimes.within2s("the next wake-up is armed", () -> time.pendingTimers() == 1);
    assertThat(second.isDone()).isFalse();
    time.advance(Duration.ofMillis(500));
    assertThat(Runtimes.done(second, "the second waiter")).isEqualTo(Outcome.success(2));
  }

  /** A zero maxWait never lets a call wait. */
  @Test
  void aZeroMaxWaitRefusesEveryWait() {
    RateLimit limit = RateLimit.builder("api").capacity(1).refillGreedy(1, Duration.ofSeconds(1))
        .maxWait(Duration.ZERO).build();
    Runtimes.done(runtime.submit(APP.succeed(0).via(limit.policy())), "a call");
    Outcome<String, Integer> refused = Runtimes.done(runtime.submit(APP.succeed(1).via(limit.policy())), "the refusal");
    assertThat(Runtimes.rejectionOf(refused)).isEqualTo(new RateLimited("api", Duration.ofSeconds(1)));
    assertThat(limit.snapshot()).isEqualTo(new RateLimit.Snapshot(0, 0, 1, 0));
  }

  /** Spends {@code limit}'s one token, then queues a HIGH call and a LOW one; returns them in that order. */
  private List<EffectHandle<String, Integer>> twoWaiters(RateLimit limit) {
    Runtimes.done(runtime.submit(APP.succeed(0).via(limit.policy())), "a call");
    EffectHandle<String, Integer> first = runtime.submit(APP.succeed(1).via(limit.policy()), Priority.HIGH);
    Runtimes.within2s("the first call waits", () -> limit.snapshot().waiting() == 1);
    EffectHandle<String, Integer> second = runtime.submit(APP.succeed(2).via(limit.policy()), Priority.LOW);
    Runtimes.within2s("the second call waits", () -> limit.snapshot().waiting() == 2);
    return List.of(first, second);
  }

  /** A cancelled waiter leaves the queue and its token goes to the next one. */
  @Test
  void aCancelledWaiterLeavesAndTheNextGetsTheToken() {
    RateLimit limit = RateLimit.builder("api").capacity(1).refillIntervally(1, Duration.ofSeconds(1)).build();
    List<EffectHandle<String, Integer>> waiters = twoWaiters(limit);
    EffectHandle<String, Integer> first = waiters.get(0);
    EffectHandle<String, Integer> second = waiters.get(1);

    first.cancel();

    assertThat(Runtimes.done(first, "the cancelled waiter")).isInstanceOf(Outcome.Faulted.class);
    Runtimes.within2s("the cancelled waiter leaves the queue", () -> limit.snapshot().waiting() == 1);
    time.advance(Duration.ofSeconds(1));
    assertThat(Runtimes.done(second, "the second waiter")).isEqualTo(Outcome.success(2));
    assertThat(limit.snapshot()).isEqualTo(new RateLimit.Snapshot(0, 0, 0, 1));
  }

  /**
   * A waiter cancelled at the very moment it is given a token (forced: the call is cancelled, and
   * its queue entry withdrawn, after the token is taken for it and before it is told) gives the
   * token back, and the next waiter gets it at once, before the next refill.
   */
  @Test
  void aWaiterCancelledAtTheMomentItIsGrantedGivesTheTokenToTheNext() {
    RateLimit limit = RateLimit.builder("api").capacity(1).refillIntervally(1, Duration.ofSeconds(1)).build();
    List<EffectHandle<String, Integer>> waiters = twoWaiters(limit);
    EffectHandle<String, Integer> first = waiters.get(0);
    EffectHandle<String, Integer> second = waiters.get(1);
    List<Priority> told = new CopyOnWriteArrayList<>();
    limit.beforeTelling = waiter -> {
      told.add(waiter.priority);
      if (told.size() == 1) {
        first.cancel();
        // Its queue entry is withdrawn (by its finalizer) before it is told: the grant must fail.
        Runtimes.within2s("the first waiter's cancellation reaches its queue entry", waiter::isDone);
      }
    };

    time.advance(Duration.ofSeconds(1)); // one token

    assertThat(Runtimes.done(first, "the cancelled waiter")).isInstanceOf(Outcome.Faulted.class);
    assertThat(Runtimes.done(second, "the next waiter")).isEqualTo(Outcome.success(2));
    assertThat(told).containsExactly(Priority.HIGH, Priority.LOW);
    assertThat(limit.snapshot()).isEqualTo(new RateLimit.Snapshot(0, 0, 0, 1));
  }

  /** With a clock and a timer given to its builder, a waiter is woken on that timer, not the runtime's. */
  @Test
  void aClockAndTimerGivenToTheBuilderWakeTheWaiters() {
    VirtualTime own = new VirtualTime();
    RateLimit limit = RateLimit.builder("api").capacity(1).refillIntervally(1, Duration.ofSeconds(1))
        .clock(own).timer(own).build();
    Runtimes.done(runtime.submit(APP.succeed(0).via(limit.policy())), "a call");
    EffectHandle<String, Integer> waiter = runtime.submit(APP.succeed(1).via(limit.policy()));
    Runtimes.within2s("the call waits", () -> limit.snapshot().waiting() == 1 && own.pendingTimers() == 1);
    time.advance(Duration.ofSeconds(5)); // the runtime's clock and timer: the limit reads neither
    assertThat(waiter.isDone()).isFalse();
    assertThat(time.pendingTimers()).isZero();

    own.advance(Duration.ofSeconds(1));

    assertThat(Runtimes.done(waiter, "the waiter")).isEqualTo(Outcome.success(1));
    assertThat(limit.snapshot()).isEqualTo(new RateLimit.Snapshot(0, 0, 0, 1));
  }
}
