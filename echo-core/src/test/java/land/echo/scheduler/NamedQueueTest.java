package land.echo.scheduler;

import static land.echo.scheduler.SchedulerBasicsTest.awaitQuietly;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import land.echo.Priority;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pins {@link NamedQueue}: its names, its counts in the stats, and its permits across shutdownNow. */
@Timeout(30)
class NamedQueueTest {
  private EchoScheduler scheduler;
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() throws InterruptedException {
    EchoScheduler.beforeShutdownState = null;
    EchoScheduler.afterShutdownState = null;
    release.countDown();
    if (scheduler != null) {
      TestThreads.callPromptly(scheduler::shutdownNow, "shutdownNow returning");
      assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }
  }

  private NamedQueue queue(int workers, int limit) {
    scheduler = EchoScheduler.create(
        SchedulerConfig.builder().workers(workers).namedQueue("index", limit).build());
    return scheduler.queue("index");
  }

  /** Occupies every worker until the test ends; returns once all of them are busy. */
  private void occupyWorkers(int workers) throws InterruptedException {
    CountDownLatch busy = new CountDownLatch(workers);
    for (int i = 0; i < workers; i++) {
      scheduler.execute(() -> {
        busy.countDown();
        awaitQuietly(release);
      }, Priority.HIGH);
    }
    TestThreads.awaitPromptly(busy, "every worker busy");
  }

  @Test
  void describesItselfByItsNameAndLimit() {
    NamedQueue queue = queue(1, 3);

    assertThat(queue.name()).isEqualTo("index");
    assertThat(queue.limit()).isEqualTo(3);
    assertThat(queue).hasToString("NamedQueue[index, limit=3]");
  }

  @Test
  void aDrainedQueueStartsNothingNewLetsTheRunningFinishAndLosesNothing() throws InterruptedException {
    NamedQueue queue = queue(2, 1);
    CountDownLatch firstRunning = new CountDownLatch(1);
    CountDownLatch finishFirst = new CountDownLatch(1);
    List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
    queue.execute(() -> {
      firstRunning.countDown();
      awaitQuietly(finishFirst);
      ran.add("first");
    });
    TestThreads.awaitPromptly(firstRunning, "the first task running");
    queue.execute(() -> ran.add("low"), Priority.LOW);

    queue.drain();
    queue.execute(() -> ran.add("high"), Priority.HIGH); // submitted while drained: waits too
    finishFirst.countDown();

    // The first task's permit goes back to the pool instead of to a waiting task.
    org.awaitility.Awaitility.await().until(() -> queue.running() == 0);
    assertThat(queue.isDrained()).isTrue();
    assertThat(queue.waiting()).isEqualTo(2);
    assertThat(ran).containsExactly("first");
    assertThat(queue).hasToString("NamedQueue[index, limit=1, drained]");

    queue.resume();

    org.awaitility.Awaitility.await().until(() -> ran.size() == 3);
    assertThat(ran).containsExactly("first", "high", "low"); // limit 1: the most urgent first
    assertThat(queue.isDrained()).isFalse();
    assertThat(queue.waiting()).isZero();
  }

  @Test
  void aDrainedQueueWithFreePermitsStillHoldsNewTasks() {
    NamedQueue queue = queue(1, 4);
    queue.drain();
    queue.drain(); // idempotent
    List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();

    queue.execute(() -> ran.add("a"));

    assertThat(queue.waiting()).isEqualTo(1);
    assertThat(queue.running()).isZero();
    queue.resume();
    queue.resume(); // idempotent
    org.awaitility.Awaitility.await().until(() -> ran.size() == 1);
    assertThat(queue.running()).isZero();
  }

  @Test
  void aGracefulShutdownResumesADrainedQueueSoThatWhatWaitsStillRuns() throws InterruptedException {
    NamedQueue queue = queue(1, 1);
    CountDownLatch ran = new CountDownLatch(2);
    queue.drain();
    queue.execute(ran::countDown);
    queue.execute(ran::countDown);

    scheduler.shutdown();

    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(ran.getCount()).isZero();
    assertThat(queue.isDrained()).isFalse();
    queue.drain(); // after shutdown: nothing may be left waiting while the workers retire
    assertThat(queue.isDrained()).isFalse();
  }

