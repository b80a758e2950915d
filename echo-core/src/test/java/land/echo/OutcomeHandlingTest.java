package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code transformWith}, {@code fromOutcome}, {@code onExit} and {@code timeoutTo}, on virtual time. */
@Timeout(30)
class OutcomeHandlingTest {
  private static final Duration HALF_SECOND = Duration.ofMillis(500);
  private static final Duration NANO = Duration.ofNanos(1);
  private static final Effects<String> APP = Effects.failingWith(String.class);

  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = TestRuntimes.onVirtualTime(time);

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  /** A blocking body that waits until interrupted. */
  private static ActionEffect<String, String> blockForever(CountDownLatch started, CountDownLatch interrupted) {
    return APP.blocking(token -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
      return "never";
    });
  }

  private static String describe(Outcome<String, ?> outcome) {
    return switch (outcome) {
      case Outcome.Success<String, ?> s -> "success " + s.value();
      case Outcome.Failure<String, ?> f -> "failure " + f.error();
      case Outcome.Faulted<String, ?> f -> "fault " + f.fault().getClass().getSimpleName();
    };
  }

  // ---------------------------------------------------------------- transformWith

  @Test
  void transformWithSeesASuccess() {
    ActionEffect<String, String> effect = APP.succeed(2).transformWith(o -> APP.succeed(describe(o)));
    assertThat(TestRuntimes.runPromptly(runtime, effect).getOrThrow()).isEqualTo("success 2");
  }

  @Test
  void transformWithSeesADomainFailure() {
    ActionEffect<String, Integer> failing = APP.fail("boom");
    assertThat(TestRuntimes.runPromptly(runtime, failing.transformWith(o -> APP.succeed(describe(o)))).getOrThrow())
        .isEqualTo("failure boom");
  }

  @Test
  void transformWithSeesAPanic() {
    ActionEffect<String, Integer> panicking = APP.compute(token -> {
      throw new IllegalStateException("bug");
    });
    assertThat(TestRuntimes.runPromptly(runtime, panicking.transformWith(o -> APP.succeed(describe(o)))).getOrThrow())
        .isEqualTo("fault Panic");
  }

  @Test
  void transformWithCanChangeBothTypes() {
    ActionEffect<Integer, Long> effect =
        APP.succeed("abc").transformWith(o -> ActionEffect.<Integer, Long>fail(o.getOrThrow().length()));
    assertThat(TestRuntimes.runPromptly(runtime, effect)).isEqualTo(new Outcome.Failure<>(3));
  }

  @Test
  void fromOutcomePassesEveryKindOfOutcomeOnUnchanged() {
    Fault fault = new Fault.Cancelled("made up");
    for (Outcome<String, Integer> outcome :
        List.<Outcome<String, Integer>>of(Outcome.success(1), Outcome.failure("e"), Outcome.faulted(fault))) {
      ActionEffect<String, Integer> effect = APP.fromOutcome(outcome);
      assertThat(TestRuntimes.runPromptly(runtime, effect.transformWith(APP::fromOutcome))).isEqualTo(outcome);
    }
  }

  @Test
  void aRaisedCancelledFaultIsAnOrdinaryFaultThatTransformWithSees() {
    ActionEffect<String, Integer> raised = APP.fromOutcome(Outcome.faulted(new Fault.Cancelled("made up")));
    assertThat(TestRuntimes.runPromptly(runtime, raised.transformWith(o -> APP.succeed(describe(o)))).getOrThrow())
        .isEqualTo("fault Cancelled");
  }

  @Test
  void aThrowingTransformFunctionIsAPanic() {
    ActionEffect<String, Integer> effect = APP.succeed(1).transformWith(o -> {
      throw new IllegalArgumentException("bad");
    });
    assertThat(TestRuntimes.runPromptly(runtime, effect)).isInstanceOfSatisfying(Outcome.Faulted.class,
        f -> assertThat(f.fault()).isInstanceOf(Fault.Panic.class));
  }

  @Test
  void timeOutThenFallBackWithTimeoutAndTransformWith() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    ActionEffect<String, String> guarded = blockForever(started, interrupted)
        .timeout(HALF_SECOND)
        .transformWith(o -> o instanceof Outcome.Faulted<String, String>(Fault.TimedOut t)
            ? APP.succeed("cached after " + t.after())
            : APP.fromOutcome(o));
    EffectHandle<String, String> handle = runtime.submit(guarded);
    TestRuntimes.awaitPromptly(started, "started");
    await().until(() -> time.nextDelay().equals(Optional.of(HALF_SECOND)));
    time.advance(HALF_SECOND);
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Success<>("cached after PT0.5S"));
    TestRuntimes.awaitPromptly(interrupted, "interrupted");
  }

  @Test
  void transformWithIsNotCalledWhenItsOwnEffectIsCancelled() throws Exception {
    AtomicBoolean called = new AtomicBoolean();
    CountDownLatch unwound = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    ActionEffect<String, String> effect = blockForever(started, new CountDownLatch(1))
        .transformWith(o -> {
          called.set(true);
          return APP.succeed("resumed");
        })
        .ensuring(unwound::countDown);
    EffectHandle<String, String> handle = runtime.submit(effect);
    TestRuntimes.awaitPromptly(started, "started");
    handle.cancel("stop");
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("stop")));
    TestRuntimes.awaitPromptly(unwound, "unwound");
    assertThat(called).isFalse();
  }

  @Test
  void transformWithIsNotCalledInARaceLoser() throws Exception {
    AtomicBoolean called = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch unwound = new CountDownLatch(1);
    // The loser signals once its frames are on its stack; until then the winner waits, so that the
    // race is never decided before the loser started (a loser cancelled before it ran would skip
    // its ensuring, and the test would wait forever: it hung once on a loaded machine).
    ActionEffect<String, String> loser = APP.compute(token -> {
          started.countDown();
          return "waiting";
        })
        .flatMap(x -> APP.<String>never())
        .transformWith(o -> {
          called.set(true);
          return APP.succeed("resumed");
        })
        .ensuring(unwound::countDown);
    ActionEffect<String, String> winner = APP.blocking(token -> {
      started.await();
      return "winner";
    });
    assertThat(TestRuntimes.runPromptly(runtime, APP.race(loser, winner)).getOrThrow()).isEqualTo("winner");
    TestRuntimes.awaitPromptly(unwound, "unwound");
    assertThat(called).isFalse();
  }

  // ---------------------------------------------------------------- onExit

  @Test
  void onExitSeesASuccess() {
    List<Outcome<String, Integer>> seen = new CopyOnWriteArrayList<>();
    assertThat(TestRuntimes.runPromptly(runtime, APP.succeed(7).onExit(seen::add)).getOrThrow()).isEqualTo(7);
    assertThat(seen).containsExactly(Outcome.success(7));
  }

  @Test
  void onExitSeesADomainFailure() {
    List<Outcome<String, Integer>> seen = new CopyOnWriteArrayList<>();
    ActionEffect<String, Integer> failing = APP.fail("boom");
    assertThat(TestRuntimes.runPromptly(runtime, failing.onExit(seen::add))).isEqualTo(Outcome.failure("boom"));
    assertThat(seen).containsExactly(Outcome.failure("boom"));
  }

  @Test
  void onExitSeesTheCancellationExactlyOnce() throws Exception {
    List<Outcome<String, String>> seen = new CopyOnWriteArrayList<>();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch unwound = new CountDownLatch(1);
    EffectHandle<String, String> handle = runtime.submit(
        blockForever(started, new CountDownLatch(1)).onExit(seen::add).ensuring(unwound::countDown));
    TestRuntimes.awaitPromptly(started, "started");
    handle.cancel("stop");
    TestRuntimes.awaitPromptly(unwound, "unwound");
    assertThat(seen).containsExactly(Outcome.faulted(new Fault.Cancelled("stop")));
  }

  @Test
  void onExitInsideATimeoutSeesTimedOut() throws Exception {
    List<Outcome<String, String>> seen = new CopyOnWriteArrayList<>();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch unwound = new CountDownLatch(1);
    EffectHandle<String, String> handle = runtime.submit(
        blockForever(started, new CountDownLatch(1)).onExit(seen::add).ensuring(unwound::countDown)
            .timeout(HALF_SECOND));
    TestRuntimes.awaitPromptly(started, "started");
    await().until(() -> time.pendingTimers() == 1);
    time.advance(HALF_SECOND);
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(Outcome.faulted(new Fault.TimedOut(HALF_SECOND)));
    TestRuntimes.awaitPromptly(unwound, "unwound");
    assertThat(seen).containsExactly(Outcome.faulted(new Fault.TimedOut(HALF_SECOND)));
  }

  @Test
  void aThrowingOnExitFinalizerTurnsASuccessIntoAPanicLikeEnsuring() {
    ActionEffect<String, Integer> effect = APP.succeed(1).onExit(o -> {
      throw new IllegalStateException("finalizer");
    });
    assertThat(TestRuntimes.runPromptly(runtime, effect)).isInstanceOfSatisfying(Outcome.Faulted.class,
        f -> assertThat(f.fault()).isInstanceOf(Fault.Panic.class));
    assertThat(runtime.stats().finalizerFailures()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- timeoutTo

  @Test
  void timeoutToRunsTheFallbackExactlyAtExpiryAndCancelsTheEffect() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    EffectHandle<String, String> handle =
        runtime.submit(blockForever(started, interrupted).timeoutTo(HALF_SECOND, APP.succeed("fallback")));
    TestRuntimes.awaitPromptly(started, "started");
    await().until(() -> time.pendingTimers() == 1);
    time.advance(HALF_SECOND.minus(NANO));
    assertThat(handle.isDone()).isFalse();
    time.advance(NANO);
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(Outcome.success("fallback"));
    TestRuntimes.awaitPromptly(interrupted, "interrupted");
  }

  @Test
  void timeoutToPassesAnOutcomeInTimeThroughAndLeavesNoTimer() {
    ActionEffect<String, String> failing = APP.fail("own");
    assertThat(TestRuntimes.runPromptly(runtime, failing.timeoutTo(HALF_SECOND, APP.succeed("fallback"))))
        .isEqualTo(Outcome.failure("own"));
    assertThat(time.pendingTimers()).isZero();
  }

  @Test
  void timeoutToDoesNotFallBackOnAnInnerTimeout() throws Exception {
    Duration inner = Duration.ofMillis(100);
    EffectHandle<String, String> handle = runtime.submit(
        APP.<String>never().timeout(inner).timeoutTo(HALF_SECOND, APP.succeed("fallback")));
    await().until(() -> time.pendingTimers() == 2);
    time.advance(inner);
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(Outcome.faulted(new Fault.TimedOut(inner)));
  }

  @Test
  void timeoutToWithAZeroBudgetRunsOnlyTheFallback() {
    AtomicBoolean ran = new AtomicBoolean();
    ActionEffect<String, String> effect = APP.compute(token -> {
      ran.set(true);
      return "effect";
    });
    assertThat(TestRuntimes.runPromptly(runtime, effect.timeoutTo(Duration.ZERO, APP.succeed("fallback"))).getOrThrow())
        .isEqualTo("fallback");
    assertThat(ran).isFalse();
  }

  @Test
  void cancellingDuringTheFallbackCancelsItAndRunsItsFinalizerOnce() throws Exception {
    AtomicInteger finalized = new AtomicInteger();
    CountDownLatch fallbackStarted = new CountDownLatch(1);
    CountDownLatch unwound = new CountDownLatch(1);
    ActionEffect<String, String> fallback = blockForever(fallbackStarted, new CountDownLatch(1))
        .ensuring(finalized::incrementAndGet);
    EffectHandle<String, String> handle = runtime.submit(
        APP.<String>never().timeoutTo(HALF_SECOND, fallback).ensuring(unwound::countDown));
    await().until(() -> time.pendingTimers() == 1);
    time.advance(HALF_SECOND);
    TestRuntimes.awaitPromptly(fallbackStarted, "fallback started");
    handle.cancel("stop");
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(Outcome.faulted(new Fault.Cancelled("stop")));
    TestRuntimes.awaitPromptly(unwound, "unwound");
    assertThat(finalized).hasValue(1);
  }
}
