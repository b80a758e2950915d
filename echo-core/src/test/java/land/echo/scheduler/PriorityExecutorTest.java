package land.echo.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import land.echo.Priority;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PriorityExecutorTest {
  private EchoScheduler scheduler;

  @AfterEach
  void stop() throws InterruptedException {
    if (scheduler != null) {
      scheduler.shutdownNow();
      assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }
  }

  @Test
  void theExecutorOfAPriorityIsCachedAndNamesItsPriority() {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    for (Priority p : Priority.values()) {
      assertThat(scheduler.executor(p)).isSameAs(scheduler.executor(p));
      assertThat(scheduler.executor(p).toString()).contains(p.name());
    }
    assertThat(scheduler.executor(Priority.HIGH)).isNotSameAs(scheduler.executor(Priority.LOW));
  }

  @Test
  void supplyAsyncRunsTheSupplierOnAWorker() {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    CompletableFuture<Boolean> onWorker =
        CompletableFuture.supplyAsync(scheduler::isWorkerThread, scheduler.executor(Priority.HIGH));
    assertThat(TestThreads.joinPromptly(onWorker, "the supplyAsync task")).isTrue();
  }

  @Test
  void supplyAsyncKeepsThePriority() throws InterruptedException {
    // One worker, strict priorities: once the worker is free, queued HIGH work runs before LOW work.
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).starvationInterval(1_000_000).build());
    CountDownLatch gate = SchedulerBasicsTest.occupyTheWorker(scheduler);
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<Boolean> low =
        CompletableFuture.supplyAsync(() -> order.add("low"), scheduler.executor(Priority.LOW));
    CompletableFuture<Boolean> normal =
        CompletableFuture.supplyAsync(() -> order.add("normal"), scheduler.executor(Priority.NORMAL));
    CompletableFuture<Boolean> high =
        CompletableFuture.supplyAsync(() -> order.add("high"), scheduler.executor(Priority.HIGH));
    gate.countDown();

    TestThreads.joinPromptly(CompletableFuture.allOf(low, normal, high), "the three supplyAsync tasks");
    assertThat(order).containsExactly("high", "normal", "low");
  }

  @Test
  void afterShutdownTheExecutorRejectsAndAStageFailsWithTheRejection() {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    scheduler.shutdown();
    assertThatThrownBy(() -> scheduler.executor(Priority.NORMAL).execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
    CompletableFuture<String> source = new CompletableFuture<>();
    CompletableFuture<String> dependent = source.thenApplyAsync(s -> s + "!", scheduler.executor(Priority.LOW));
    source.complete("x");
    await().until(dependent::isDone);
    assertThatThrownBy(dependent::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void aNullPriorityIsRejected() {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    assertThatThrownBy(() -> scheduler.executor(null)).isInstanceOf(NullPointerException.class);
  }
}
