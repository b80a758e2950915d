package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.internal.Fiber;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Cancellation listeners: O(1) close, never run after their effect completed (issue: listeners). */
@Timeout(60)
class CancelListenerTest {
  private ApplicationRuntime runtime = TestRuntimes.onSystemTime();

  @AfterEach
  void stop() {
    runtime.shutdown(Duration.ZERO);
  }

  @Test
  void aMillionOpenAndCloseCyclesRetainNothingAndTheCancelRunsOnlyTheOpenAction() throws Exception {
    CountDownLatch opened = new CountDownLatch(1);
    AtomicInteger ran = new AtomicInteger();
    CompletableFuture<Integer> openAfterCycles = new CompletableFuture<>();
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      for (int i = 0; i < 1_000_000; i++) {
        token.onCancel(() -> ran.addAndGet(1_000)).close();
      }
      token.onCancel(ran::incrementAndGet);
      openAfterCycles.complete(((Fiber<?, ?>) token).openListeners());
      opened.countDown();
      new CountDownLatch(1).await();
      return 1;
    }));
    TestRuntimes.awaitPromptly(opened, "opened");

    assertThat(TestRuntimes.joinPromptly(openAfterCycles, "the open count after the cycles")).isEqualTo(1);
    handle.cancel();

    await().until(() -> ran.get() != 0);
    assertThat(ran).hasValue(1);
  }

  @Test
  void aClosedRegistrationNeverRunsAndClosingTwiceIsHarmless() throws Exception {
    CountDownLatch registered = new CountDownLatch(1);
    AtomicInteger ran = new AtomicInteger();
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      CancellationToken.Registration first = token.onCancel(() -> ran.addAndGet(10));
      token.onCancel(ran::incrementAndGet);
      CancellationToken.Registration third = token.onCancel(() -> ran.addAndGet(100));
      first.close();
      first.close();
      third.close();
      registered.countDown();
      new CountDownLatch(1).await();
      return 1;
    }));
    TestRuntimes.awaitPromptly(registered, "registered");
    handle.cancel();
    await().until(() -> ran.get() != 0);
    assertThat(ran).hasValue(1);
  }

  @Test
  void theRollbackOfAChildThatAlreadyCommittedDoesNotRunWhenASiblingFails() {
    AtomicInteger rollbacks = new AtomicInteger();
    CountDownLatch committed = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<CancellationToken> commitToken = new java.util.concurrent.atomic.AtomicReference<>();
    ActionEffect<String, Integer> commits = ActionEffect.<String, Integer>compute(token -> {
      commitToken.set(token);
      token.onCancel(rollbacks::incrementAndGet);
      return 1;
    }).ensuring(committed::countDown);
    ActionEffect<String, Integer> failsLater = ActionEffect.<String, Integer>blocking(token -> {
      committed.await();
      // The finalizer runs just before the child finishes: fail only once it has (its token then
      // reads "done"), so that the sibling's failure meets an already completed child.
      org.awaitility.Awaitility.await().until(() -> commitToken.get().toString().endsWith(", done]"));
      return 0;
    }).flatMap(x -> ActionEffect.fail("sibling failed"));

    Outcome<String, List<Integer>> outcome = TestRuntimes.runPromptly(runtime, ActionEffect.all(List.of(commits, failsLater)));

    assertThat(outcome).isEqualTo(new Outcome.Failure<>("sibling failed"));
    assertThat(rollbacks).hasValue(0);
  }

  @Test
  void aBlockingCallCancelledWhileWaitingForItsPermitLeavesTheLaneQueueAndNeverRuns() throws Exception {
    runtime.shutdown(Duration.ZERO);
    runtime = ApplicationRuntime.create(Environment.empty(),
        EchoScheduler.create(SchedulerConfig.builder().workers(1).blockingLimit(1).build()));
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger secondRan = new AtomicInteger();
    runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      holding.countDown();
      release.await();
      return 1;
    }));
    TestRuntimes.awaitPromptly(holding, "holding");
    EffectHandle<String, Integer> waiting = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      secondRan.incrementAndGet();
      return 2;
    }).ensuring(() -> secondRan.addAndGet(100)));
    // Waiting in the lane: its root has run on the worker (two tasks completed there) and one task
    // is queued. The queued count alone is also 1 while the root still sits in the global queue;
    // cancelled there, the root never starts, its finalizer rightly never runs, and the assertion
    // below failed about once in 200 repetitions (2026-12-02, docs/measurements/2026-12-02f).
    await().until(() -> runtime.scheduler().stats().completed() == 2 && queuedBlocking() == 1);

    waiting.cancel();

    await().until(() -> queuedBlocking() == 0);
    // The finalizer ran, the body never did: 0 if the cancelled fiber never resumed, 101 if the
    // body ran too.
    await().untilAsserted(() -> assertThat(secondRan).hasValue(100));
    release.countDown();
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>blocking(token -> 3))).isEqualTo(new Outcome.Success<>(3));
    assertThat(secondRan).hasValue(100);
  }

  /** Queued at NORMAL: blocking tasks waiting for a permit, and roots in the global queue not yet taken. */
  private long queuedBlocking() {
    return runtime.scheduler().stats().queued(Priority.NORMAL);
  }
}
