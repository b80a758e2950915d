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

@Timeout(30)
class TimeoutTest {
  private static final Duration HALF_SECOND = Duration.ofMillis(500);
  private static final Duration NANO = Duration.ofNanos(1);

  private final VirtualTime time = new VirtualTime();
  private ApplicationRuntime runtime = TestRuntimes.onVirtualTime(time);

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  @Test
  void runWithTimeoutCompletesWithTimedOutExactlyAtTheDeadline() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    EffectHandle<String, Integer> handle =
        runtime.submitWithTimeout(
            TestRuntimes.blockUntilInterrupted(started, new CountDownLatch(1), 1), HALF_SECOND, Priority.HIGH);
    TestRuntimes.awaitPromptly(started, "started");
    time.advance(HALF_SECOND.minus(NANO));
    assertThat(time.pendingTimers()).as("the deadline is still pending").isEqualTo(1);
    assertThat(handle.isDone()).isFalse();
    time.advance(NANO);
    // The timer hands the expiry over to another thread, so the handle completes just after.
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(HALF_SECOND)));
    assertThat(((Outcome.Faulted<?, ?>) TestRuntimes.joinPromptly(handle)).fault().message())
        .isEqualTo("Effect execution timed out after PT0.5S");
    assertThat(runtime.stats().timedOut()).isEqualTo(1);
  }

  @Test
  void aTimedOutBlockingBodyIsInterrupted() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    EffectHandle<String, Integer> handle =
        runtime.submitWithTimeout(TestRuntimes.blockUntilInterrupted(started, interrupted, 1), HALF_SECOND, Priority.NORMAL);
    TestRuntimes.awaitPromptly(started, "started");
    time.advance(HALF_SECOND);
    TestRuntimes.awaitPromptly(interrupted, "interrupted");
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(HALF_SECOND)));
  }

  @Test
  void aTimedOutComputeBodySeesItsToken() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch observed = new CountDownLatch(1);
    EffectHandle<String, Integer> handle = runtime.submitWithTimeout(ActionEffect.<String, Integer>compute(token -> {
      started.countDown();
      while (!token.isCancelled()) {
        Thread.onSpinWait();
      }
      observed.countDown();
      return 1;
    }), HALF_SECOND, Priority.NORMAL);
    TestRuntimes.awaitPromptly(started, "started");
    time.advance(HALF_SECOND);
    TestRuntimes.awaitPromptly(observed, "observed");
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(HALF_SECOND)));
  }

  @Test
  void aQueuedEffectThatTimesOutNeverStarts() throws Exception {
    TestRuntimes.stop(runtime);
    runtime = TestRuntimes.onVirtualTime(time, 1);
    CountDownLatch release = TestRuntimes.occupyAWorker(runtime, Priority.NORMAL);
    AtomicBoolean started = new AtomicBoolean();
    EffectHandle<String, Integer> queued = runtime.submitWithTimeout(
        ActionEffect.<String, Integer>compute(token -> {
          started.set(true);
          return 1;
        }), HALF_SECOND, Priority.NORMAL);
    time.advance(HALF_SECOND);
    assertThat(TestRuntimes.joinPromptly(queued)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(HALF_SECOND)));
    release.countDown();
    // A marker queued behind the timed-out effect at the same priority runs after it was dequeued.
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.succeed("marker")).isSuccess()).isTrue();
    assertThat(started).isFalse();
  }

  @Test
  void aDeadlineThatIsNotReachedLeavesNoTimerBehind() {
    Outcome<String, Integer> outcome = TestRuntimes.callPromptly(() -> runtime.runWithTimeout(ActionEffect.succeed(3), HALF_SECOND), "runtime.runWithTimeout's outcome");
    assertThat(outcome.getOrThrow()).isEqualTo(3);
    assertThat(time.pendingTimers()).isZero();
  }

  @Test
  void anEffectTimeoutFaultsAtTheDeadlineAndCancelsTheInnerEffect() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    ActionEffect<String, Integer> blocked = TestRuntimes.blockUntilInterrupted(started, interrupted, 1);
    EffectHandle<String, Integer> handle = runtime.submit(blocked.timeout(HALF_SECOND));
    TestRuntimes.awaitPromptly(started, "started");
    await().until(() -> time.nextDelay().equals(Optional.of(HALF_SECOND)));
    time.advance(HALF_SECOND);
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(HALF_SECOND)));
    TestRuntimes.awaitPromptly(interrupted, "interrupted");
  }

  @Test
  void anEffectTimeoutThatIsNotReachedPassesTheOutcomeThrough() {
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>fail("own").timeout(HALF_SECOND)))
        .isEqualTo(new Outcome.Failure<>("own"));
    assertThat(time.pendingTimers()).isZero();
  }

  @Test
  void timeoutInsideRetryLimitsEachAttempt() throws Exception {
    Duration backoff = Duration.ofMillis(100);
    List<Duration> attemptStarts = new CopyOnWriteArrayList<>();
    ActionEffect<String, Integer> attempt = ActionEffect.blocking(token -> {
      attemptStarts.add(time.now());
      new CountDownLatch(1).await();
      return 1;
    });
    EffectHandle<String, Integer> handle =
        runtime.submit(attempt.timeout(HALF_SECOND).retry(RetryPolicy.of(2, backoff)));
    for (int i = 0; i < 3; i++) {
      int expected = i + 1;
      await().until(() -> attemptStarts.size() == expected && time.nextDelay().equals(Optional.of(HALF_SECOND)));
      time.advance(HALF_SECOND);
      if (i < 2) {
        Duration delay = backoff.multipliedBy(1L << i);
        await().until(() -> time.nextDelay().equals(Optional.of(delay)));
        time.advance(delay);
      }
    }
    assertThat(TestRuntimes.joinPromptly(handle)).as("the last attempt's fault, unchanged")
        .isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(HALF_SECOND)));
    assertThat(attemptStarts).containsExactly(
        Duration.ZERO, Duration.ofMillis(600), Duration.ofMillis(1300));
  }

  @Test
  void retryInsideTimeoutHasOneOverallDeadline() {
    AtomicInteger attempts = new AtomicInteger();
    Duration overall = Duration.ofMillis(250);
    ActionEffect<String, Integer> failing = ActionEffect.<String, Integer>compute(token -> attempts.incrementAndGet())
        .flatMap(n -> ActionEffect.fail("attempt " + n));
    EffectHandle<String, Integer> handle =
        runtime.submit(failing.retry(RetryPolicy.of(5, Duration.ofMillis(100))).timeout(overall));
    await().until(() -> attempts.get() == 1 && time.pendingTimers() == 2);
    time.advance(Duration.ofMillis(100));
    await().until(() -> attempts.get() == 2 && time.pendingTimers() == 2);
    time.advance(Duration.ofMillis(150));
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(overall)));
    await().until(() -> time.pendingTimers() == 0);
    assertThat(attempts).hasValue(2);
  }

  @Test
  void aNegativeTimeoutIsRejectedWithAClearMessage() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> runtime.submitWithTimeout(ActionEffect.succeed(1), Duration.ofMillis(-1), Priority.LOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
  }
}
