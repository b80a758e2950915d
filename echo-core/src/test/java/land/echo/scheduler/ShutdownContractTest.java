package land.echo.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import land.echo.Priority;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ShutdownContractTest {

  @Test
  void shutdownRunsEveryQueuedTaskThenTerminatesAndRejectsNewWork() throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    List<String> events = new CopyOnWriteArrayList<>();
    scheduler.execute(() -> {
      blocked.countDown();
      SchedulerBasicsTest.awaitQuietly(release);
      events.add("first");
    });
    TestThreads.awaitPromptly(blocked, "blocked");
    for (int i = 0; i < 100; i++) {
      int n = i;
      scheduler.execute(() -> events.add("queued-" + n), Priority.values()[i % 3]);
    }

    scheduler.shutdown();
    events.add("shutdown returned");

    assertThat(scheduler.isShutdown()).isTrue();
    assertThat(scheduler.isTerminated()).isFalse();
    assertThat(scheduler.awaitTermination(50, TimeUnit.MILLISECONDS)).isFalse();
    assertThatThrownBy(() -> scheduler.execute(() -> { }))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("shut down");
    assertThatThrownBy(() -> scheduler.executeBlocking(() -> { }, Priority.HIGH))
        .isInstanceOf(RejectedExecutionException.class);

    release.countDown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(scheduler.isTerminated()).isTrue();
    assertThat(events).hasSize(102);
    assertThat(events.get(0)).isEqualTo("shutdown returned");
    assertThat(events.get(1)).isEqualTo("first");
    assertThat(events.subList(2, 102)).allMatch(e -> e.startsWith("queued-"));
  }

  @Test
  void shutdownNowInterruptsRunningTasksAndReturnsUnstartedOnesHighestPriorityFirst()
      throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    scheduler.execute(() -> {
      blocked.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
    });
    TestThreads.awaitPromptly(blocked, "blocked");
    List<Runnable> submitted = new ArrayList<>();
    List<Runnable> expected = new ArrayList<>();
    for (Priority p : List.of(Priority.LOW, Priority.HIGH, Priority.NORMAL, Priority.HIGH)) {
      Runnable task = () -> { };
      submitted.add(task);
      scheduler.execute(task, p);
    }
    expected.add(submitted.get(1));
    expected.add(submitted.get(3));
    expected.add(submitted.get(2));
    expected.add(submitted.get(0));

    List<Runnable> unstarted = scheduler.shutdownNow();

    assertThat(unstarted).containsExactlyElementsOf(expected);
    TestThreads.awaitPromptly(interrupted, "interrupted");
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(scheduler.stats().completed()).isEqualTo(1);
  }
}
