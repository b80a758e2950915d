package land.echo.scheduler;

import static land.echo.scheduler.SchedulerBasicsTest.awaitQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.Priority;
import land.echo.testing.TestThreads;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Errors out of tasks and out of the scheduler's own code; where failures are reported. */
@Timeout(30)
class WorkerFailureTest {

  /** A distinctive Error, so that a test's handler ignores failures of anything else. */
  private static final class TestError extends Error {
    private static final long serialVersionUID = 1L;

    TestError(String message) {
      super(message);
    }
  }

  /** Awaitility swaps the default uncaught exception handler while it waits unless told not to. */
  private static ConditionFactory awaitKeepingTheDefaultHandler() {
    return await().dontCatchUncaughtExceptions();
  }

  @Test
  void aTaskThrowingAnErrorDoesNotCostItsWorker() throws Exception {
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1)
        .uncaughtTaskHandler((task, failure) -> reported.add(failure)).build());
    try {
      OutOfMemoryError oom = new OutOfMemoryError("test");
      Thread before = TestThreads.joinPromptly(scheduler.submit(Thread::currentThread), "a task on the worker");

      scheduler.execute(() -> {
        throw oom;
      });
      AtomicInteger later = new AtomicInteger();
      for (int i = 0; i < 100; i++) {
        scheduler.execute(later::incrementAndGet);
      }

      await().until(() -> later.get() == 100);
      assertThat(reported).containsExactly(oom);
      assertThat(TestThreads.joinPromptly(scheduler.submit(Thread::currentThread), "a task on the worker")).isSameAs(before);
      assertThat(scheduler.workerCount()).isEqualTo(1);
      await().until(() -> scheduler.stats().completed() == 103 && scheduler.stats().running() == 0);
      assertThat(scheduler.stats().failed()).isEqualTo(1);
    } finally {
      scheduler.shutdown();
      assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }
  }

  @Test
  void aWorkerLostToAnErrorInItsOwnCodeIsReplacedAndKeepsTheCountsConsistent() throws Exception {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
      if (failure instanceof TestError) {
        uncaught.add(failure);
      }
    });
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    try {
      Thread lost = TestThreads.joinPromptly(scheduler.submit(Thread::currentThread), "a task on the worker");
      TestError fault = new TestError("test: out of memory in the worker loop");
      scheduler.idleFaultForTest = fault;
      scheduler.execute(() -> { }); // the worker runs it, goes idle and throws the fault

      TestThreads.joinPromptly(lost, "the faulted worker's end");
      assertThat(lost.isAlive()).isFalse();
      assertThat(uncaught).containsExactly(fault);
      awaitKeepingTheDefaultHandler().until(() -> scheduler.stats().parkedWorkers() == 1);

      Thread replacement = TestThreads.joinPromptly(scheduler.submit(Thread::currentThread), "a task on the worker");
      assertThat(replacement).isNotSameAs(lost);
      assertThat(replacement.getName()).isEqualTo(lost.getName());
      assertThat(scheduler.workerCount()).isEqualTo(1);
      AtomicInteger ran = new AtomicInteger();
      for (int i = 0; i < 1_000; i++) {
        scheduler.execute(ran::incrementAndGet, Priority.values()[i % 3]);
      }
      awaitKeepingTheDefaultHandler().until(() -> ran.get() == 1_000);
      awaitKeepingTheDefaultHandler().until(() -> scheduler.stats().parkedWorkers() == 1 && scheduler.stats().running() == 0);
      assertThat(scheduler.stats().completed()).isEqualTo(1_003);
    } finally {
      scheduler.shutdown();
      assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
  }

  @Test
  void aThrowingTaskReachesTheWorkerThreadsUncaughtExceptionHandlerByDefaultAndTheWorkerSurvives()
      throws Exception {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    List<Thread> on = new CopyOnWriteArrayList<>();
    Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
      if (failure instanceof TestError) {
        on.add(thread);
        uncaught.add(failure);
      }
    });
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    try {
      TestError failure = new TestError("test: task failed");
      Thread worker = TestThreads.joinPromptly(scheduler.submit(Thread::currentThread), "a task on the worker");

      scheduler.execute(() -> {
        throw failure;
      });

      awaitKeepingTheDefaultHandler().until(() -> uncaught.size() == 1);
      assertThat(uncaught).containsExactly(failure);
      assertThat(on).containsExactly(worker);
      assertThat(TestThreads.joinPromptly(scheduler.submit(Thread::currentThread), "a task on the worker")).isSameAs(worker);
      assertThat(worker.isAlive()).isTrue();
    } finally {
      scheduler.shutdown();
      assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
  }

  @Test
  void aThrowingBlockingTaskReachesItsThreadsUncaughtExceptionHandlerByDefault() throws Exception {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
      if (failure instanceof TestError) {
        uncaught.add(failure);
      }
    });
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    try {
      TestError failure = new TestError("test: blocking task failed");

      scheduler.executeBlocking(() -> {
        throw failure;
      }, Priority.NORMAL);

      awaitKeepingTheDefaultHandler().until(() -> uncaught.size() == 1);
      assertThat(uncaught).containsExactly(failure);
    } finally {
      scheduler.shutdown();
      assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
  }

  @Test
  void shutdownNowGivesBackThePermitsOfDispatchedNamedTasksItReturns() throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(
        SchedulerConfig.builder().workers(1).namedQueue("db", 2).build());
    NamedQueue db = scheduler.queue("db");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    scheduler.execute(() -> { // occupies the only worker
      started.countDown();
      awaitQuietly(release);
    });
    TestThreads.awaitPromptly(started, "started");
    Runnable first = () -> { };
    Runnable second = () -> { };
    Runnable third = () -> { };
    db.execute(first); // dispatched to the global queue with a permit
    db.execute(second); // likewise
    db.execute(third); // waits in the named queue
    assertThat(db.running()).isEqualTo(2);
    assertThat(db.waiting()).isEqualTo(1);

    List<Runnable> unstarted = scheduler.shutdownNow();

    assertThat(unstarted).containsExactlyInAnyOrder(first, second, third);
    assertThat(db.running()).isZero();
    assertThat(db.waiting()).isZero();
    release.countDown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }
}
