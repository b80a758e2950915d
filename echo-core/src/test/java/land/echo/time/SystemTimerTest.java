package land.echo.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
}
