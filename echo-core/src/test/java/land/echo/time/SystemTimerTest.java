package land.echo.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SystemTimerTest {

  /**
   * Waits at most 2 s for an action due at once (no real delay), so that an action that never runs
   * fails by assertion well within PIT's timeout instead of hanging.
   */
  private static <T> T promptly(CompletableFuture<T> future, String what) {
    return land.echo.testing.TestThreads.within(future, Duration.ofSeconds(2), what + " running");
  }


  @Test
  void runsTheActionOnTheSharedDaemonTimerThread() throws Exception {
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    Timer.system().schedule(Duration.ofMillis(1), () -> ranOn.complete(Thread.currentThread()));
    Thread thread = promptly(ranOn, "a 1 ms action");
    assertThat(thread.getName()).isEqualTo("echo-timer");
    assertThat(thread.isDaemon()).isTrue();
  }

  @Test
  void aFailingActionDoesNotStopTheTimer() throws Exception {
    Timer.system().schedule(Duration.ZERO, () -> {
      throw new IllegalStateException("action bug");
    });
    CompletableFuture<String> next = new CompletableFuture<>();
    Timer.system().schedule(Duration.ZERO, () -> next.complete("still running"));
    assertThat(promptly(next, "the action after a failing one")).isEqualTo("still running");
  }

  @Test
  void cancellingBeforeTheDeadlineWithdrawsTheAction() throws Exception {
    SystemTimer timer = SystemTimer.create("withdraw-test-timer");
    try {
      // Hold the timer's only thread, so that the action is due but cannot have run yet.
      CountDownLatch holding = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      timer.schedule(Duration.ZERO, () -> {
        holding.countDown();
        awaitQuietly(release);
      });
      assertThat(holding.await(2, TimeUnit.SECONDS)).as("the holding action ran within 2 s").isTrue();
      AtomicBoolean withdrawnRan = new AtomicBoolean();
      Timer.Cancellable handle = timer.schedule(Duration.ZERO, () -> withdrawnRan.set(true));
      assertThat(handle.cancel()).isTrue();
      // Due after the withdrawn action on the same single thread: once it ran, the other would
      // have run before it, had it not been withdrawn.
      CompletableFuture<Boolean> later = new CompletableFuture<>();
      timer.schedule(Duration.ZERO, () -> later.complete(withdrawnRan.get()));
      release.countDown();
      assertThat(promptly(later, "the later action")).as("the withdrawn action ran before the later one").isFalse();
      assertThat(withdrawnRan).isFalse();
    } finally {
      timer.close();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void negativeDelaysAreRejected() {
    assertThatThrownBy(() -> Timer.system().schedule(Duration.ofMillis(-1), () -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay");
  }

  /**
   * A zero-delay action runs promptly on a timer of its own (no real delay, so a 2 s bound fails by
   * assertion, not by hanging). Mutation: the scheduled wrapper not running the action.
   */
  @Test
  void aZeroDelayActionRunsPromptly() throws Exception {
    SystemTimer timer = SystemTimer.create("prompt-test-timer");
    try {
      CompletableFuture<String> ran = new CompletableFuture<>();
      timer.schedule(Duration.ZERO, () -> ran.complete("ran"));
      assertThat(promptly(ran, "a zero-delay action")).isEqualTo("ran");
    } finally {
      timer.close();
    }
  }

  /**
   * A delay too long for {@code long} nanoseconds saturates to the longest one instead of
   * overflowing: such an action is never due, while a zero-delay action scheduled after it runs.
   * Mutation: the saturated value replaced with 0 (the action would run at once).
   */
  @Test
  void aDelayTooLongForNanosSaturatesAndIsNeverDue() throws Exception {
    assertThat(SystemTimer.saturatedNanos(ChronoUnit.FOREVER.getDuration())).isEqualTo(Long.MAX_VALUE);
    assertThat(SystemTimer.saturatedNanos(Duration.ofNanos(Long.MAX_VALUE).plusNanos(1))).isEqualTo(Long.MAX_VALUE);
    assertThat(SystemTimer.saturatedNanos(Duration.ofNanos(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    assertThat(SystemTimer.saturatedNanos(Duration.ofSeconds(3))).isEqualTo(3_000_000_000L);
    SystemTimer timer = SystemTimer.create("saturation-test-timer");
    try {
      AtomicBoolean foreverRan = new AtomicBoolean();
      timer.schedule(ChronoUnit.FOREVER.getDuration(), () -> foreverRan.set(true));
      CompletableFuture<Boolean> later = new CompletableFuture<>();
      timer.schedule(Duration.ZERO, () -> later.complete(foreverRan.get()));
      assertThat(promptly(later, "a zero-delay action")).as("the never-due action ran before a zero-delay one").isFalse();
    } finally {
      timer.close();
    }
  }

  /**
   * While the timer is in use, its own beat stays queued, so an entry due after the next beat is
   * never the earliest and never has to wake the thread; withdrawing every entry leaves the beat.
   * On a timer without the beat, the queue would be empty after the withdrawal.
   */
  @Test
  void aTimerInUseKeepsItsBeatQueuedSoThatLaterEntriesWakeNobody() {
    SystemTimer timer = SystemTimer.createForTest("beat-test-timer", Duration.ofHours(1), 3);
    try {
      assertThat(timer.queuedForTest()).as("a timer never used queues nothing").isZero();
      assertThat(timer.beatingForTest()).isFalse();
      Timer.Cancellable first = timer.schedule(Duration.ofHours(2), () -> { });
      assertThat(timer.beatingForTest()).isTrue();
      assertThat(timer.queuedForTest()).as("the entry and the beat").isEqualTo(2);
      Timer.Cancellable second = timer.schedule(Duration.ofHours(2), () -> { });
      assertThat(timer.queuedForTest()).as("one beat for any number of entries").isEqualTo(3);
      assertThat(first.cancel()).isTrue();
      assertThat(second.cancel()).isTrue();
      assertThat(timer.queuedForTest()).as("the beat outlives the entries").isEqualTo(1);
    } finally {
      timer.close();
    }
  }

  /**
   * A quiet timer stops beating: after the set number of beats with nothing scheduled, nothing is
   * queued and the thread waits without a timeout, so an idle timer burns no CPU. The next entry
   * starts the beat again. Mutation: the beat rescheduling itself unconditionally.
   */
  @Test
  void aQuietTimerStopsBeatingAndTheNextEntryStartsItAgain() {
    SystemTimer timer = SystemTimer.createForTest("quiet-test-timer", Duration.ofMillis(2), 3);
    try {
      CompletableFuture<Thread> ranOn = new CompletableFuture<>();
      timer.schedule(Duration.ZERO, () -> ranOn.complete(Thread.currentThread()));
      Thread thread = promptly(ranOn, "a zero-delay action");
      Awaitility.await("the beat stopping").atMost(Duration.ofSeconds(5))
          .until(() -> !timer.beatingForTest() && timer.queuedForTest() == 0);
      Awaitility.await("the thread waiting without a timeout").atMost(Duration.ofSeconds(5))
          .until(() -> thread.getState() == Thread.State.WAITING);
      timer.schedule(Duration.ofHours(1), () -> { });
      assertThat(timer.beatingForTest()).isTrue();
      assertThat(timer.queuedForTest()).isEqualTo(2);
    } finally {
      timer.close();
    }
  }

  /**
   * Forces the race the beat's stop guards: an entry scheduled after the last beat found nothing
   * scheduled but before it clears {@code beating} sees the beat running and does not start it, so
   * the stopping beat must see that entry and carry on. Without the second look, the beat stops
   * with the entry queued and the next entry wakes the thread again.
   */
  @Test
  void anEntryScheduledAsTheBeatStopsKeepsItBeating() {
    SystemTimer timer = SystemTimer.createForTest("race-test-timer", Duration.ofMillis(2), 2);
    try {
      CompletableFuture<Boolean> sawBeating = new CompletableFuture<>();
      CompletableFuture<String> afterTheBeat = new CompletableFuture<>();
      timer.beforeStopForTest(() -> {
        timer.beforeStopForTest(null);
        sawBeating.complete(timer.beatingForTest());
        timer.schedule(Duration.ofHours(1), () -> { });
        // Due at once on the same thread, so it runs as soon as this beat has returned.
        timer.schedule(Duration.ZERO, () -> afterTheBeat.complete(
            "beating " + timer.beatingForTest() + ", queued " + timer.queuedForTest()));
      });
      timer.schedule(Duration.ZERO, () -> { });
      assertThat(within(sawBeating)).as("the racing entry saw the beat running").isTrue();
      assertThat(within(afterTheBeat)).as("the hour-long entry and the beat").isEqualTo("beating true, queued 2");
    } finally {
      timer.close();
    }
  }

  /** A timer closed while beating runs nothing more and refuses new entries. */
  @Test
  void aTimerClosedWhileBeatingRefusesNewEntries() {
    SystemTimer timer = SystemTimer.createForTest("closed-test-timer", Duration.ofMillis(1), 1000);
    timer.schedule(Duration.ofHours(1), () -> { });
    timer.close();
    assertThatThrownBy(() -> timer.schedule(Duration.ZERO, () -> { }))
        .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
  }

  private static <T> T within(CompletableFuture<T> future) {
    return promptly(future, "the beat's stop");
  }
}
