package land.echo.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
  void cancellingBeforeTheDeadlineWithdrawsTheAction() {
    Timer.Cancellable handle = Timer.system().schedule(Duration.ofHours(1), () -> { });
    assertThat(handle.cancel()).isTrue();
  }

  @Test
  void negativeDelaysAreRejected() {
    assertThatThrownBy(() -> Timer.system().schedule(Duration.ofMillis(-1), () -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay");
  }
}
