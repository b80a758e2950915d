package land.echo.scheduler;

import static land.echo.scheduler.SchedulerBasicsTest.awaitQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ParkingTest {
  private EchoScheduler scheduler;

  @AfterEach
  void stop() throws InterruptedException {
    scheduler.shutdownNow();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void idleWorkersParkAndASubmissionWakesOne() {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(4).build());
    await().until(() -> scheduler.stats().parkedWorkers() == 4);
    AtomicInteger ran = new AtomicInteger();

    scheduler.execute(ran::incrementAndGet);

    await().until(() -> ran.get() == 1);
    await().until(() -> scheduler.stats().parkedWorkers() == 4);
  }

  @Test
  void oneSubmissionIntoAnIdlePoolWakesExactlyOneWorker() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(4).build());
    await().until(() -> scheduler.stats().parkedWorkers() == 4);
    long before = scheduler.idle.wakeUps();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);

    scheduler.execute(() -> {
      started.countDown();
      awaitQuietly(release);
    });

    TestThreads.awaitPromptly(started, "started");
    assertThat(scheduler.stats().parkedWorkers()).isEqualTo(3);
    release.countDown();
    await().until(() -> scheduler.stats().parkedWorkers() == 4);
    assertThat(scheduler.idle.wakeUps() - before).isEqualTo(1);
  }

  @Test
  void workersWakeForEachOfManySubmissionsSpacedByIdlePeriods() {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    AtomicInteger ran = new AtomicInteger();
    for (int i = 1; i <= 20; i++) {
      int expected = i;
      await().pollInterval(Duration.ofMillis(1)).until(() -> scheduler.stats().parkedWorkers() == 2);
      scheduler.execute(ran::incrementAndGet);
      await().pollInterval(Duration.ofMillis(1)).until(() -> ran.get() == expected);
    }
  }

  @Test
  void aWorkerThatRanOutOfWorkWatchesBeforeItParksAndTakesASubmissionWithoutAWakeUp() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder()
        .workers(1)
        .spinBeforePark(SchedulerConfig.MAX_SPIN_BEFORE_PARK)
        .build());
    int withoutWakeUp = 0;
    for (int attempt = 0; attempt < 50 && withoutWakeUp == 0; attempt++) {
      TestThreads.joinPromptly(scheduler.submit(() -> { }), "the task that ends a busy period");
      // The worker then watches for 10 ms instead of parking at once. Look for it for half that,
      // reading the idle word in a loop (a poll interval would miss the window on a busy machine);
      // without the watch a searching worker lasts microseconds and this would rarely see it.
      long until = System.nanoTime() + 5_000_000;
      boolean watching = false;
      while (!watching && System.nanoTime() - until < 0) {
        watching = scheduler.idle.searchingCount() == 1;
      }
      if (!watching) {
        continue; // this thread was descheduled past the window: try again
      }
      long before = scheduler.idle.wakeUps();

      TestThreads.joinPromptly(scheduler.submit(() -> { }), "the submission during the watch");

      if (scheduler.idle.wakeUps() == before) {
        withoutWakeUp++;
      }
    }
    assertThat(withoutWakeUp).as("submissions taken by a watching worker without a wake-up").isPositive();
  }

  @Test
  void withoutSpinningAnIdleWorkerParksAndEverySpacedSubmissionWakesIt() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).spinBeforePark(Duration.ZERO).build());
    for (int attempt = 0; attempt < 5; attempt++) {
      await().pollInterval(Duration.ofMillis(1)).until(() -> scheduler.stats().parkedWorkers() == 1);
      long before = scheduler.idle.wakeUps();

      TestThreads.joinPromptly(scheduler.submit(() -> { }), "a task");

      assertThat(scheduler.idle.wakeUps() - before).isEqualTo(1);
    }
  }

  @Test
  void aWatchingWorkerStopsWatchingAtShutdown() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder()
        .workers(2)
        .spinBeforePark(SchedulerConfig.MAX_SPIN_BEFORE_PARK)
        .build());
    for (int i = 0; i < 50; i++) {
      TestThreads.joinPromptly(scheduler.submit(() -> { }), "a task");
      scheduler.execute(() -> { });
    }

    scheduler.shutdown();

    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void aStaleInterruptLeftByATaskDoesNotReachTheNextTask() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    TestThreads.joinPromptly(scheduler.submit(() -> Thread.currentThread().interrupt()), "the interrupting task");

    boolean interruptedAtStart = TestThreads.joinPromptly(scheduler.submit(() -> Thread.currentThread().isInterrupted()), "the next task");

    assertThat(interruptedAtStart).isFalse();
    await().until(() -> scheduler.stats().parkedWorkers() == 1); // parks instead of spinning
  }
}
