package land.echo.scheduler;

import static land.echo.scheduler.SchedulerBasicsTest.awaitQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import land.echo.Priority;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BlockingAndNamedQueueTest {

  @Test
  void blockingTasksRunOnVirtualThreadsNeverOnWorkers() throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    List<Thread> threads = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(1);

    scheduler.executeBlocking(() -> {
      threads.add(Thread.currentThread());
      done.countDown();
    }, Priority.NORMAL);

    TestThreads.awaitPromptly(done, "done");
    assertThat(threads.get(0).isVirtual()).isTrue();
    assertThat(threads.get(0)).isNotInstanceOf(WorkerThread.class);
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void overTheBlockingLimitHighIsAdmittedFirstThenFifoWithinAPriority() throws Exception {
    EchoScheduler scheduler =
        EchoScheduler.create(SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    List<String> order = new CopyOnWriteArrayList<>();
    scheduler.executeBlocking(() -> {
      started.countDown();
      awaitQuietly(release);
    }, Priority.LOW);
    TestThreads.awaitPromptly(started, "started");
    scheduler.executeBlocking(() -> order.add("low1"), Priority.LOW);
    scheduler.executeBlocking(() -> order.add("normal1"), Priority.NORMAL);
    scheduler.executeBlocking(() -> order.add("high1"), Priority.HIGH);
    scheduler.executeBlocking(() -> order.add("low2"), Priority.LOW);
    scheduler.executeBlocking(() -> order.add("high2"), Priority.HIGH);
    assertThat(scheduler.stats().queued(Priority.HIGH)).isEqualTo(2);
    assertThat(scheduler.stats().blockingRunning()).isEqualTo(1);

    release.countDown();

    await().until(() -> order.size() == 5);
    assertThat(order).containsExactly("high1", "high2", "normal1", "low1", "low2");
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void shutdownWaitsForRunningAndWaitingBlockingTasks() throws Exception {
    EchoScheduler scheduler =
        EchoScheduler.create(SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger waitingRan = new AtomicInteger();
    scheduler.executeBlocking(() -> {
      started.countDown();
      awaitQuietly(release);
    }, Priority.NORMAL);
    TestThreads.awaitPromptly(started, "started");
    scheduler.executeBlocking(waitingRan::incrementAndGet, Priority.LOW);

    scheduler.shutdown();

    assertThat(scheduler.awaitTermination(20, TimeUnit.MILLISECONDS)).isFalse();
    release.countDown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(waitingRan.get()).isEqualTo(1);
    assertThat(scheduler.stats().blockingCompleted()).isEqualTo(2);
  }

  @Test
  void namedQueueWaitingTasksHoldNoWorkerAndStartHighestPriorityFirst() throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(
        SchedulerConfig.builder().workers(2).namedQueue("db", 1).build());
    NamedQueue db = scheduler.queue("db");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    List<String> order = new CopyOnWriteArrayList<>();
    db.execute(() -> {
      started.countDown();
      awaitQuietly(release);
    }, Priority.LOW);
    TestThreads.awaitPromptly(started, "started");
    db.execute(() -> order.add("low"), Priority.LOW);
    db.execute(() -> order.add("normal"), Priority.NORMAL);
    db.execute(() -> order.add("high"), Priority.HIGH);

    assertThat(db.running()).isEqualTo(1);
    assertThat(db.waiting()).isEqualTo(3);
    assertThat(scheduler.hasWork()).as("waiting tasks are not in worker queues").isFalse();
    assertThat(TestThreads.joinPromptly(scheduler.submit(() -> "free worker"), "the task on the free worker"))
        .isEqualTo("free worker");

    release.countDown();
    await().until(() -> order.size() == 3);
    assertThat(order).containsExactly("high", "normal", "low");
    await().until(() -> db.running() == 0 && db.waiting() == 0);
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void namedQueueNeverRunsMoreThanItsLimitAndRunsEveryTaskOnce() throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(
        SchedulerConfig.builder().workers(4).namedQueue("io", 3).build());
    NamedQueue io = scheduler.queue("io");
    int tasks = 20_000;
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
    AtomicInteger done = new AtomicInteger();
    for (int i = 0; i < tasks; i++) {
      int id = i;
      Runnable task = () -> {
        maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
        runs.incrementAndGet(id);
        Thread.onSpinWait();
        concurrent.decrementAndGet();
        done.incrementAndGet();
      };
      if (i % 2 == 0) {
        io.execute(task, Priority.values()[i % 3]);
      } else {
        scheduler.execute(() -> io.execute(task, Priority.values()[id % 3])); // from a worker
      }
    }

    await().until(() -> done.get() == tasks);
    assertThat(maxConcurrent.get()).isBetween(1, 3);
    for (int i = 0; i < tasks; i++) {
      assertThat(runs.get(i)).as("runs of task %d", i).isEqualTo(1);
    }
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void shutdownStillRunsNamedTasksWaitingForAPermit() throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(
        SchedulerConfig.builder().workers(2).namedQueue("db", 1).build());
    NamedQueue db = scheduler.queue("db");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger ran = new AtomicInteger();
    db.execute(() -> {
      started.countDown();
      awaitQuietly(release);
    });
    TestThreads.awaitPromptly(started, "started");
    for (int i = 0; i < 10; i++) {
      db.execute(ran::incrementAndGet, Priority.values()[i % 3]);
    }

    scheduler.shutdown();
    release.countDown();

    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(ran.get()).isEqualTo(10);
  }
}
