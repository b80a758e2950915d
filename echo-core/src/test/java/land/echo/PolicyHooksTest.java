package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import land.echo.time.Clock;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code via}/{@link Policy}, {@code clock}, {@code firstSuccess} and {@code never}, on virtual time. */
@Timeout(30)
class PolicyHooksTest {
  private static final Duration HALF_SECOND = Duration.ofMillis(500);
  private static final Effects<String> APP = Effects.failingWith(String.class);

  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = TestRuntimes.onVirtualTime(time);

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  /** A policy as a generic method: falls back to the error "too slow" after half a second. */
  static <T> ActionEffect<String, T> budget(ActionEffect<String, T> effect) {
    return effect.timeoutTo(HALF_SECOND, APP.fail("too slow"));
  }

  /** A policy that records when the effects it guards end, under a label. */
  static Policy<String> recording(String label, List<String> log) {
    return new Policy<>() {
      @Override
      public <T> ActionEffect<String, T> apply(ActionEffect<String, T> effect) {
        return effect.onExit(outcome -> log.add(label));
      }
    };
  }

  /** An adaptive policy's building block: measures each run's latency on the runtime's clock. */
  static Policy<String> measuring(AtomicLong lastNanos) {
    return new Policy<>() {
      @Override
      public <T> ActionEffect<String, T> apply(ActionEffect<String, T> effect) {
        return APP.clock().flatMap(clock -> {
          long start = clock.nanoTime();
          return effect.onExit(outcome -> lastNanos.set(clock.nanoTime() - start));
        });
      }
    };
  }

  @Test
  void oneGenericPolicyGuardsEffectsOfAnyValueType() throws Exception {
    Policy<String> policy = PolicyHooksTest::budget;
    assertThat(TestRuntimes.runPromptly(runtime, APP.succeed(1).via(policy)).getOrThrow()).isEqualTo(1);
    assertThat(TestRuntimes.runPromptly(runtime, APP.succeed("text").via(policy)).getOrThrow()).isEqualTo("text");
    EffectHandle<String, Integer> slow = runtime.submit(APP.<Integer>never().via(policy));
    await().atMost(TestRuntimes.PROMPTLY).until(() -> time.pendingTimers() == 1);
    time.advance(HALF_SECOND);
    assertThat(TestRuntimes.joinPromptly(slow)).isEqualTo(Outcome.failure("too slow"));
  }

  @Test
  void aGuardedEffectKeepsItsNameThroughAPolicyThatBuildsANewTree() {
    Policy<String> clocked = new Policy<>() {
      @Override
      public <T> ActionEffect<String, T> apply(ActionEffect<String, T> effect) {
        return ActionEffect.<String>clock().flatMap(clock -> effect);
      }
    };
    assertThat(APP.succeed(1).named("lookup").via(clocked).name()).isEqualTo("lookup");
    assertThat(APP.succeed(1).via(clocked).name()).isEqualTo("flatMap");
    Policy<String> renaming = new Policy<>() {
      @Override
      public <T> ActionEffect<String, T> apply(ActionEffect<String, T> effect) {
        return effect.map(x -> x).named("guarded");
      }
    };
    assertThat(APP.succeed(1).named("lookup").via(renaming).name()).isEqualTo("guarded");
  }

  @Test
  void aTypedPolicyComposesThroughViaAndKeepsTheName() {
    TypedPolicy<String, Integer> orZero = new TypedPolicy<>() {
      @Override
      public ActionEffect<String, Integer> apply(ActionEffect<String, Integer> effect) {
        return effect.recover(error -> 0);
      }
    };
    ActionEffect<String, Integer> guarded = APP.<Integer>fail("down").named("lookup").via(orZero);

    assertThat(TestRuntimes.runPromptly(runtime, guarded)).isEqualTo(Outcome.success(0));
    assertThat(guarded.name()).isEqualTo("lookup");
    assertThat(TestRuntimes.runPromptly(runtime, APP.succeed(4).via(orZero))).isEqualTo(Outcome.success(4));
  }

