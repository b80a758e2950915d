package land.echo.scheduler;

import static land.echo.scheduler.SchedulerBasicsTest.awaitQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import land.echo.Priority;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SchedulerStatsTest {

  @Test
  void statsShowQueuedPerPriorityRunningCompletedParkedAndBusyTime() throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    await().until(() -> scheduler.stats().parkedWorkers() == 1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    scheduler.execute(() -> {
      started.countDown();
      awaitQuietly(release);
    });
    TestThreads.awaitPromptly(started, "started");
    for (int i = 0; i < 3; i++) {
      scheduler.execute(() -> { }, Priority.HIGH);
    }
    for (int i = 0; i < 5; i++) {
      scheduler.execute(() -> { }, Priority.LOW);
    }
    scheduler.execute(() -> { }, Priority.NORMAL);

    SchedulerStats busy = scheduler.stats();
    assertThat(busy.workers()).isEqualTo(1);
    assertThat(busy.queued(Priority.HIGH)).isEqualTo(3);
    assertThat(busy.queued(Priority.NORMAL)).isEqualTo(1);
    assertThat(busy.queued(Priority.LOW)).isEqualTo(5);
    assertThat(busy.queuedTotal()).isEqualTo(9);
    assertThat(busy.running()).isEqualTo(1);
    assertThat(busy.parkedWorkers()).isZero();
    assertThat(busy.busyNanos()).hasSize(1);

    release.countDown();
    await().until(() -> scheduler.stats().completed() == 10);
    await().until(() -> scheduler.stats().parkedWorkers() == 1);
    SchedulerStats idle = scheduler.stats();
    assertThat(idle.queuedTotal()).isZero();
    assertThat(idle.running()).isZero();
    assertThat(idle.failed()).isZero();
    assertThat(idle.totalBusyNanos()).isPositive();
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void statsRecordStealsWhenAnIdleWorkerTakesFromABusyOne() throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch queued = new CountDownLatch(1);
    CountDownLatch stolenRan = new CountDownLatch(10);
    scheduler.execute(() -> {
      for (int i = 0; i < 10; i++) {
        scheduler.execute(stolenRan::countDown); // to this worker's ring; the other must steal
      }
      queued.countDown();
      awaitQuietly(release);
    });

    TestThreads.awaitPromptly(queued, "queued");
    TestThreads.awaitPromptly(stolenRan, "stolen ran");
    release.countDown();
    assertThat(scheduler.stats().steals()).isPositive();
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void recordRejectsBusyNanosOfTheWrongLength() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SchedulerStats(
            2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, java.util.List.of(1L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one entry per worker (2)");
  }
}