  /**
   * Forces the interleaving that lost both tasks above at 85e115d: the shutdown is held just after
   * the state became SHUTDOWN, where idle workers find nothing and retire. The drained queue's
   * tasks must already be queued for a worker then, so they run during the hold. Mutation: the
   * resume before the state change removed (the tasks wait in the queue through the hold).
   */
  @Test
  void aDrainedQueuesTasksAreQueuedForTheWorkersBeforeTheStateMoves() throws InterruptedException {
    NamedQueue queue = queue(2, 1);
    CountDownLatch ran = new CountDownLatch(2);
    queue.drain();
    queue.execute(ran::countDown);
    queue.execute(ran::countDown);
    AtomicBoolean ranDuringTheHold = new AtomicBoolean();
    EchoScheduler.afterShutdownState = () -> {
      try {
        ranDuringTheHold.set(ran.await(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };

    scheduler.shutdown();

    assertThat(ranDuringTheHold).as("the drained queue's tasks ran while the shutdown was held").isTrue();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  /**
   * A queue drained after the shutdown's first resume but before the state moved (drain() still
   * works then) is resumed again once the state is SHUTDOWN, so what it holds still runs.
   * Mutation: the second resume removed (both tasks are left in the queue and the scheduler
   * terminates without them).
   */
  @Test
  void aQueueDrainedJustBeforeTheStateMovesIsResumedAfterIt() throws InterruptedException {
    NamedQueue queue = queue(2, 1);
    CountDownLatch ran = new CountDownLatch(2);
    EchoScheduler.beforeShutdownState = () -> {
      queue.drain();
      queue.execute(ran::countDown);
      queue.execute(ran::countDown);
    };

    scheduler.shutdown();

    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(ran.getCount()).as("tasks left in the drained queue").isZero();
    assertThat(queue.isDrained()).isFalse();
  }

  @Test
  void aDispatchedEntryNamesItsTaskAndItsQueue() {
    NamedQueue queue = queue(1, 1);
    Runnable task = new Runnable() {
      @Override
      public void run() {}

      @Override
      public String toString() {
        return "reindex";
      }
    };

    assertThat(new NamedQueue.Entry(queue, task, 0)).hasToString("reindex (named queue index)");
  }

  @Test
  void tasksWaitingForAPermitCountAsQueuedAtTheirPriority() throws Exception {
    NamedQueue queue = queue(1, 1);
    CountDownLatch started = new CountDownLatch(1);
    queue.execute(() -> {
      started.countDown();
      awaitQuietly(release);
    });
    TestThreads.awaitPromptly(started, "the first task of the queue starting");

    queue.execute(() -> {}, Priority.LOW);
    queue.execute(() -> {}, Priority.LOW);
    queue.execute(() -> {}, Priority.HIGH);

    assertThat(TestThreads.callPromptly(queue::waiting, "the queue's waiting count")).isEqualTo(3);
    assertThat(TestThreads.callPromptly(() -> queue.waitingAt(Priority.LOW.ordinal()), "the queue's waiting count")).isEqualTo(2);
    assertThat(BlockingLaneTest.statsOf(scheduler).queued(Priority.LOW)).isEqualTo(2);
    assertThat(BlockingLaneTest.statsOf(scheduler).queued(Priority.HIGH)).isEqualTo(1);
    assertThat(BlockingLaneTest.statsOf(scheduler).queued(Priority.NORMAL)).isZero();
  }

  @Test
  void shutdownNowReturnsBothTheDispatchedAndTheWaitingTasksAndGivesBackEveryPermit() throws Exception {
    NamedQueue queue = queue(1, 1);
    occupyWorkers(1);
    Runnable dispatched = () -> {};
    Runnable waiting = () -> {};
    queue.execute(dispatched, Priority.NORMAL); // takes the permit; waits in a worker queue
    queue.execute(waiting, Priority.NORMAL); // waits in the named queue for the permit
    assertThat(TestThreads.callPromptly(queue::running, "the queue's running count")).isEqualTo(1);
    assertThat(TestThreads.callPromptly(queue::waiting, "the queue's waiting count")).isEqualTo(1);

    List<Runnable> unrun = TestThreads.callPromptly(scheduler::shutdownNow, "shutdownNow returning");

    assertThat(unrun).contains(dispatched, waiting);
    // Asked from another thread, so that a lock shutdownNow failed to release shows as a hang here.
    assertThat(TestThreads.callPromptly(queue::running, "the queue's running count after shutdownNow"))
        .as("the unrun dispatched task gave back its permit")
        .isZero();
    assertThat(TestThreads.callPromptly(queue::waiting, "the queue's waiting count after shutdownNow"))
        .isZero();
  }
}
