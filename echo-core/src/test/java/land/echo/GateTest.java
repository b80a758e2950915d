package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import land.echo.spi.Gate;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ActionEffect#gatedBy(Gate)}: the {@link Gate} contract, on virtual time. */
@Timeout(30)
class GateTest {
  private static final Effects<String> APP = Effects.failingWith(String.class);

  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = TestRuntimes.onVirtualTime(time);

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  /** A gate that logs its calls and answers enter with what {@code answer} holds. */
  static final class Recording implements Gate {
    final String label;
    final List<String> log;
    final List<Outcome<?, ?>> exits = new CopyOnWriteArrayList<>();
    final AtomicReference<Object> answer = new AtomicReference<>();
    final AtomicInteger entered = new AtomicInteger();
    volatile Gate.Run runSeen;
    volatile Priority prioritySeen;

    Recording(String label, List<String> log) {
      this.label = label;
      this.log = log;
    }

    @Override
    public Object enter(Gate.Run run) {
      runSeen = run;
      prioritySeen = run.priority();
      int n = entered.incrementAndGet();
      log.add(label + ".enter");
      Object a = answer.get();
      return a != null ? a : label + "#" + n;
    }

    @Override
    public void exit(Object token, Outcome<?, ?> outcome) {
      log.add(label + ".exit(" + token + ")");
      exits.add(outcome);
    }
  }

  private final List<String> log = new CopyOnWriteArrayList<>();

  @Test
  void eachRunEntersOnceAndExitsOnceWithItsTokenAndOutcome() {
    Recording gate = new Recording("g", log);
    ActionEffect<String, Integer> gated = APP.compute(token -> {
      log.add("body");
      return 7;
    }).gatedBy(gate);

    assertThat(TestRuntimes.runPromptly(runtime, gated)).isEqualTo(Outcome.success(7));
    assertThat(TestRuntimes.runPromptly(runtime, gated)).isEqualTo(Outcome.success(7));

    assertThat(log).containsExactly("g.enter", "body", "g.exit(g#1)", "g.enter", "body", "g.exit(g#2)");
    assertThat(gate.exits).containsExactly(Outcome.success(7), Outcome.success(7));
  }

  @Test
  void enterIsGivenTheRunningRuntimesClockAndTimerAndTheRunsPriority() {
    Recording gate = new Recording("g", log);
    time.advance(Duration.ofSeconds(5));
    TestRuntimes.runPromptly(runtime, APP.succeed(1).gatedBy(gate), Priority.LOW);
    assertThat(gate.runSeen.clock().nanoTime()).isEqualTo(time.nanoTime());
    assertThat(gate.runSeen.timer()).isSameAs(TestRuntimes.runPromptly(runtime, ActionEffect.<String>timer()).getOrThrow());
    assertThat(gate.prioritySeen).isEqualTo(Priority.LOW);
  }

  @Test
  void passRunsTheEffectWithoutAnExit() {
    Recording gate = new Recording("g", log);
    gate.answer.set(Gate.PASS);
    assertThat(TestRuntimes.runPromptly(runtime, APP.succeed(3).gatedBy(gate))).isEqualTo(Outcome.success(3));
    assertThat(log).containsExactly("g.enter");
  }

  @Test
  void insteadRunsTheOtherEffectAndNeitherTheGatedOneNorAnExit() {
    Recording gate = new Recording("g", log);
    gate.answer.set(Gate.instead(APP.fail("refused")));
    AtomicInteger ran = new AtomicInteger();
    ActionEffect<String, Integer> gated = APP.compute(token -> ran.incrementAndGet()).gatedBy(gate);
    assertThat(TestRuntimes.runPromptly(runtime, gated)).isEqualTo(Outcome.failure("refused"));
    assertThat(ran).hasValue(0);
    assertThat(log).containsExactly("g.enter");
  }

