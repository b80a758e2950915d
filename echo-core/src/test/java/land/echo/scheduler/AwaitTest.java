package land.echo.scheduler;

import static land.echo.scheduler.SchedulerBasicsTest.awaitQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import land.echo.Priority;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AwaitTest {
  private EchoScheduler scheduler;

  @AfterEach
  void stop() throws InterruptedException {
    scheduler.shutdownNow();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void aBlockingTaskAwaitingNestedBlockingWorkCompletesUnderBlockingLimitOne() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    FutureTask<String> outer = new FutureTask<>(() -> {
      FutureTask<String> inner = new FutureTask<>(() -> "inner");
      scheduler.executeBlocking(inner, Priority.NORMAL); // waits: the outer task holds the permit
      return "outer+" + scheduler.await(inner);
    });

    scheduler.executeBlocking(outer, Priority.NORMAL);

    assertThat(TestThreads.joinPromptly(outer, "the outer blocking task")).isEqualTo("outer+inner");
    await().until(() -> scheduler.stats().blockingRunning() == 0);
    assertThat(scheduler.stats().blockingCompleted()).isEqualTo(2);
  }

  @Test
  void threeLevelsOfNestedBlockingAwaitCompleteUnderBlockingLimitOne() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    FutureTask<Integer> top = nested(3);

    scheduler.executeBlocking(top, Priority.LOW);

    assertThat(TestThreads.joinPromptly(top, "the top blocking task")).isEqualTo(3);
  }

  private FutureTask<Integer> nested(int depth) {
    return new FutureTask<>(() -> {
      if (depth == 1) {
        return 1;
      }
      FutureTask<Integer> child = nested(depth - 1);
      scheduler.executeBlocking(child, Priority.HIGH);
      return 1 + scheduler.await(child);
    });
  }

  @Test
  void aTaskTakingItsLentPermitBackWaitsUntilThePermitIsFreeSoTheLimitHolds() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    CompletableFuture<String> external = new CompletableFuture<>();
    CountDownLatch secondStarted = new CountDownLatch(1);
    CountDownLatch releaseSecond = new CountDownLatch(1);
    List<String> events = new CopyOnWriteArrayList<>();
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    FutureTask<Void> first = new FutureTask<>(() -> {
      String value = scheduler.await(external); // lends the only permit
      maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      events.add("first resumed with " + value);
      concurrent.decrementAndGet();
      return null;
    });
    scheduler.executeBlocking(first, Priority.HIGH);
    await().until(() -> scheduler.stats().blockingRunning() == 1);
    scheduler.executeBlocking(() -> {
      maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      secondStarted.countDown();
      awaitQuietly(releaseSecond);
      events.add("second done");
      concurrent.decrementAndGet();
    }, Priority.LOW);
    TestThreads.awaitPromptly(secondStarted, "admitted on the lent permit");

    external.complete("x"); // first may not continue until second gives the permit back
    await().until(() -> scheduler.stats().blockingRunning() == 2);
    assertThat(events).isEmpty();
    releaseSecond.countDown();

    TestThreads.joinPromptly(first, "the first task resuming");
    assertThat(events).containsExactly("second done", "first resumed with x");
    assertThat(maxConcurrent.get()).isEqualTo(1);
  }

  @Test
  void awaitOnAWorkerOfThisSchedulerThrowsAtOnceSayingWhatToDoInstead() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    CompletableFuture<String> never = new CompletableFuture<>();
    AtomicReference<Throwable> thrown = new AtomicReference<>();

    TestThreads.joinPromptly(scheduler.submit(() -> {
      try {
        scheduler.await(never);
      } catch (Throwable t) {
        thrown.set(t);
      }
    }), "the task awaiting on a worker");

    assertThat(thrown.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("worker of this scheduler")
        .hasMessageContaining("flatMap")
        .hasMessageContaining("submit()");
  }

  @Test
  void aWorkerOfAnotherSchedulerMayAwait() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    EchoScheduler other = EchoScheduler.create(
        SchedulerConfig.builder().workers(1).threadNamePrefix("other-worker-").build());
    try {
      String result = TestThreads.joinPromptly(
          other.submit(() -> scheduler.await(scheduler.submit(() -> "done"))), "the other scheduler's await");

      assertThat(result).isEqualTo("done");
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void anInterruptedAwaitThrowsInterruptedExceptionAndTheTaskGetsItsPermitBack() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    AtomicReference<Thread> awaiting = new AtomicReference<>();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    scheduler.executeBlocking(() -> {
      awaiting.set(Thread.currentThread());
      try {
        scheduler.await(new CompletableFuture<>());
      } catch (Throwable t) {
        thrown.set(t);
      }
      done.countDown();
    }, Priority.NORMAL);
    await().until(() -> awaiting.get() != null);
    await().until(() -> awaiting.get().getState() == Thread.State.WAITING);

    awaiting.get().interrupt();

    TestThreads.awaitPromptly(done, "done");
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    CountDownLatch next = new CountDownLatch(1); // the permit was taken back and released
    scheduler.executeBlocking(next::countDown, Priority.NORMAL);
    TestThreads.awaitPromptly(next, "next");
  }

  @Test
  void awaitOnAPlainThreadIsFutureGet() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());

    assertThat(scheduler.await(scheduler.submit(() -> 42))).isEqualTo(42);
  }
}
