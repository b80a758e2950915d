package land.echo.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SystemTimerTest {

  @Test
  void runsTheActionOnTheSharedDaemonTimerThread() throws Exception {
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    Timer.system().schedule(Duration.ofMillis(1), () -> ranOn.complete(Thread.currentThread()));
    Thread thread = ranOn.get(5, TimeUnit.SECONDS);
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
    assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo("still running");
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
      assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
      AtomicBoolean withdrawnRan = new AtomicBoolean();
      Timer.Cancellable handle = timer.schedule(Duration.ZERO, () -> withdrawnRan.set(true));
      assertThat(handle.cancel()).isTrue();
      // Due after the withdrawn action on the same single thread: once it ran, the other would
      // have run before it, had it not been withdrawn.
      CompletableFuture<Boolean> later = new CompletableFuture<>();
      timer.schedule(Duration.ZERO, () -> later.complete(withdrawnRan.get()));
      release.countDown();
      assertThat(later.get(5, TimeUnit.SECONDS)).as("the withdrawn action ran before the later one").isFalse();
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
}