  @Test
  void failuresAndPanicsReachTheExitUnchanged() {
    Recording gate = new Recording("g", log);
    IllegalStateException boom = new IllegalStateException("boom");
    assertThat(TestRuntimes.runPromptly(runtime, APP.<Integer>fail("no").gatedBy(gate))).isEqualTo(Outcome.failure("no"));
    Outcome<String, Integer> panicked = TestRuntimes.runPromptly(runtime, APP.<Integer>compute(token -> {
      throw boom;
    }).gatedBy(gate));
    assertThat(panicked).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(boom)));
    assertThat(gate.exits).containsExactly(Outcome.failure("no"), panicked);
  }

  @Test
  void aCancelledRunExitsOnceWithItsCancellation() throws Exception {
    Recording gate = new Recording("g", log);
    CountDownLatch started = new CountDownLatch(1);
    ActionEffect<String, Integer> gated = APP.<Integer>suspend(() -> {
      started.countDown();
      return APP.never();
    }).gatedBy(gate);
    EffectHandle<String, Integer> handle = runtime.submit(gated);
    TestRuntimes.awaitPromptly(started, "the gated effect to start");
    handle.cancel("enough");
    Outcome<String, Integer> outcome = TestRuntimes.joinPromptly(handle);
    assertThat(outcome).isInstanceOf(Outcome.Faulted.class);
    await().atMost(TestRuntimes.PROMPTLY).until(() -> gate.exits.size() == 1);
    assertThat(((Outcome.Faulted<?, ?>) gate.exits.get(0)).fault()).isInstanceOf(Fault.Cancelled.class);
    assertThat(log).containsExactly("g.enter", "g.exit(g#1)");
  }

  @Test
  void aRunWhoseGateTheCallerEnteredExitsWhenCancelledWhileQueued() throws Exception {
    ApplicationRuntime oneWorker = TestRuntimes.onVirtualTime(time, 1);
    try {
      CountDownLatch release = TestRuntimes.occupyAWorker(oneWorker, Priority.HIGH);
      Recording gate = new Recording("g", log);
      AtomicInteger ran = new AtomicInteger();
      // run(..) on this platform thread enters the gate here (the synchronous prefix), then queues
      // the body behind the occupied worker, where the deadline cancels it.
      CompletableFuture<Outcome<String, Integer>> outcome = CompletableFuture.supplyAsync(
          () -> oneWorker.runWithTimeout(APP.compute(token -> ran.incrementAndGet()).gatedBy(gate), Duration.ofMillis(100)),
          runnable -> Thread.ofPlatform().start(runnable));
      await().atMost(TestRuntimes.PROMPTLY).until(() -> gate.entered.get() == 1 && time.pendingTimers() == 1);
      assertThat(gate.exits).isEmpty();
      time.advance(Duration.ofMillis(100));
      assertThat(TestRuntimes.joinPromptly(outcome, "the run"))
          .isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(Duration.ofMillis(100))));
      release.countDown(); // the worker now unwinds the cancelled root: its frame exits the gate
      await().atMost(TestRuntimes.PROMPTLY).until(() -> gate.exits.size() == 1);
      assertThat(gate.exits.get(0)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(Duration.ofMillis(100))));
      assertThat(ran).hasValue(0);
    } finally {
      TestRuntimes.stop(oneWorker);
    }
  }

  @Test
  void anEnclosingTimeoutReachesTheExitAsTimedOut() {
    Recording gate = new Recording("g", log);
    EffectHandle<String, Integer> handle =
        runtime.submit(APP.<Integer>never().gatedBy(gate).timeout(Duration.ofMillis(100)));
    await().atMost(TestRuntimes.PROMPTLY).until(() -> time.pendingTimers() == 1 && gate.entered.get() == 1);
    time.advance(Duration.ofMillis(100));
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(Duration.ofMillis(100))));
    await().atMost(TestRuntimes.PROMPTLY).until(() -> gate.exits.size() == 1);
    assertThat(gate.exits.get(0)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(Duration.ofMillis(100))));
  }

  @Test
  void anEnterThatThrowsIsAPanicWithoutAnExit() {
    IllegalArgumentException refused = new IllegalArgumentException("no entry");
    AtomicInteger exits = new AtomicInteger();
    AtomicInteger ran = new AtomicInteger();
    Gate throwing = new Gate() {
      @Override
      public Object enter(Gate.Run run) {
        throw refused;
      }

      @Override
      public void exit(Object token, Outcome<?, ?> outcome) {
        exits.incrementAndGet();
      }
    };
    Outcome<String, Integer> outcome =
        TestRuntimes.runPromptly(runtime, APP.compute(token -> ran.incrementAndGet()).gatedBy(throwing));
    assertThat(outcome).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(refused)));
    assertThat(ran).hasValue(0);
    assertThat(exits).hasValue(0);
  }

  @Test
  void anExitThatThrowsTurnsASuccessIntoAPanic() {
    IllegalStateException broken = new IllegalStateException("exit broke");
    Gate throwing = new Gate() {
      @Override
      public Object enter(Gate.Run run) {
        return null; // a null token still means an exit follows
      }

      @Override
      public void exit(Object token, Outcome<?, ?> outcome) {
        throw broken;
      }
    };
    assertThat(TestRuntimes.runPromptly(runtime, APP.succeed(1).gatedBy(throwing)))
        .isEqualTo(new Outcome.Faulted<>(new Fault.Panic(broken)));
  }

  @Test
  void nestedGatesEnterOutsideInAndExitInsideOut() {
    Recording inner = new Recording("inner", log);
    Recording outer = new Recording("outer", log);
    TestRuntimes.runPromptly(runtime, APP.succeed(1).gatedBy(inner).gatedBy(outer));
    assertThat(log).containsExactly("outer.enter", "inner.enter", "inner.exit(inner#1)", "outer.exit(outer#1)");
  }

  @Test
  void aRetryAroundAGateEntersAndExitsOncePerAttempt() {
    Recording gate = new Recording("g", log);
    AtomicInteger attempts = new AtomicInteger();
    ActionEffect<String, Integer> flaky = APP.<Integer>suspend(() ->
        attempts.incrementAndGet() < 3 ? APP.fail("again") : APP.succeed(attempts.get()));
    Outcome<String, Integer> outcome =
        TestRuntimes.runPromptly(runtime, flaky.gatedBy(gate).retry(RetryPolicy.of(5, Duration.ZERO)));
    assertThat(outcome).isEqualTo(Outcome.success(3));
    assertThat(gate.exits).containsExactly(Outcome.failure("again"), Outcome.failure("again"), Outcome.success(3));
    assertThat(gate.entered).hasValue(3);
  }

  @Test
  void nullsAreRefusedByName() {
    assertThatThrownBy(() -> APP.succeed(1).gatedBy(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("gate");
    assertThatThrownBy(() -> Gate.instead(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("effect");
    assertThatThrownBy(() -> new Gate.Instead(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("effect");
  }

  @Test
  void everyNodeKindHasAName() {
    assertThat(ActionEffect.<String>timer().name()).isEqualTo("timer");
    assertThat(ActionEffect.<String>clock().name()).isEqualTo("clock");
    assertThat(ActionEffect.<String>priority().name()).isEqualTo("priority");
    assertThat(APP.succeed(1).gatedBy(new Recording("g", log)).name()).isEqualTo("gatedBy");
    assertThat(APP.succeed(1).named("lookup").gatedBy(new Recording("g", log)).name()).isEqualTo("lookup");
  }
}
