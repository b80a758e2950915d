package land.echo.scheduler;

import static land.echo.scheduler.SchedulerBasicsTest.awaitQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.Priority;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@link java.util.concurrent.ExecutorService} contract, as the JDK documents it. */
@Timeout(30)
class ExecutorContractTest {
  private EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(3).build());

  @AfterEach
  void stop() throws InterruptedException {
    scheduler.shutdownNow();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void submitReturnsAFutureOfTheResultOrTheFailure() throws Exception {
    assertThat(TestThreads.joinPromptly(scheduler.submit(() -> 6 * 7), "the submitted task")).isEqualTo(42);
    Future<?> failing = scheduler.submit(() -> {
      throw new IllegalStateException("no");
    });
    assertThatThrownBy(failing::get)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void invokeAllWaitsForEveryTaskAndKeepsTheirOrder() throws Exception {
    List<Callable<Integer>> tasks = List.of(() -> 1, () -> 2, () -> 3, () -> 4, () -> 5);

    List<Future<Integer>> futures = scheduler.invokeAll(tasks);

    assertThat(futures).allMatch(Future::isDone);
    assertThat(futures.stream().map(Future::resultNow)).containsExactly(1, 2, 3, 4, 5);
  }

  @Test
  void invokeAnyReturnsTheFirstSuccessAndCancelsAndInterruptsTheLosers() throws Exception {
    AtomicInteger interruptedLosers = new AtomicInteger();
    CountDownLatch losersRunning = new CountDownLatch(2);
    Callable<String> loser = () -> {
      losersRunning.countDown();
      try {
        new CountDownLatch(1).await();
        return "loser";
      } catch (InterruptedException e) {
        interruptedLosers.incrementAndGet();
        throw e;
      }
    };
    Callable<String> winner = () -> {
      losersRunning.await();
      return "winner";
    };

    String result = scheduler.invokeAny(List.of(loser, loser, winner));

    assertThat(result).isEqualTo("winner");
    await().until(() -> interruptedLosers.get() == 2);
  }

  @Test
  void invokeAnyThrowsWhenEveryTaskFails() {
    Callable<String> failing = () -> {
      throw new IllegalArgumentException("bad");
    };
    assertThatThrownBy(() -> scheduler.invokeAny(List.of(failing, failing)))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void awaitTerminationReturnsFalseUntilTheLastTaskFinishesThenTrue() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    scheduler.execute(() -> {
      started.countDown();
      awaitQuietly(release);
    });
    TestThreads.awaitPromptly(started, "started");
    scheduler.shutdown();

    assertThat(scheduler.awaitTermination(20, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(scheduler.isTerminated()).isFalse();
    release.countDown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(scheduler.isTerminated()).isTrue();
  }

  @Test
  void everySubmissionPathIsRejectedAfterShutdownIncludingFromInsideAWorker() throws Exception {
    SchedulerConfig config = SchedulerConfig.builder().workers(1).namedQueue("db", 1).build();
    EchoScheduler own = EchoScheduler.create(config);
    CountDownLatch shutDown = new CountDownLatch(1);
    Future<Throwable> fromInside = own.submit(() -> {
      awaitQuietly(shutDown);
      try {
        own.execute(() -> { }, Priority.HIGH);
        return null;
      } catch (RejectedExecutionException e) {
        return e;
      }
    });
    own.shutdown();
    shutDown.countDown();

    assertThat(TestThreads.joinPromptly(fromInside, "the task executing on the shut-down scheduler")).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> own.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> own.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> own.queue("db").execute(() -> { }))
        .isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> own.executeBlocking(() -> { }, Priority.LOW))
        .isInstanceOf(RejectedExecutionException.class);
    assertThat(own.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void closeWaitsForQueuedWorkAndTerminates() {
    EchoScheduler own = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    AtomicInteger ran = new AtomicInteger();
    for (int i = 0; i < 1_000; i++) {
      own.execute(ran::incrementAndGet, Priority.values()[i % 3]);
    }

    TestThreads.callPromptly(() -> {
      own.close();
      return null;
    }, "close() returning once the queued work ran");

    assertThat(ran.get()).isEqualTo(1_000);
    assertThat(own.isTerminated()).isTrue();
  }

  @Test
  void closeFromInsideAWorkerShutsDownWithoutWaitingForItself() throws Exception {
    EchoScheduler own = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());

    TestThreads.joinPromptly(own.submit(own::close), "close() from inside a worker returning");

    assertThat(own.isShutdown()).isTrue();
    assertThat(own.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void nullTasksAndPrioritiesAreRejectedWithTheirName() {
    assertThatThrownBy(() -> scheduler.execute(null)).hasMessage("task");
    assertThatThrownBy(() -> scheduler.execute(() -> { }, null)).hasMessage("priority");
    assertThatThrownBy(() -> scheduler.executeBlocking(() -> { }, null)).hasMessage("priority");
  }
}
