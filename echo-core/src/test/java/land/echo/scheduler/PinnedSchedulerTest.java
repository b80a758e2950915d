package land.echo.scheduler;

import static land.echo.testing.TestThreads.awaitUninterruptibly;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import land.echo.Priority;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pins scheduler behaviours that no other test pinned (issue 13). */
@Timeout(30)
class PinnedSchedulerTest {
  private final List<EchoScheduler> schedulers = new ArrayList<>();

  private EchoScheduler create(SchedulerConfig config) {
    EchoScheduler scheduler = EchoScheduler.create(config);
    schedulers.add(scheduler);
    return scheduler;
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    EchoScheduler.acceptedHook = null;
    for (EchoScheduler scheduler : schedulers) {
      scheduler.shutdownNow();
      scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * K = 1 is allowed and turns every pick into a fairness pick: while LOW work is queued, at least
   * one of every 2K = 2 tasks the worker starts is LOW. Mutations: {@code starvationInterval(1)}
   * rejected; K = 1 treated as strict priority.
   */
  @Test
  void starvationIntervalOneMakesEveryOtherPickAtLeastLow() throws Exception {
    SchedulerConfig config = SchedulerConfig.builder().workers(1).starvationInterval(1).build();
    assertThat(config.starvationInterval()).isEqualTo(1);
    EchoScheduler scheduler = create(config);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    scheduler.execute(() -> {
      started.countDown();
      awaitUninterruptibly(release);
    }, Priority.HIGH);
    TestThreads.awaitPromptly(started, "started");
    List<String> order = new CopyOnWriteArrayList<>();
    int n = 8;
    CountDownLatch done = new CountDownLatch(2 * n);
    for (int i = 0; i < n; i++) {
      String name = "H" + i;
      scheduler.execute(() -> {
        order.add(name);
        done.countDown();
      }, Priority.HIGH);
    }
    for (int i = 0; i < n; i++) {
      String name = "L" + i;
      scheduler.execute(() -> {
        order.add(name);
        done.countDown();
      }, Priority.LOW);
    }
    release.countDown();
    TestThreads.awaitPromptly(done, "done");
    // While a LOW task is still queued, no two consecutive starts are both HIGH.
    int lowsLeft = n;
    for (int i = 0; i + 1 < order.size() && lowsLeft > 0; i++) {
      boolean lowHere = order.get(i).startsWith("L");
      assertThat(lowHere || order.get(i + 1).startsWith("L"))
          .as("starts %d and %d of %s", i, i + 1, order)
          .isTrue();
      if (lowHere) {
        lowsLeft--;
      }
    }
  }

  /**
   * Quiescence: a submission that passed the run-state check (accepted) but has not pushed its
   * task yet when {@code shutdown()} is called. Orderly shutdown runs every accepted task, so the
   * workers must not retire (nor the scheduler terminate) until that push. Mutation: {@code
   * SubmissionGate.isQuiescent()} always true (the worker retires, the task is stranded).
   */
  @Test
  void anAcceptedSubmissionRacingWithShutdownStillRuns() throws Exception {
    EchoScheduler scheduler = create(SchedulerConfig.builder().workers(1).build());
    // Let the worker start and park first.
    CountDownLatch warm = new CountDownLatch(1);
    scheduler.execute(warm::countDown, Priority.NORMAL);
    TestThreads.awaitPromptly(warm, "warm");

    Thread submitter = Thread.currentThread();
    AtomicBoolean terminatedWhileInFlight = new AtomicBoolean();
    EchoScheduler.acceptedHook = () -> {
      if (Thread.currentThread() != submitter) {
        return;
      }
      EchoScheduler.acceptedHook = null;
      scheduler.shutdown();
      try {
        // With the gate the worker stays for this submission; without it, it retires at once.
        terminatedWhileInFlight.set(scheduler.awaitTermination(300, TimeUnit.MILLISECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    CountDownLatch ran = new CountDownLatch(1);
    scheduler.execute(ran::countDown, Priority.NORMAL);
    assertThat(terminatedWhileInFlight).as("terminated with an accepted task not yet pushed").isFalse();
    TestThreads.awaitPromptly(ran, "the accepted task ran");
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  /**
   * With a blocking limit, a finishing task whose wait queue is empty frees its permit, so later
   * blocking tasks still run. Mutation: the permit kept ({@code active--} dropped in {@code
   * BlockingLane.handOn}): after the first task the lane admits nothing.
   */
  @Test
  void aBlockingPermitIsFreedOnceTheWaitQueueEmpties() throws Exception {
    EchoScheduler scheduler = create(SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    // Alone: finishes with an empty wait queue.
    CountDownLatch first = new CountDownLatch(1);
    scheduler.executeBlocking(first::countDown, Priority.NORMAL);
    TestThreads.awaitPromptly(first, "first");
    // A task that hands its permit on to a waiting one, which then finishes with an empty queue.
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    scheduler.executeBlocking(() -> {
      holding.countDown();
      awaitUninterruptibly(release);
    }, Priority.NORMAL);
    TestThreads.awaitPromptly(holding, "holding");
    CountDownLatch handedOn = new CountDownLatch(1);
    scheduler.executeBlocking(handedOn::countDown, Priority.NORMAL);
    release.countDown();
    TestThreads.awaitPromptly(handedOn, "handed on");
    // Both permits' holders are done: the lane admits again, twice in a row.
    for (int i = 0; i < 2; i++) {
      CountDownLatch later = new CountDownLatch(1);
      scheduler.executeBlocking(later::countDown, Priority.NORMAL);
      TestThreads.awaitPromptly(later, "blocking task " + i + " after the queue emptied");
    }
  }
}
