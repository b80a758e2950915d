package land.echo.resilience;

import static land.echo.resilience.Runtimes.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Outcome;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HedgeTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = Runtimes.onVirtualTime(time);
  private final AtomicInteger attempts = new AtomicInteger();
  private final List<Outcome<String, String>> firstAttemptSaw = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    Runtimes.stop(runtime);
  }

  /** The first attempt hangs; later attempts answer at once. */
  private ActionEffect<String, String> slowThenFast() {
    return APP.suspend(() -> attempts.incrementAndGet() == 1
        ? APP.<String>never().onExit(firstAttemptSaw::add)
        : APP.succeed("backup")).named("search");
  }

  @Test
  void aBackupStartsAfterTheDelayAndTheFirstSuccessWinsCancellingTheOther() {
    Hedge hedge = Hedge.builder("hedge").initialDelay(Duration.ofMillis(100), 5).maxHedgedFraction(1).build();
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    hedge.onEvent(events::add);
    EffectHandle<String, String> call = runtime.submit(slowThenFast().via(hedge.policy()));
    await().until(() -> time.pendingTimers() == 1);
    assertThat(attempts).hasValue(1);

    time.advance(Duration.ofMillis(100));

    assertThat(call.join()).isEqualTo(Outcome.success("backup"));
    assertThat(attempts).hasValue(2);
    await().until(() -> firstAttemptSaw.size() == 1);
    assertThat(firstAttemptSaw.get(0)).isInstanceOf(Outcome.Faulted.class);
    assertThat(events).containsExactly(new PolicyEvent.HedgeStarted("hedge", "search", Duration.ofMillis(100)));
    assertThat(hedge.snapshot().hedged()).isEqualTo(1);
  }

  @Test
  void aFastCallNeverStartsABackup() {
    Hedge hedge = Hedge.builder("hedge").maxHedgedFraction(1).build();
    assertThat(runtime.run(APP.succeed("fast").via(hedge.policy()))).isEqualTo(Outcome.success("fast"));
    assertThat(hedge.snapshot().hedged()).isZero();
    assertThat(time.pendingTimers()).isZero();
  }

  @Test
  void aFirstAttemptFailingBeforeTheDelayEndsTheCallAtOnceWithoutABackup() {
    Hedge hedge = Hedge.builder("hedge").maxHedgedFraction(1).build();
    AtomicInteger runs = new AtomicInteger();
    Outcome<String, String> outcome = runtime.run(APP.<String>suspend(() -> {
      runs.incrementAndGet();
      return APP.fail("nope");
    }).via(hedge.policy()));
    assertThat(outcome).isEqualTo(Outcome.failure("nope"));
    assertThat(runs).hasValue(1);
  }

  @Test
  void atMostTheConfiguredFractionOfCallsIsHedged() {
    Hedge hedge = Hedge.builder("hedge").initialDelay(Duration.ofMillis(100), 5).maxHedgedFraction(0.25).build();
    for (int i = 0; i < 8; i++) {
      attempts.set(0);
      EffectHandle<String, String> call = runtime.submit(slowThenFast().timeout(Duration.ofSeconds(1)).via(hedge.policy()));
      await().until(() -> time.pendingTimers() == 2);
      time.advance(Duration.ofMillis(100));
      await().until(() -> call.isDone() || time.pendingTimers() == 1);
      if (!call.isDone()) {
        time.advance(Duration.ofMillis(900));
      }
      call.join();
    }
    assertThat(hedge.snapshot().calls()).isEqualTo(8);
    assertThat(hedge.snapshot().hedged()).isEqualTo(2);
  }

  @Test
  void theDelayFollowsThePercentileOfRecentLatencies() {
    Hedge hedge = Hedge.builder("hedge").percentile(90).initialDelay(Duration.ofMillis(500), 10)
        .window(Duration.ofSeconds(10), Duration.ofSeconds(1)).build();
    for (int i = 0; i < 20; i++) {
      runtime.run(APP.<Integer>blocking(token -> {
        time.advance(Duration.ofMillis(40));
        return 1;
      }).via(hedge.policy()));
    }
    time.advance(Duration.ofSeconds(1));
    runtime.run(APP.succeed(0).via(hedge.policy()));
    assertThat(hedge.snapshot().delay()).isBetween(Duration.ofMillis(39), Duration.ofMillis(41));
  }

  @Test
  void badConfigurationIsRejectedNamingTheField() {
    assertThatThrownBy(() -> Hedge.builder("h").maxHedgedFraction(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxHedgedFraction");
    assertThatThrownBy(() -> Hedge.builder("h").percentile(101).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("percentile");
    assertThatThrownBy(() -> Hedge.builder("h").initialDelay(Duration.ZERO, 1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialDelay");
    // Durations a long of nanoseconds cannot hold were an ArithmeticException ("long overflow").
    Duration tooLong = Duration.ofNanos(Long.MAX_VALUE).plusNanos(1);
    assertThatThrownBy(() -> Hedge.builder("h").initialDelay(tooLong, 1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initialDelay must be at most " + Duration.ofNanos(Long.MAX_VALUE) + ", was " + tooLong);
    assertThatThrownBy(() -> Hedge.builder("h").window(tooLong, Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("window must be at most");
    assertThatThrownBy(() -> Hedge.builder("h").window(tooLong, tooLong).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("updateEvery must be at most");
    assertThat(Hedge.builder("h").initialDelay(Duration.ofNanos(Long.MAX_VALUE), 1).build()).isNotNull();
  }

  /**
   * The hedged fraction is enforced call by call: with at most half the calls hedged, the 1st and
   * 3rd calls get no backup (1 > 0.5, 2 > 1.5) and the 2nd and 4th do (1 <= 1, 2 <= 2). A hedged
   * call ends as soon as its backup answers; waits are bounded at 2 s (nothing real is waited for).
   * The first attempt fails after 1 s, so an unhedged call ends with that failure however late the
   * refused backup's turn comes, while a backup started by mistake, before or after it, would
   * answer the call.
   */
  @Test
  void theHedgedFractionIsEnforcedCallByCall() {
    Hedge hedge = Hedge.builder("hedge").initialDelay(Duration.ofMillis(100), 1_000).maxHedgedFraction(0.5).build();
    for (int call = 1; call <= 4; call++) {
      AtomicInteger tries = new AtomicInteger();
      EffectHandle<String, String> handle = runtime.submit(APP.suspend(() -> tries.incrementAndGet() == 1
          ? APP.sleep(Duration.ofSeconds(1)).flatMap(ignored -> APP.<String>fail("first"))
          : APP.succeed("backup")).via(hedge.policy()));
      await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(1)).until(() -> time.pendingTimers() == 2);
      time.advance(Duration.ofMillis(100));
      boolean hedgedCall = call % 2 == 0;
      if (hedgedCall) {
        assertThat(Runtimes.done(handle, "hedged call " + call)).isEqualTo(Outcome.success("backup"));
      } else {
        time.advance(Duration.ofMillis(900));
        assertThat(Runtimes.done(handle, "unhedged call " + call)).isEqualTo(Outcome.failure("first"));
        assertThat(tries).as("attempts of call %d", call).hasValue(1);
      }
      assertThat(hedge.snapshot().hedged()).as("hedged after call %d", call).isEqualTo(call / 2);
      await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(1)).until(() -> time.pendingTimers() == 0);
    }
    assertThat(hedge.snapshot().calls()).isEqualTo(4);
  }

  /** A call through {@code hedge} that takes {@code latency} on {@code clock}. */
  private void callTaking(Hedge hedge, VirtualTime clock, Duration latency) {
    assertThat(runtime.run(APP.<Integer>blocking(token -> {
      clock.advance(latency);
      return 1;
    }).via(hedge.policy()))).isEqualTo(Outcome.success(1));
  }

  /**
   * With a clock given to its builder, the hedge times latencies and its updates on that clock
   * alone: the first update is due one {@code updateEvery} after the hedge was built, exactly then
   * and not before, and the next one a further {@code updateEvery} after it, whatever the
   * runtime's clock does meanwhile.
   */
  @Test
  void aClockGivenToTheBuilderTimesTheLatenciesAndTheUpdates() {
    VirtualTime own = new VirtualTime();
    Hedge hedge = Hedge.builder("hedge").percentile(90).initialDelay(Duration.ofMillis(500), 10)
        .window(Duration.ofSeconds(10), Duration.ofSeconds(1)).clock(own).build(); // first update due at 1 s
    own.advance(Duration.ofMillis(500));
    for (int i = 0; i < 10; i++) {
      callTaking(hedge, own, Duration.ofMillis(40)); // own's clock: 0.5 s to 0.9 s
    }
    time.advance(Duration.ofSeconds(5)); // the runtime's clock: the hedge does not read it
    runtime.run(APP.succeed(0).via(hedge.policy()));
    assertThat(hedge.snapshot().delay()).as("before the first update").isEqualTo(Duration.ofMillis(500));

    own.advance(Duration.ofMillis(100)); // 1 s: the first update is due
    runtime.run(APP.succeed(0).via(hedge.policy()));
    assertThat(hedge.snapshot().delay()).as("at the first update").isBetween(Duration.ofMillis(39), Duration.ofMillis(41));

    for (int i = 0; i < 10; i++) {
      callTaking(hedge, own, Duration.ofMillis(100)); // 1 s to 2 s: each starts before the next update
    }
    assertThat(hedge.snapshot().delay()).as("before the second update").isBetween(Duration.ofMillis(39), Duration.ofMillis(41));
    runtime.run(APP.succeed(0).via(hedge.policy())); // 2 s: the second update
    assertThat(hedge.snapshot().delay()).as("at the second update").isBetween(Duration.ofMillis(99), Duration.ofMillis(101));
  }
}
