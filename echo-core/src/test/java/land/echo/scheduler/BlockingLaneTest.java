package land.echo.scheduler;

import static land.echo.scheduler.SchedulerBasicsTest.awaitQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CompletableFuture;
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
    assertThat(statsOf(scheduler).queued(Priority.HIGH)).isEqualTo(1);

    assertThat(scheduler.withdrawBlocking(cancelled)).isTrue();

    assertThat(statsOf(scheduler).queued(Priority.HIGH)).isZero();
    assertThat(scheduler.withdrawBlocking(cancelled)).as("already withdrawn").isFalse();
    scheduler.shutdown();
    release.countDown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(ran.get()).isZero();
    assertThat(statsOf(scheduler).blockingCompleted()).isEqualTo(1);
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
    await().until(() -> statsOf(scheduler).blockingCompleted() >= 1);

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
      TestThreads.callPromptly(scheduler::shutdownNow, "shutdownNow returning");
      TestThreads.callPromptly(other::shutdownNow, "shutdownNow returning");
    }
  }

  @Test
  void aFailedBlockingTaskCountsInTheStatsAndReachesTheHandler() throws Exception {
    List<Throwable> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1)
        .uncaughtTaskHandler((task, failure) -> reported.add(failure)).build());
    IllegalStateException boom = new IllegalStateException("test: a failing blocking task");

    scheduler.executeBlocking(() -> {
      throw boom;
    }, Priority.NORMAL);

    await().until(() -> statsOf(scheduler).blockingCompleted() == 1);
    assertThat(statsOf(scheduler).failed()).isEqualTo(1);
    assertThat(reported).containsExactly(boom);
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void anInterruptLeftByOneTaskIsNotCarriedIntoTheNextTaskOnTheSameThread() throws Exception {
    EchoScheduler scheduler =
        EchoScheduler.create(SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Thread> first = new AtomicReference<>();
    scheduler.executeBlocking(() -> {
      first.set(Thread.currentThread());
      started.countDown();
      awaitQuietly(go);
      Thread.currentThread().interrupt(); // a stale interrupt, left as the task ends
    }, Priority.NORMAL);
    TestThreads.awaitPromptly(started, "the first task starting");
    AtomicReference<Thread> secondOn = new AtomicReference<>();
    AtomicBoolean secondInterrupted = new AtomicBoolean(true);
    CountDownLatch secondRan = new CountDownLatch(1);
    scheduler.executeBlocking(() -> {
      secondOn.set(Thread.currentThread());
      secondInterrupted.set(Thread.currentThread().isInterrupted());
      secondRan.countDown();
    }, Priority.NORMAL);

    go.countDown();

    TestThreads.awaitPromptly(secondRan, "the waiting task running");
    assertThat(secondOn.get()).as("handed on to the same thread").isSameAs(first.get());
    assertThat(secondInterrupted.get()).isFalse();
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void shutdownNowReturnsTheWaitingBlockingTasksAndInterruptsTheRunningOnes() throws Exception {
    EchoScheduler scheduler =
        EchoScheduler.create(SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    scheduler.executeBlocking(() -> {
      started.countDown();
      try {
        new CountDownLatch(1).await(); // only an interrupt ends this
      } catch (InterruptedException e) {
        interrupted.set(true);
      }
    }, Priority.NORMAL);
    TestThreads.awaitPromptly(started, "the running task starting");
    AtomicInteger ran = new AtomicInteger();
    Runnable low = ran::incrementAndGet;
    Runnable high = ran::incrementAndGet;
    scheduler.executeBlocking(low, Priority.LOW);
    scheduler.executeBlocking(high, Priority.HIGH);

    List<Runnable> unrun = TestThreads.callPromptly(scheduler::shutdownNow, "shutdownNow returning");

    assertThat(unrun).containsExactly(high, low);
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(interrupted.get()).isTrue();
    assertThat(ran.get()).isZero();
    assertThat(statsOf(scheduler).queuedTotal()).isZero();
  }

  /** Starts a blocking task that awaits {@code future} through the scheduler; returns its thread once started. */
  private static Thread awaitingOnTheLane(EchoScheduler scheduler, CompletableFuture<String> future,
      AtomicReference<String> got, AtomicBoolean interruptedAfter, CountDownLatch done) throws InterruptedException {
    AtomicReference<Thread> thread = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(1);
    scheduler.executeBlocking(() -> {
      thread.set(Thread.currentThread());
      started.countDown();
      try {
        got.set(scheduler.await(future));
      } catch (Exception e) {
        got.set("failed: " + e);
      }
      interruptedAfter.set(Thread.currentThread().isInterrupted());
      done.countDown();
    }, Priority.NORMAL);
    TestThreads.awaitPromptly(started, "the awaiting task starting");
    return thread.get();
  }

  /** Returns whether {@code thread} is inside {@code method} of {@code type} (of the lane, if not given). */
  private static boolean isIn(Thread thread, String method) {
    return isIn(thread, BlockingLane.class, method);
  }

  private static boolean isIn(Thread thread, Class<?> type, String method) {
    for (StackTraceElement frame : thread.getStackTrace()) {
      if (frame.getClassName().equals(type.getName()) && frame.getMethodName().equals(method)) {
        return true;
      }
    }
    return false;
  }


  @Test
  void aPermitTakenBackWhileFreeIsHeldAgainSoTheLimitStillHolds() throws Exception {
    EchoScheduler scheduler =
        EchoScheduler.create(SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    CompletableFuture<String> future = new CompletableFuture<>();
    CountDownLatch keepGoing = new CountDownLatch(1);
    CountDownLatch tookBack = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Thread> first = new AtomicReference<>();
    scheduler.executeBlocking(() -> {
      first.set(Thread.currentThread());
      started.countDown();
      try {
        scheduler.await(future); // lends the permit; nothing waits, so it goes back to the pool
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      tookBack.countDown();
      awaitQuietly(keepGoing); // and runs on, holding the permit again
    }, Priority.NORMAL);
    TestThreads.awaitPromptly(started, "the first task starting");
    // Completed only once the task waits inside await, having lent its permit (a future already
    // done when await is called is returned without lending).
    await().until(() -> first.get().getState() == Thread.State.WAITING && isIn(first.get(), EchoScheduler.class, "await"));
    future.complete("done");
    TestThreads.awaitPromptly(tookBack, "the permit taken back");
    AtomicInteger ran = new AtomicInteger();

    scheduler.executeBlocking(ran::incrementAndGet, Priority.NORMAL);

    assertThat(statsOf(scheduler).queued(Priority.NORMAL)).as("over the limit of 1: it waits").isEqualTo(1);
    assertThat(ran.get()).isZero();
    keepGoing.countDown();
    await().until(() -> ran.get() == 1);
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void aTaskWaitingToTakeBackItsPermitKeepsAnInterruptForAfterward() throws Exception {
    takeBackWhileTheLaneIsFull(true);
  }

  @Test
  void aTaskThatTookBackItsPermitWithoutAnInterruptIsNotInterrupted() throws Exception {
    takeBackWhileTheLaneIsFull(false);
  }

  private void takeBackWhileTheLaneIsFull(boolean interrupt) throws Exception {
    CompletableFuture<String> future = new CompletableFuture<>();
    AtomicReference<String> got = new AtomicReference<>();
    AtomicBoolean interruptedAfter = new AtomicBoolean(!interrupt);
    CountDownLatch done = new CountDownLatch(1);
    CountDownLatch borrowerRunning = new CountDownLatch(1);
    CountDownLatch releaseBorrower = new CountDownLatch(1);
    EchoScheduler lane =
        EchoScheduler.create(SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    // The first task lends its permit while it awaits the future; the second runs on it.
    Thread awaiting = awaitingOnTheLane(lane, future, got, interruptedAfter, done);
    lane.executeBlocking(() -> {
      borrowerRunning.countDown();
      awaitQuietly(releaseBorrower);
    }, Priority.NORMAL);
    TestThreads.awaitPromptly(borrowerRunning, "the waiting task running on the lent permit");
    future.complete("value");
    await().until(() -> isIn(awaiting, "takeBack") && awaiting.getState() == Thread.State.WAITING);
    if (interrupt) {
      awaiting.interrupt();
      // Parked again, with the interrupt taken off the thread (and remembered by takeBack).
      await().until(() -> !awaiting.isInterrupted() && awaiting.getState() == Thread.State.WAITING
          && isIn(awaiting, "takeBack"));
    }
    assertThat(done.getCount()).as("still waiting for its permit").isEqualTo(1);

    releaseBorrower.countDown();

    TestThreads.awaitPromptly(done, "the permit handed back to the awaiting task");
    assertThat(got.get()).isEqualTo("value");
    assertThat(interruptedAfter.get()).isEqualTo(interrupt);
    lane.shutdown();
    assertThat(lane.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void shutdownNowGivesATaskWaitingToTakeBackItsPermitThatPermit() throws Exception {
    EchoScheduler lane =
        EchoScheduler.create(SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    CompletableFuture<String> future = new CompletableFuture<>();
    AtomicReference<String> got = new AtomicReference<>();
    AtomicBoolean interruptedAfter = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    Thread awaiting = awaitingOnTheLane(lane, future, got, interruptedAfter, done);
    CountDownLatch otherRunning = new CountDownLatch(1);
    lane.executeBlocking(() -> {
      otherRunning.countDown();
      awaitQuietly(new CountDownLatch(1)); // ends only by shutdownNow's interrupt
    }, Priority.NORMAL);
    TestThreads.awaitPromptly(otherRunning, "the other task running on the lent permit");
    future.complete("value");
    await().until(() -> isIn(awaiting, "takeBack") && awaiting.getState() == Thread.State.WAITING);

    TestThreads.callPromptly(lane::shutdownNow, "shutdownNow returning");

    TestThreads.awaitPromptly(done, "the awaiting task getting its permit from shutdownNow");
    assertThat(got.get()).isEqualTo("value");
    assertThat(lane.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    // shutdownNow left no lock held: the lane still answers from another thread.
    assertThat(TestThreads.callPromptly(() -> statsOf(lane).queuedTotal(), "the stats after shutdownNow")).isZero();
  }

  @Test
  void aTaskWhoseThreadFailsToStartHandsItsPermitToATaskThatQueuedMeanwhileAndNoFurther() throws Exception {
    ScriptedThreads threads = new ScriptedThreads();
    EchoScheduler scheduler = EchoScheduler.create(
        SchedulerConfig.builder().workers(1).blockingLimit(2).build(), threads);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CompletableFuture<Throwable> failedSubmit = submissionStallingInAFailingStart(scheduler, threads, releaseFirst);
    AtomicInteger ranY = new AtomicInteger();
    CountDownLatch yRunning = new CountDownLatch(1);
    CountDownLatch releaseY = new CountDownLatch(1);
    scheduler.executeBlocking(() -> {
      ranY.incrementAndGet();
      yRunning.countDown();
      awaitQuietly(releaseY);
    }, Priority.NORMAL);
    AtomicInteger ranZ = new AtomicInteger();
    scheduler.executeBlocking(ranZ::incrementAndGet, Priority.NORMAL);
    assertThat(statsOf(scheduler).queued(Priority.NORMAL)).as("both over the limit").isEqualTo(2);

    threads.proceed.countDown();

    assertThat(TestThreads.joinPromptly(failedSubmit, "the failed submission returning"))
        .isInstanceOf(RejectedExecutionException.class);
    TestThreads.awaitPromptly(yRunning, "the queued task starting on the freed permit");
    assertThat(statsOf(scheduler).queued(Priority.NORMAL)).as("the limit is 2: the last one still waits").isEqualTo(1);
    assertThat(ranZ.get()).isZero();
    releaseFirst.countDown();
    await().until(() -> ranZ.get() == 1);
    releaseY.countDown();
    assertBothPermitsFree(scheduler);
  }

  @Test
  void aQueuedTaskWhoseThreadAlsoFailsToStartWaitsAtTheHeadForTheNextPermit() throws Exception {
    ScriptedThreads threads = new ScriptedThreads();
    EchoScheduler scheduler = EchoScheduler.create(
        SchedulerConfig.builder().workers(1).blockingLimit(2).build(), threads);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CompletableFuture<Throwable> failedSubmit =
        submissionStallingInAFailingStart(scheduler, threads, releaseFirst, ScriptedThreads.FAIL);
    List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    scheduler.executeBlocking(() -> order.add("y"), Priority.NORMAL);
    scheduler.executeBlocking(() -> order.add("z"), Priority.NORMAL);

    threads.proceed.countDown();

    assertThat(TestThreads.joinPromptly(failedSubmit, "the failed submission returning"))
        .isInstanceOf(RejectedExecutionException.class);
    assertThat(statsOf(scheduler).queued(Priority.NORMAL)).as("y is back in the queue").isEqualTo(2);
    assertThat(order).isEmpty();
    releaseFirst.countDown(); // the first task's thread hands its permit on: y, then z
    await().until(() -> order.size() == 2);
    assertThat(order).containsExactly("y", "z");
    assertBothPermitsFree(scheduler);
  }

  @Test
  void aTaskThatCannotLendItsPermitToAWaitingTaskKeepsIt() throws Exception {
    ScriptedThreads threads = new ScriptedThreads();
    EchoScheduler scheduler = EchoScheduler.create(
        SchedulerConfig.builder().workers(1).blockingLimit(1).build(), threads);
    CompletableFuture<String> future = new CompletableFuture<>();
    CountDownLatch firstRunning = new CountDownLatch(1);
    CountDownLatch goAwait = new CountDownLatch(1);
    List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    scheduler.executeBlocking(() -> {
      firstRunning.countDown();
      awaitQuietly(goAwait);
      try {
        order.add("awaited " + scheduler.await(future));
      } catch (Exception e) {
        order.add("failed " + e);
      }
    }, Priority.NORMAL);
    TestThreads.awaitPromptly(firstRunning, "the first task running");
    scheduler.executeBlocking(() -> order.add("waiting task"), Priority.NORMAL);
    threads.next.add(ScriptedThreads.FAIL); // lending to the waiting task needs a thread: none starts

    goAwait.countDown();
    await().until(() -> threads.next.isEmpty());
    assertThat(statsOf(scheduler).queued(Priority.NORMAL)).as("the waiting task is back in the queue").isEqualTo(1);
    future.complete("value");

    await().until(() -> order.size() == 2);
    assertThat(order).containsExactly("awaited value", "waiting task");
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  /**
   * On a lane of limit 2: starts a first task that runs until {@code releaseFirst}, then, on another
   * thread, a submission that takes the second permit and stalls in a thread start that will fail
   * (then {@code laterStarts} are scripted); returns once it stalls, with what that submission
   * will throw.
   */
  private static CompletableFuture<Throwable> submissionStallingInAFailingStart(EchoScheduler scheduler,
      ScriptedThreads threads, CountDownLatch releaseFirst, String... laterStarts) throws InterruptedException {
    CountDownLatch firstRunning = new CountDownLatch(1);
    scheduler.executeBlocking(() -> {
      firstRunning.countDown();
      awaitQuietly(releaseFirst);
    }, Priority.NORMAL);
    TestThreads.awaitPromptly(firstRunning, "the first task running");
    threads.next.add(ScriptedThreads.STALL_THEN_FAIL);
    threads.next.addAll(List.of(laterStarts));
    CompletableFuture<Throwable> failedSubmit = new CompletableFuture<>();
    Thread.ofPlatform().start(() -> {
      try {
        scheduler.executeBlocking(() -> {}, Priority.NORMAL); // takes the second permit, then fails
        failedSubmit.complete(null);
      } catch (Throwable t) {
        failedSubmit.complete(t);
      }
    });
    TestThreads.awaitPromptly(threads.stalled, "the failing start stalling");
    return failedSubmit;
  }

  /** Both of a limit-2 lane's permits are free: two tasks that wait for each other both run. */
  private static void assertBothPermitsFree(EchoScheduler scheduler) throws InterruptedException {
    CountDownLatch both = new CountDownLatch(2);
    for (int i = 0; i < 2; i++) {
      scheduler.executeBlocking(() -> {
        both.countDown();
        try {
          both.await(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, Priority.NORMAL);
    }
    TestThreads.awaitPromptly(both, "two tasks running at once on the lane's two permits");
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  /**
   * Virtual threads, except for the scripted starts in {@link #next}: {@link #FAIL} throws from
   * {@code start}; {@link #STALL_THEN_FAIL} first counts down {@link #stalled} and waits for
   * {@link #proceed}.
   */
  private static final class ScriptedThreads implements ThreadFactory {
    static final String FAIL = "fail";
    static final String STALL_THEN_FAIL = "stall, then fail";
    final java.util.concurrent.ConcurrentLinkedQueue<String> next = new java.util.concurrent.ConcurrentLinkedQueue<>();
    final CountDownLatch stalled = new CountDownLatch(1);
    final CountDownLatch proceed = new CountDownLatch(1);
    private final ThreadFactory virtual = Thread.ofVirtual().factory();

    @Override
    public Thread newThread(Runnable task) {
      String script = next.poll();
      if (script == null) {
        return virtual.newThread(task);
      }
      return new Thread(task) {
        @Override
        public void start() {
          if (script.equals(STALL_THEN_FAIL)) {
            stalled.countDown();
            awaitQuietly(proceed);
          }
          throw new OutOfMemoryError("test: unable to start a thread (" + script + ")");
        }
      };
    }
  }

  /**
   * The scheduler's stats, read on another thread and waited for at most {@link
   * TestThreads#PROMPTLY}: reading them takes the lanes' locks, so a lock some thread failed to
   * release fails the test by assertion instead of hanging it.
   */
  static SchedulerStats statsOf(EchoScheduler scheduler) {
    return TestThreads.callPromptly(scheduler::stats, "the scheduler's stats");
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