  @Test
  void aTypedPolicyThatReturnsNullIsRefusedWhenApplied() {
    TypedPolicy<String, Integer> broken = new TypedPolicy<>() {
      @Override
      public ActionEffect<String, Integer> apply(ActionEffect<String, Integer> effect) {
        return null;
      }
    };

    assertThatThrownBy(() -> APP.succeed(1).via(broken))
        .isInstanceOf(NullPointerException.class).hasMessage("policy returned null");
  }

  @Test
  void timerIsTheRuntimesInjectedTimer() {
    assertThat(TestRuntimes.runPromptly(runtime, APP.timer()).getOrThrow()).isSameAs(runtime.timer()).isSameAs(time);
  }

  @Test
  void andThenAppliesTheOuterPolicyAroundTheInner() {
    List<String> log = new CopyOnWriteArrayList<>();
    Policy<String> both = recording("inner", log).andThen(recording("outer", log));
    TestRuntimes.runPromptly(runtime, APP.succeed(1).via(both));
    assertThat(log).containsExactly("inner", "outer");
  }

  @Test
  void clockIsTheRuntimesInjectedClock() {
    time.advance(Duration.ofSeconds(5));
    assertThat(TestRuntimes.runPromptly(runtime, APP.clock()).getOrThrow()).isSameAs(runtime.clock());
    assertThat(TestRuntimes.runPromptly(runtime, APP.clock().map(Clock::nanoTime)).getOrThrow())
        .isEqualTo(Duration.ofSeconds(5).toNanos());
  }

  @Test
  void priorityIsTheOneTheEffectWasSubmittedAtAndChildrenInheritIt() {
    assertThat(TestRuntimes.runPromptly(runtime, APP.priority()).getOrThrow()).isEqualTo(Priority.NORMAL);
    assertThat(TestRuntimes.runPromptly(runtime, APP.priority(), Priority.LOW).getOrThrow()).isEqualTo(Priority.LOW);
    assertThat(TestRuntimes.runPromptly(runtime, APP.all(List.of(APP.priority(), APP.priority())), Priority.HIGH).getOrThrow())
        .containsExactly(Priority.HIGH, Priority.HIGH);
    assertThat(APP.priority().name()).isEqualTo("priority");
  }

  @Test
  void aPolicyMeasuresLatencyOnVirtualTime() {
    AtomicLong lastNanos = new AtomicLong(-1);
    EffectHandle<String, Void> handle = runtime.submit(APP.sleep(Duration.ofMillis(300)).via(measuring(lastNanos)));
    await().atMost(TestRuntimes.PROMPTLY).until(() -> time.pendingTimers() == 1);
    time.advance(Duration.ofMillis(300));
    assertThat(TestRuntimes.joinPromptly(handle).isSuccess()).isTrue();
    assertThat(lastNanos).hasValue(Duration.ofMillis(300).toNanos());
  }

  @Test
  void firstSuccessTakesTheFirstValueAndCancelsTheOthersOnce() throws Exception {
    List<Outcome<String, Integer>> loserSaw = new CopyOnWriteArrayList<>();
    CountDownLatch loserStarted = new CountDownLatch(1);
    CountDownLatch loserUnwound = new CountDownLatch(1);
    // The loser must have started, or it runs no finalizer at all (semantics, point 5): the winner
    // waits for it, since the other worker may otherwise finish the race before it is picked.
    ActionEffect<String, Integer> loser = APP.<Integer>suspend(() -> {
      loserStarted.countDown();
      return APP.never();
    }).onExit(loserSaw::add).ensuring(loserUnwound::countDown);
    ActionEffect<String, Integer> failing = APP.fail("fast failure");
    ActionEffect<String, Integer> winner = APP.blocking(token -> {
      TestRuntimes.awaitPromptly(loserStarted, "the losing child's start");
      return 3;
    });
    assertThat(TestRuntimes.runPromptly(runtime, APP.firstSuccess(List.of(loser, failing, winner))).getOrThrow()).isEqualTo(3);
    TestRuntimes.awaitPromptly(loserUnwound, "the losing child's unwinding");
    assertThat(loserSaw).containsExactly(Outcome.faulted(new Fault.Cancelled("another effect succeeded first")));
  }

