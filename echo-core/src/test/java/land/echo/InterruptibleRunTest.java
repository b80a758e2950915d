package land.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Interrupting a thread blocked in run() cancels the effect and restores the interrupt (issue: interrupts). */
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
    started.await();

    caller.interrupt();

    assertThat(outcome.join()).isInstanceOfSatisfying(Outcome.Faulted.class,
        f -> assertThat(f.fault()).isInstanceOf(Fault.Cancelled.class));
    assertThat(interruptKept.join()).isTrue();
    bodyInterrupted.await();
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
    started.await();

    caller.interrupt();

    assertThat(outcome.join()).isInstanceOfSatisfying(Outcome.Faulted.class,
        f -> assertThat(f.fault()).isInstanceOf(Fault.Cancelled.class));
  }
}
