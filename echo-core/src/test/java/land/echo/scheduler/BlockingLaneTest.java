package land.echo.scheduler;

import static land.echo.scheduler.SchedulerBasicsTest.awaitQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import land.echo.Priority;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BlockingLaneTest {

  @Test
  void aWithdrawnWaitingBlockingTaskNeverRunsAndNoLongerHoldsUpTermination() throws Exception {
    EchoScheduler scheduler =
        EchoScheduler.create(SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    scheduler.executeBlocking(() -> {
      started.countDown();
      awaitQuietly(release);
    }, Priority.NORMAL);
    TestThreads.awaitPromptly(started, "started");
    AtomicInteger ran = new AtomicInteger();
    Runnable cancelled = ran::incrementAndGet;
    scheduler.executeBlocking(cancelled, Priority.HIGH);
    assertThat(scheduler.stats().queued(Priority.HIGH)).isEqualTo(1);

    assertThat(scheduler.withdrawBlocking(cancelled)).isTrue();

    assertThat(scheduler.stats().queued(Priority.HIGH)).isZero();
    assertThat(scheduler.withdrawBlocking(cancelled)).as("already withdrawn").isFalse();
    scheduler.shutdown();
    release.countDown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(ran.get()).isZero();
    assertThat(scheduler.stats().blockingCompleted()).isEqualTo(1);
  }

  @Test
  void withdrawingTheLastOutstandingBlockingTaskAfterShutdownTerminatesTheScheduler()
      throws Exception {
    EchoScheduler scheduler =
        EchoScheduler.create(SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    scheduler.executeBlocking(() -> {
      started.countDown();
      awaitQuietly(release);
    }, Priority.NORMAL);
    TestThreads.awaitPromptly(started, "started");
    Runnable waiting = () -> { };
    scheduler.executeBlocking(waiting, Priority.NORMAL);
    scheduler.shutdown();
    release.countDown();
    await().until(() -> scheduler.stats().blockingCompleted() >= 1);

    scheduler.withdrawBlocking(waiting); // true or false: it ran already or never will

    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void withdrawBlockingReturnsFalseForAStartedOrUnknownTask() throws Exception {
    EchoScheduler scheduler =
        EchoScheduler.create(SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    try {
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch started = new CountDownLatch(1);
      Runnable running = () -> {
        started.countDown();
        awaitQuietly(release);
      };
      scheduler.executeBlocking(running, Priority.NORMAL);
      TestThreads.awaitPromptly(started, "started");

      assertThat(scheduler.withdrawBlocking(running)).isFalse();
      assertThat(scheduler.withdrawBlocking(() -> { })).isFalse();
      release.countDown();
    } finally {
      scheduler.shutdown();
      assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }
  }

  @Test
  void aBlockingTaskWhoseThreadCannotStartIsRejectedToItsSubmitter() throws Exception {
    FailingThreads threads = new FailingThreads();
    EchoScheduler scheduler = EchoScheduler.create(
        SchedulerConfig.builder().workers(1).blockingLimit(2).build(), threads);
    threads.failing.set(true);
    AtomicInteger ran = new AtomicInteger();

    assertThatThrownBy(() -> scheduler.executeBlocking(ran::incrementAndGet, Priority.NORMAL))
        .isInstanceOf(RejectedExecutionException.class)
        .hasCauseInstanceOf(OutOfMemoryError.class);

    threads.failing.set(false);
    CountDownLatch next = new CountDownLatch(2); // both permits are free again
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < 2; i++) {
      scheduler.executeBlocking(() -> {
        next.countDown();
        awaitQuietly(release);
      }, Priority.NORMAL);
    }
    TestThreads.awaitPromptly(next, "next");
    release.countDown();
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(ran.get()).isZero();
  }

  @Test
  void aWaitingBlockingTaskRunsWhenAdmittedEvenIfNoThreadCanBeStartedAnyMore() throws Exception {
    FailingThreads threads = new FailingThreads();
    EchoScheduler scheduler = EchoScheduler.create(
        SchedulerConfig.builder().workers(1).blockingLimit(1).build(), threads);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    scheduler.executeBlocking(() -> {
      started.countDown();
      awaitQuietly(release);
    }, Priority.NORMAL);
    TestThreads.awaitPromptly(started, "started");
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    CountDownLatch ran = new CountDownLatch(1);
    scheduler.executeBlocking(() -> {
      ranOn.set(Thread.currentThread());
      ran.countDown();
    }, Priority.LOW);

    threads.failing.set(true);
    release.countDown();

    TestThreads.awaitPromptly(ran, "ran");
    assertThat(ranOn.get().isVirtual()).isTrue();
    assertThat(threads.started.get()).isEqualTo(1);
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void isBlockingThreadIsTrueOnlyOnThisSchedulersBlockingThreads() throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    EchoScheduler other = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    try {
      AtomicReference<List<Boolean>> seen = new AtomicReference<>();
      CountDownLatch done = new CountDownLatch(1);
      scheduler.executeBlocking(() -> {
        seen.set(List.of(scheduler.isBlockingThread(), other.isBlockingThread(),
            scheduler.isWorkerThread()));
        done.countDown();
      }, Priority.NORMAL);
      TestThreads.awaitPromptly(done, "done");

      assertThat(seen.get()).containsExactly(true, false, false);
      assertThat(TestThreads.joinPromptly(scheduler.submit(scheduler::isBlockingThread), "the task on a worker")).isFalse();
      assertThat(scheduler.isBlockingThread()).isFalse();
    } finally {
      scheduler.shutdownNow();
      other.shutdownNow();
    }
  }

  /** Virtual threads, or an OutOfMemoryError from {@code start} while {@link #failing} is set. */
  private static final class FailingThreads implements ThreadFactory {
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicInteger started = new AtomicInteger();
    private final ThreadFactory virtual = Thread.ofVirtual().factory();

    @Override
    public Thread newThread(Runnable task) {
      if (failing.get()) {
        return new Thread(task) {
          @Override
          public void start() {
            throw new OutOfMemoryError("test: unable to start a thread");
          }
        };
      }
      started.incrementAndGet();
      return virtual.newThread(task);
    }
  }
}