  @Test
  void aLoserCancelledBeforeItStartedRunsNoFinalizer() {
    // One worker: the first child runs at once on the forking thread and wins before the second,
    // queued behind it on the same worker, can start.
    ApplicationRuntime single = TestRuntimes.onVirtualTime(time, 1);
    List<Outcome<String, Integer>> loserSaw = new CopyOnWriteArrayList<>();
    AtomicInteger ensured = new AtomicInteger();
    ActionEffect<String, Integer> loser = APP.<Integer>never().onExit(loserSaw::add).ensuring(ensured::incrementAndGet);

    assertThat(TestRuntimes.runPromptly(single, APP.firstSuccess(List.of(APP.succeed(3), loser))).getOrThrow()).isEqualTo(3);
    ShutdownReport report = single.shutdown(Duration.ofSeconds(10)); // waits until the loser has settled

    assertThat(report.cancelled()).isZero();
    assertThat(report.stillUnwinding()).isEmpty();
    assertThat(loserSaw).isEmpty();
    assertThat(ensured).hasValue(0);
  }

  @Test
  void firstSuccessWaitsPastEarlierFailures() {
    ActionEffect<String, Integer> failing = APP.fail("fast failure");
    EffectHandle<String, Integer> handle = runtime.submit(
        APP.firstSuccess(List.of(failing, APP.sleep(HALF_SECOND).map(x -> 2))));
    await().atMost(TestRuntimes.PROMPTLY).until(() -> time.pendingTimers() == 1);
    time.advance(HALF_SECOND);
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(Outcome.success(2));
  }

  @Test
  void firstSuccessWhenAllFailEndsWithTheLastToFinish() {
    ActionEffect<String, Integer> first = APP.fail("first");
    ActionEffect<String, Integer> last = APP.sleep(HALF_SECOND).flatMap(x -> APP.fail("last"));
    EffectHandle<String, Integer> handle = runtime.submit(APP.firstSuccess(List.of(last, first)));
    await().atMost(TestRuntimes.PROMPTLY).until(() -> time.pendingTimers() == 1);
    time.advance(HALF_SECOND);
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(Outcome.failure("last"));
  }

  @Test
  void hedgingStartsACopyAfterADelayAndTheFasterCopyWins() {
    AtomicInteger calls = new AtomicInteger();
    ActionEffect<String, String> call = APP.suspend(() -> {
      int n = calls.incrementAndGet();
      // The first call is slow (2 s), the hedged copy fast (100 ms).
      return APP.sleep(Duration.ofMillis(n == 1 ? 2000 : 100)).map(x -> "call " + n);
    });
    EffectHandle<String, String> handle = runtime.submit(
        APP.firstSuccess(List.of(call, APP.sleep(HALF_SECOND).flatMap(x -> call))));
    await().atMost(TestRuntimes.PROMPTLY).until(() -> time.pendingTimers() == 2);
    time.advance(HALF_SECOND);
    await().atMost(TestRuntimes.PROMPTLY).until(() -> time.pendingTimers() == 2 && calls.get() == 2);
    time.advance(Duration.ofMillis(100));
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(Outcome.success("call 2"));
    await().atMost(TestRuntimes.PROMPTLY).until(() -> time.pendingTimers() == 0);
  }

  @Test
  void neverEndsOnlyWhenCancelled() {
    EffectHandle<String, Integer> handle = runtime.submit(APP.never());
    // Another effect runs to its end meanwhile; the never-ending one is still pending.
    assertThat(TestRuntimes.runPromptly(runtime, APP.succeed("marker")).isSuccess()).isTrue();
    assertThat(handle.isDone()).isFalse();
    handle.cancel("stop");
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(Outcome.faulted(new Fault.Cancelled("stop")));
  }

  @Test
  void neverLosesEveryRace() {
    EffectHandle<String, Integer> handle = runtime.submit(APP.race(APP.never(), APP.sleep(HALF_SECOND).map(x -> 1)));
    await().atMost(TestRuntimes.PROMPTLY).until(() -> time.pendingTimers() == 1);
    time.advance(HALF_SECOND);
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(Outcome.success(1));
  }
}
