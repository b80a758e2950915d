package land.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Interrupting a thread blocked in run() cancels the effect and restores the interrupt (issue: interrupts). */
@Timeout(60)
class InterruptibleRunTest {
  private final ApplicationRuntime runtime = TestRuntimes.onSystemTime();

  @AfterEach
  void stop() {
    runtime.shutdown(Duration.ZERO);
  }

  @Test
  void anInterruptedCallerOfRunGetsCancelledKeepsItsInterruptAndTheBodyIsInterrupted() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch bodyInterrupted = new CountDownLatch(1);
    CompletableFuture<Outcome<String, Integer>> outcome = new CompletableFuture<>();
    CompletableFuture<Boolean> interruptKept = new CompletableFuture<>();
    Thread caller = Thread.ofPlatform().start(() -> {
      outcome.complete(runtime.run(ActionEffect.<String, Integer>blocking(token -> {
        started.countDown();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          bodyInterrupted.countDown();
          throw e;
        }
        return 1;
      })));
      interruptKept.complete(Thread.currentThread().isInterrupted());
    });
    TestRuntimes.awaitPromptly(started, "started");

    caller.interrupt();

    assertThat(TestRuntimes.joinPromptly(outcome, "the interrupted caller's outcome")).isInstanceOfSatisfying(Outcome.Faulted.class,
        f -> assertThat(f.fault()).isInstanceOf(Fault.Cancelled.class));
    assertThat(TestRuntimes.joinPromptly(interruptKept, "the caller's return")).isTrue();
    TestRuntimes.awaitPromptly(bodyInterrupted, "body interrupted");
  }

  @Test
  void anInterruptedCallerOfRunWithTimeoutIsAnsweredAtOnce() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Outcome<String, Integer>> outcome = new CompletableFuture<>();
    Thread caller = Thread.ofPlatform().start(() -> outcome.complete(runtime.runWithTimeout(
        ActionEffect.<String, Integer>compute(token -> {
          started.countDown();
          while (!token.isCancelled()) {
            Thread.onSpinWait();
          }
          return 1;
        }), Duration.ofHours(1))));
    TestRuntimes.awaitPromptly(started, "started");

    caller.interrupt();

    assertThat(TestRuntimes.joinPromptly(outcome, "the interrupted caller's outcome")).isInstanceOfSatisfying(Outcome.Faulted.class,
        f -> assertThat(f.fault()).isInstanceOf(Fault.Cancelled.class));
  }
}
