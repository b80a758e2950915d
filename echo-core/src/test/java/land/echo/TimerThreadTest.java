package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JVM-wide timer thread only hands work over: no cancellation action, handle dependent or log
 * call of a timed-out effect runs on it, so a slow one stalls no other timer (issue: timer thread).
 */
@Timeout(60)
class TimerThreadTest {
  private static final Duration SHORT = Duration.ofMillis(20);

  private final ApplicationRuntime first = TestRuntimes.onSystemTime();
  private final ApplicationRuntime second = TestRuntimes.onSystemTime();
  private final List<String> threads = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    first.shutdown(Duration.ZERO);
    second.shutdown(Duration.ZERO);
  }

  private static ActionEffect<String, Integer> waitForever(CountDownLatch started, Runnable onCancel) {
    return ActionEffect.<String, Integer>blocking(token -> {
      token.onCancel(onCancel);
      started.countDown();
      new CountDownLatch(1).await();
      return 1;
    });
  }

  @Test
  void neitherCancellationActionsNorDependentsOfATimedOutEffectRunOnTheTimerThread() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    EffectHandle<String, Integer> handle = first.submitWithTimeout(
        waitForever(started, () -> threads.add("onCancel:" + Thread.currentThread().getName())).timeout(SHORT),
        SHORT, Priority.NORMAL);
    handle.outcome().thenRun(() -> threads.add("dependent:" + Thread.currentThread().getName()));

    assertThat(TestRuntimes.joinPromptly(handle)).isInstanceOf(Outcome.Faulted.class);
    await().until(() -> threads.size() == 2);
    assertThat(threads).noneMatch(name -> name.endsWith(":echo-timer"));
  }

  @Test
  void aCancellationActionThatBlocksDoesNotDelayAnotherRuntimesTimeout() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch actionRunning = new CountDownLatch(1);
    CountDownLatch releaseAction = new CountDownLatch(1);
    // The budget covers the queue wait: it must outlast the body's start even on a loaded machine,
    // or the effect is cancelled before it registers its action and nothing here ever starts.
    first.submitWithTimeout(waitForever(started, () -> {
      actionRunning.countDown();
      TestRuntimes.awaitUninterruptibly(releaseAction);
    }), Duration.ofSeconds(1), Priority.NORMAL);
    TestRuntimes.awaitPromptly(started, "started");
    TestRuntimes.awaitPromptly(actionRunning, "action running");

    // While that action blocks, a timeout on another runtime still fires.
    CountDownLatch otherStarted = new CountDownLatch(1);
    EffectHandle<String, Integer> other =
        second.submitWithTimeout(waitForever(otherStarted, () -> {}), SHORT, Priority.NORMAL);

    assertThat(TestRuntimes.joinPromptly(other)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(SHORT)));
    releaseAction.countDown();
  }

  @Test
  void aTimeoutStillFiresWhileEveryWorkerIsBusyWithALongComputeBody() throws Exception {
    CountDownLatch busy = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < 2; i++) {
      first.submit(ActionEffect.<String, Integer>compute(token -> {
        busy.countDown();
        release.await();
        return 0;
      }));
    }
    TestRuntimes.awaitPromptly(busy, "busy");

    EffectHandle<String, Integer> queued =
        first.submitWithTimeout(ActionEffect.<String, Integer>succeed(1), SHORT, Priority.HIGH);

    assertThat(TestRuntimes.joinPromptly(queued)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(SHORT)));
    release.countDown();
  }
}
