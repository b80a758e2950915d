package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.time.Timer;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Smaller defects found by review, each pinned. */
@Timeout(60)
class EdgeCasesTest {

  @Test
  void aRuntimeCreatedWithNoArgumentsRunsEffectsAndShutsDownTheSchedulerItMade() throws Exception {
    ApplicationRuntime runtime = ApplicationRuntime.create();

    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.compute(token -> 6 * 7))).isEqualTo(new Outcome.Success<>(42));
    assertThat(runtime.environment().types()).isEmpty();
    runtime.close();

    assertThat(runtime.scheduler().awaitTermination(TestRuntimes.PROMPTLY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void aTimerThatRefusesTheDeadlineCompletesTheHandleAndLeavesNothingInFlight() {
    RuntimeException refused = new IllegalStateException("timer is closed");
    // Refuses the deadline, then serves the shutdown (which may wait for the cancelled root's
    // unwinding on the timer) from the system timer.
    java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
    Timer broken = (delay, action) -> {
      if (first.getAndSet(false)) {
        throw refused;
      }
      return Timer.system().schedule(delay, action);
    };
    ApplicationRuntime runtime =
        ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(1)).timer(broken).build();

    // The root is queued before its deadline is armed; the refusal cancels it. The body waits
    // until submitWithTimeout has returned, so the refusal always comes before the outcome.
    java.util.concurrent.CountDownLatch submitted = new java.util.concurrent.CountDownLatch(1);
    EffectHandle<String, Integer> handle = runtime.submitWithTimeout(
        ActionEffect.<String, Integer>compute(token -> {
          TestRuntimes.awaitPromptly(submitted, "submitWithTimeout's return");
          return 1;
        }), Duration.ofSeconds(1), Priority.NORMAL);
    submitted.countDown();

    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(refused)));
    org.awaitility.Awaitility.await().until(() -> runtime.stats().inFlight() == 0);
    ShutdownReport report = runtime.shutdown(Duration.ZERO);
    assertThat(report.cancelled()).isZero();
    assertThat(report.stillUnwinding()).isEmpty();
  }

  @Test
  void runWithTimeoutOnATimerThatRefusesTheDeadlineNeverStartsTheEffect() {
    RuntimeException refused = new IllegalStateException("timer is closed");
    Timer broken = (delay, action) -> {
      throw refused;
    };
    ApplicationRuntime runtime =
        ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(1)).timer(broken).build();
    AtomicInteger ran = new AtomicInteger();

    // The caller arms the deadline before it evaluates anything, so nothing of the effect runs.
    Outcome<String, Integer> outcome = TestRuntimes.callPromptly(() -> runtime.runWithTimeout(
        ActionEffect.<String, Integer>succeed(1).map(x -> ran.incrementAndGet()), Duration.ofSeconds(1)),
        "runWithTimeout's outcome");

    assertThat(outcome).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(refused)));
    assertThat(ran).hasValue(0);
    assertThat(runtime.stats().inFlight()).isZero();
    assertThat(runtime.shutdown(Duration.ZERO).stillUnwinding()).isEmpty();
  }

  @Test
  void aZeroTimeoutAlwaysTimesOutAndTheEffectNeverRuns() {
    VirtualTime time = new VirtualTime();
    ApplicationRuntime runtime = TestRuntimes.onVirtualTime(time);
    AtomicInteger ran = new AtomicInteger();
    ActionEffect<String, Integer> body = ActionEffect.<String, Integer>compute(token -> ran.incrementAndGet());
    try {
      for (int i = 0; i < 200; i++) {
        assertThat(TestRuntimes.runPromptly(runtime, body.timeout(Duration.ZERO)))
            .isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(Duration.ZERO)));
        assertThat(TestRuntimes.callPromptly(() -> runtime.runWithTimeout(body, Duration.ZERO), "runtime.runWithTimeout's outcome"))
            .isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(Duration.ZERO)));
      }
      assertThat(ran).hasValue(0);
      assertThat(time.pendingTimers()).isZero();
    } finally {
      TestRuntimes.stop(runtime);
    }
  }

  @Test
  void aMaxDelayBelowTheInitialDelayIsRejectedNamingBoth() {
    assertThatThrownBy(() -> RetryPolicy.builder()
            .initialDelay(Duration.ofSeconds(1)).maxDelay(Duration.ofMillis(100)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDelay")
        .hasMessageContaining("initialDelay");
    assertThat(RetryPolicy.builder().initialDelay(Duration.ofSeconds(1)).maxDelay(Duration.ofSeconds(1)).build()
        .delay(3)).isEqualTo(Duration.ofSeconds(1));
  }
}
