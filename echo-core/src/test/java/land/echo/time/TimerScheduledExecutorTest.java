package land.echo.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TimerScheduledExecutorTest {
  private final VirtualTime time = new VirtualTime();
  /** An executor the test drains by hand, so that hand-over and running are separate steps. */
  private final Queue<Runnable> handedOver = new ArrayDeque<>();
  private final Executor queueing = handedOver::add;
  private final TimerScheduledExecutor view = TimerScheduledExecutor.of(time, time, queueing);
  private final List<String> ran = new ArrayList<>();

  private void advance(long millis) {
    time.advance(Duration.ofMillis(millis));
  }

  private int drain() {
    int count = 0;
    for (Runnable task; (task = handedOver.poll()) != null; count++) {
      task.run();
    }
    return count;
  }

  private Runnable record(String name) {
    return () -> ran.add(name + "@" + time.now().toMillis());
  }

  @Test
  void scheduleRunnableIsHandedToTheExecutorWhenDueNotRunOnTheTimer() throws Exception {
    ScheduledFuture<?> future = view.schedule(record("a"), 100, TimeUnit.MILLISECONDS);
    assertThat(future.getDelay(TimeUnit.MILLISECONDS)).isEqualTo(100);
    advance(99);
    assertThat(handedOver).isEmpty();
    assertThat(future.getDelay(TimeUnit.MILLISECONDS)).isEqualTo(1);
    advance(1);
    assertThat(ran).isEmpty();
    assertThat(handedOver).hasSize(1);
    assertThat(future.isDone()).isFalse();
    drain();
    assertThat(ran).containsExactly("a@100");
    assertThat(future.isDone()).isTrue();
    assertThat(TestThreads.joinPromptly(future, "the scheduled runnable")).isNull();
  }

  @Test
  void scheduleCallableCompletesWithItsResult() throws Exception {
    ScheduledFuture<String> future = view.schedule(() -> "done at " + time.now(), 5, TimeUnit.SECONDS);
    advance(5_000);
    drain();
    assertThat(TestThreads.joinPromptly(future, "the scheduled callable")).isEqualTo("done at PT5S");
  }

  @Test
  void aFailingOneShotCompletesExceptionally() {
    ScheduledFuture<String> future = view.schedule(() -> {
      throw new IllegalStateException("boom");
    }, 1, TimeUnit.MILLISECONDS);
    advance(1);
    drain();
    assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void zeroOrNegativeDelayAndExecuteAndSubmitHandOverAtOnceWithoutATimerEntry() throws Exception {
    view.schedule(record("zero"), 0, TimeUnit.MILLISECONDS);
    view.schedule(record("negative"), -5, TimeUnit.MILLISECONDS);
    view.execute(record("execute"));
    ScheduledFuture<Integer> submitted = view.submit(() -> 42);
    assertThat(time.pendingTimers()).isZero();
    assertThat(drain()).isEqualTo(4);
    assertThat(ran).containsExactly("zero@0", "negative@0", "execute@0");
    assertThat(TestThreads.joinPromptly(submitted, "the submitted callable")).isEqualTo(42);
  }

  @Test
  void cancelWithdrawsTheTimerEntry() {
    ScheduledFuture<?> future = view.schedule(record("never"), 10, TimeUnit.MILLISECONDS);
    assertThat(time.pendingTimers()).isEqualTo(1);
    assertThat(future.cancel(false)).isTrue();
    assertThat(future.isCancelled()).isTrue();
    assertThat(future.isDone()).isTrue();
    assertThat(time.pendingTimers()).isZero();
    advance(10);
    drain();
    assertThat(ran).isEmpty();
    assertThatThrownBy(future::get).isInstanceOf(CancellationException.class);
  }

  @Test
  void cancelAfterHandOverMakesTheRunANoOp() {
    ScheduledFuture<?> future = view.schedule(record("late"), 10, TimeUnit.MILLISECONDS);
    advance(10);
    assertThat(future.cancel(false)).isTrue();
    drain();
    assertThat(ran).isEmpty();
    view.shutdown();
    assertThat(view.isTerminated()).isTrue();
  }

  @Test
  void fixedRateRunsOnTheGridAndIsReArmedAfterEachRun() {
    ScheduledFuture<?> future = view.scheduleAtFixedRate(record("tick"), 10, 20, TimeUnit.MILLISECONDS);
    advance(10);
    drain();
    assertThat(future.getDelay(TimeUnit.MILLISECONDS)).isEqualTo(20);
    advance(20);
    drain();
    advance(20);
    drain();
    assertThat(ran).containsExactly("tick@10", "tick@30", "tick@50");
    assertThat(future.isDone()).isFalse();
    assertThat(time.pendingTimers()).isEqualTo(1);
  }

  @Test
  void fixedRateSkipsMissedRunsInsteadOfBunchingThem() {
    ScheduledFuture<?> future = view.scheduleAtFixedRate(record("tick"), 0, 10, TimeUnit.MILLISECONDS);
    advance(35); // the run handed over at 0 waits in the executor's queue until 35
    drain();
    assertThat(ran).containsExactly("tick@35");
    assertThat(future.getDelay(TimeUnit.MILLISECONDS)).isEqualTo(5); // next grid point: 40
    advance(5);
    assertThat(drain()).isEqualTo(1);
    assertThat(ran).containsExactly("tick@35", "tick@40");
  }

  @Test
  void fixedRateOnAGridPointExactlyMovesToTheNextOne() {
    view.scheduleAtFixedRate(record("tick"), 0, 10, TimeUnit.MILLISECONDS);
    advance(20);
    drain();
    assertThat(time.nextDelay()).contains(Duration.ofMillis(10));
  }

  @Test
  void fixedDelayReArmsDelayAfterEachRunEnds() {
    ScheduledFuture<?> future = view.scheduleWithFixedDelay(record("tick"), 5, 10, TimeUnit.MILLISECONDS);
    advance(5);
    advance(7); // the run waits in the queue until 12
    drain();
    assertThat(future.getDelay(TimeUnit.MILLISECONDS)).isEqualTo(10);
    advance(10);
    drain();
    assertThat(ran).containsExactly("tick@12", "tick@22");
  }

  @Test
  void aPeriodicTaskThatThrowsStopsAndItsFutureFails() {
    int[] runs = {0};
    ScheduledFuture<?> future = view.scheduleAtFixedRate(() -> {
      if (++runs[0] == 2) {
        throw new IllegalStateException("second run");
      }
    }, 1, 1, TimeUnit.MILLISECONDS);
    advance(1);
    drain();
    advance(1);
    drain();
    advance(10);
    drain();
    assertThat(runs[0]).isEqualTo(2);
    assertThat(future.isDone()).isTrue();
    assertThat(time.pendingTimers()).isZero();
    assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class).cause().hasMessage("second run");
  }

  @Test
  void cancellingAPeriodicTaskStopsIt() {
    ScheduledFuture<?> future = view.scheduleWithFixedDelay(record("tick"), 1, 1, TimeUnit.MILLISECONDS);
    advance(1);
    drain();
    assertThat(future.cancel(true)).isTrue();
    assertThat(time.pendingTimers()).isZero();
    advance(10);
    drain();
    assertThat(ran).containsExactly("tick@1");
  }

  @Test
  void aPeriodicTaskCancelledWhileQueuedIsNotReArmed() {
    ScheduledFuture<?> future = view.scheduleAtFixedRate(record("tick"), 1, 1, TimeUnit.MILLISECONDS);
    advance(1);
    future.cancel(false);
    drain();
    assertThat(ran).isEmpty();
    assertThat(time.pendingTimers()).isZero();
  }

  @Test
  void withADirectExecutorTheTimerRunsTheTaskInline() {
    TimerScheduledExecutor direct = time.asScheduledExecutorService(time, Runnable::run);
    direct.scheduleAtFixedRate(record("tick"), 0, 10, TimeUnit.MILLISECONDS);
    advance(30);
    assertThat(ran).containsExactly("tick@0", "tick@10", "tick@20", "tick@30");
  }

  @Test
  void futuresCompareByDueTimeThenSubmissionOrder() {
    ScheduledFuture<?> later = view.schedule(record("x"), 20, TimeUnit.MILLISECONDS);
    ScheduledFuture<?> sooner = view.schedule(record("y"), 10, TimeUnit.MILLISECONDS);
    ScheduledFuture<?> sameAsSooner = view.schedule(record("z"), 10, TimeUnit.MILLISECONDS);
    assertThat(sooner.compareTo(later)).isNegative();
    assertThat(later.compareTo(sooner)).isPositive();
    assertThat(sooner.compareTo(sameAsSooner)).isNegative();
    assertThat(sooner.compareTo(sooner)).isZero();
  }

  @Test
  void shutdownRejectsNewTasksCancelsPeriodicOnesAndLetsDelayedOnesRun() throws Exception {
    ScheduledFuture<?> periodic = view.scheduleAtFixedRate(record("tick"), 5, 5, TimeUnit.MILLISECONDS);
    ScheduledFuture<?> oneShot = view.schedule(record("once"), 10, TimeUnit.MILLISECONDS);
    view.shutdown();
    assertThat(view.isShutdown()).isTrue();
    assertThat(periodic.isCancelled()).isTrue();
    assertThat(view.isTerminated()).isFalse();
    assertThat(view.awaitTermination(0, TimeUnit.NANOSECONDS)).isFalse();
    assertThatThrownBy(() -> view.execute(record("late"))).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> view.schedule(record("late"), 1, TimeUnit.MILLISECONDS))
        .isInstanceOf(RejectedExecutionException.class);
    advance(10);
    assertThat(view.isTerminated()).isFalse(); // handed over, not yet run
    drain();
    assertThat(ran).containsExactly("once@10");
    assertThat(oneShot.isDone()).isTrue();
    assertThat(view.isTerminated()).isTrue();
    assertThat(view.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void shutdownNowWithdrawsPendingTasksAndReturnsThemEarliestFirst() {
    ScheduledFuture<?> second = view.schedule(record("second"), 20, TimeUnit.MILLISECONDS);
    ScheduledFuture<?> first = view.schedule(record("first"), 10, TimeUnit.MILLISECONDS);
    ScheduledFuture<?> queued = view.schedule(record("queued"), 0, TimeUnit.MILLISECONDS);
    List<Runnable> pending = view.shutdownNow();
    assertThat(pending).containsExactly((Runnable) first, (Runnable) second);
    assertThat(time.pendingTimers()).isZero();
    assertThat(queued.isCancelled()).isTrue(); // handed over: cancelled, not withdrawn
    assertThat(first.isDone()).isFalse();
    drain(); // the cancelled hand-over runs as a no-op and deregisters
    assertThat(view.isTerminated()).isTrue();
    assertThat(ran).isEmpty();
    pending.getFirst().run(); // the caller may still run a withdrawn task
    assertThat(ran).containsExactly("first@0");
    assertThat(((RunnableScheduledFuture<?>) pending.getLast()).isPeriodic()).isFalse();
  }

  @Test
  void awaitTerminationWakesWhenTheLastRunningTaskEndsOnAnotherThread() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      TimerScheduledExecutor onPool = TimerScheduledExecutor.of(time, time, pool);
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      onPool.schedule(() -> {
        started.countDown();
        release.await();
        return "done";
      }, 1, TimeUnit.MILLISECONDS);
      advance(1);
      TestThreads.awaitPromptly(started, "started");
      onPool.shutdown();
      assertThat(onPool.isTerminated()).isFalse(); // running
      release.countDown();
      assertThat(onPool.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void itOwnsNeitherTheTimerNorTheExecutor() {
    view.shutdownNow();
    Timer.Cancellable handle = time.schedule(Duration.ofMillis(1), record("timer"));
    queueing.execute(record("executor"));
    advance(1);
    drain();
    assertThat(ran).containsExactly("timer@1", "executor@1");
    assertThat(handle.cancel()).isFalse();
  }

  @Test
  void anExecutorThatRejectsADueTaskFailsItsFuture() {
    TimerScheduledExecutor rejecting = TimerScheduledExecutor.of(time, time, task -> {
      throw new RejectedExecutionException("full");
    });
    ScheduledFuture<?> future = rejecting.schedule(record("x"), 1, TimeUnit.MILLISECONDS);
    advance(1);
    assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class).cause().hasMessage("full");
    assertThatThrownBy(() -> rejecting.execute(record("y"))).isInstanceOf(RejectedExecutionException.class);
    rejecting.shutdown();
    assertThat(rejecting.isTerminated()).isTrue();
  }

  @Test
  void badArgumentsAreRejectedNamingTheArgument() {
    assertThatThrownBy(() -> TimerScheduledExecutor.of(null, time, queueing)).hasMessage("clock");
    assertThatThrownBy(() -> TimerScheduledExecutor.of(time, null, queueing)).hasMessage("timer");
    assertThatThrownBy(() -> TimerScheduledExecutor.of(time, time, null)).hasMessage("executor");
    assertThatThrownBy(() -> view.schedule((Runnable) null, 1, TimeUnit.SECONDS)).hasMessage("command");
    assertThatThrownBy(() -> view.schedule(() -> 1, 1, null)).hasMessage("unit");
    assertThatThrownBy(() -> view.scheduleAtFixedRate(record("x"), 0, 0, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("period");
    assertThatThrownBy(() -> view.scheduleAtFixedRate(record("x"), 0, -1, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("period");
    assertThatThrownBy(() -> view.scheduleWithFixedDelay(record("x"), 0, -1, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay");
    assertThatThrownBy(() -> view.execute(null)).isInstanceOf(NullPointerException.class);
    assertThat(time.pendingTimers()).isZero();
  }
}
