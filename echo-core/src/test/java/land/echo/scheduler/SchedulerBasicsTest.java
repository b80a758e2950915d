package land.echo.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import land.echo.Priority;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SchedulerBasicsTest {
  private EchoScheduler scheduler;

  @AfterEach
  void stop() throws InterruptedException {
    if (scheduler != null) {
      scheduler.shutdownNow();
      assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }
  }

  @Test
  void singleWorkerRunsQueuedTasksHighestPriorityFirstThenFifo() throws InterruptedException {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    CountDownLatch gate = occupyTheWorker(scheduler);
    List<String> order = new CopyOnWriteArrayList<>();
    scheduler.execute(() -> order.add("low1"), Priority.LOW);
    scheduler.execute(() -> order.add("normal1"), Priority.NORMAL);
    scheduler.execute(() -> order.add("high1"), Priority.HIGH);
    scheduler.execute(() -> order.add("low2"), Priority.LOW);
    scheduler.execute(() -> order.add("high2"), Priority.HIGH);
    scheduler.execute(() -> order.add("normal2"));
    gate.countDown();

    await().until(() -> order.size() == 6);
    assertThat(order).containsExactly("high1", "high2", "normal1", "normal2", "low1", "low2");
  }

  /**
   * A worker serves its own queue newest first (a fork runs depth-first), and what came from
   * outside in the order it came, also after a batch of it moved to the worker's own queue.
   */
  @Test
  void aWorkerRunsItsOwnSubmissionsNewestFirstAndOutsideOnesInTheirOrder() throws InterruptedException {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    CountDownLatch gate = occupyTheWorker(scheduler);
    List<Integer> outside = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 40; i++) {
      int n = i;
      scheduler.execute(() -> outside.add(n));
    }
    gate.countDown();
    await().until(() -> outside.size() == 40);
    assertThat(outside).isSortedAccordingTo(Integer::compare);

    List<String> inside = new CopyOnWriteArrayList<>();
    scheduler.execute(() -> {
      for (int i = 0; i < 3; i++) {
        int n = i;
        scheduler.execute(() -> inside.add("local" + n));
      }
    });
    await().until(() -> inside.size() == 3);
    assertThat(inside).containsExactly("local2", "local1", "local0");
  }

  /** {@code requeue} from a worker goes behind that worker's own queue, not on top of it. */
  @Test
  void aRequeuedTaskRunsAfterTheWorkersOwnQueue() {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    List<String> order = new CopyOnWriteArrayList<>();
    scheduler.execute(() -> {
      scheduler.execute(() -> order.add("local0"));
      scheduler.execute(() -> order.add("local1"));
      scheduler.requeue(() -> order.add("requeued"), Priority.NORMAL);
      scheduler.execute(() -> order.add("local2"));
    });

    await().until(() -> order.size() == 4);
    assertThat(order).containsExactly("local2", "local1", "local0", "requeued");
  }

  @Test
  void requeueRefusesWhenShutDownAndNamesWhatIsMissing() throws InterruptedException {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    assertThatThrownBy(() -> scheduler.requeue(null, Priority.LOW)).isInstanceOf(NullPointerException.class).hasMessage("task");
    assertThatThrownBy(() -> scheduler.requeue(() -> { }, null)).isInstanceOf(NullPointerException.class).hasMessage("priority");
    scheduler.shutdown();
    assertThatThrownBy(() -> scheduler.requeue(() -> { }, Priority.LOW)).isInstanceOf(RejectedExecutionException.class);
    AtomicReference<Throwable> fromWorker = new AtomicReference<>();
    EchoScheduler other = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    try {
      CountDownLatch done = new CountDownLatch(1);
      other.execute(() -> {
        other.shutdown();
        try {
          other.requeue(() -> { }, Priority.HIGH);
        } catch (Throwable e) {
          fromWorker.set(e);
        }
        done.countDown();
      });
      TestThreads.awaitPromptly(done, "requeue on a worker of a shut-down scheduler");
    } finally {
      other.shutdownNow();
    }
    assertThat(fromWorker.get()).isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void aThrowingTaskIsReportedAndItsWorkerKeepsRunning() {
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    List<Runnable> reportedTasks = new CopyOnWriteArrayList<>();
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1)
        .uncaughtTaskHandler((task, failure) -> {
          reportedTasks.add(task);
          reported.add(failure);
        }).build());
    IllegalStateException boom = new IllegalStateException("boom");
    Runnable thrower = () -> {
      throw boom;
    };
    AtomicInteger after = new AtomicInteger();

    scheduler.execute(thrower);
    scheduler.execute(after::incrementAndGet);

    await().until(() -> after.get() == 1);
    assertThat(reported).containsExactly(boom);
    assertThat(reportedTasks).containsExactly(thrower);
    assertThat(scheduler.stats().failed()).isEqualTo(1);
  }

  @Test
  void aThrowingUncaughtTaskHandlerDoesNotKillTheWorker() {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1)
        .uncaughtTaskHandler((task, failure) -> {
          throw new IllegalStateException("handler is broken");
        }).build());
    AtomicInteger after = new AtomicInteger();

    scheduler.execute(() -> {
      throw new IllegalArgumentException("task failed");
    });
    scheduler.execute(after::incrementAndGet);

    await().until(() -> after.get() == 1);
  }

  @Test
  void workersAreNamedDaemonPlatformThreads() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    Thread thread = TestThreads.joinPromptly(scheduler.submit(Thread::currentThread), "the submitted task");

    assertThat(thread.getName()).matches("echo-worker-[01]");
    assertThat(thread.isDaemon()).isTrue();
    assertThat(thread.isVirtual()).isFalse();
    assertThat(TestThreads.joinPromptly(scheduler.submit(scheduler::isWorkerThread), "the submitted task")).isTrue();
    assertThat(scheduler.isWorkerThread()).isFalse();
    assertThat(scheduler.workerCount()).isEqualTo(2);
  }

  @Test
  void aTaskSubmittedFromAnotherSchedulersWorkerRunsOnTheTargetScheduler() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    EchoScheduler other = EchoScheduler.create(
        SchedulerConfig.builder().workers(1).threadNamePrefix("other-worker-").build());
    try {
      CountDownLatch ran = new CountDownLatch(1);
      List<String> threads = new CopyOnWriteArrayList<>();
      TestThreads.joinPromptly(other.submit(() -> scheduler.execute(() -> {
        threads.add(Thread.currentThread().getName());
        ran.countDown();
      }, Priority.HIGH)), "the task on the other scheduler");

      TestThreads.awaitPromptly(ran, "ran");
      assertThat(threads).containsExactly("echo-worker-0");
    } finally {
      other.shutdownNow();
    }
  }

  /**
   * Blocks a worker of {@code scheduler} (its only one, in the tests that use this) until the
   * returned gate opens, so that what is submitted meanwhile queues up.
   */
  static CountDownLatch occupyTheWorker(EchoScheduler scheduler) throws InterruptedException {
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    scheduler.execute(() -> {
      blocked.countDown();
      awaitQuietly(gate);
    });
    TestThreads.awaitPromptly(blocked, "blocked");
    return gate;
  }

  static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
