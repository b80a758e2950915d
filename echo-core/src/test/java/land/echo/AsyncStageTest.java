package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Async bodies may return any {@code CompletionStage}; finalizers always run (issue: async stages). */
@Timeout(60)
class AsyncStageTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = TestRuntimes.onVirtualTime(time);
  private final AtomicInteger finalized = new AtomicInteger();

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  private <T> Outcome<String, T> runGuarded(ActionEffect<String, T> effect) {
    return TestRuntimes.runPromptly(runtime, effect.ensuring(finalized::incrementAndGet));
  }

  @Test
  void aCompletedMinimalStageSucceeds() {
    Outcome<String, Integer> outcome =
        runGuarded(ActionEffect.<String, Integer>async(token -> CompletableFuture.completedStage(7)));
    assertThat(outcome).isEqualTo(new Outcome.Success<>(7));
    assertThat(finalized).hasValue(1);
  }

  @Test
  void aFailedMinimalStageIsAPanicWithItsCauseAndRunsTheFinalizer() {
    IllegalStateException cause = new IllegalStateException("remote");
    Outcome<String, Integer> outcome =
        runGuarded(ActionEffect.<String, Integer>async(token -> CompletableFuture.failedStage(cause)));
    assertThat(outcome).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(cause)));
    assertThat(finalized).hasValue(1);
  }

  @Test
  void aMinimalStageCompletedLaterResumesTheEffect() {
    CompletableFuture<Integer> source = new CompletableFuture<>();
    EffectHandle<String, Integer> handle = runtime.submit(
        ActionEffect.<String, Integer>async(token -> source.minimalCompletionStage())
            .ensuring(finalized::incrementAndGet));
    Thread.ofVirtual().start(() -> source.complete(9));
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Success<>(9));
    assertThat(finalized).hasValue(1);
  }

  @Test
  void aForeignStageWhoseToCompletableFutureIsACopyResumesTheEffect() {
    CompletableFuture<Integer> source = new CompletableFuture<>();
    EffectHandle<String, Integer> handle = runtime.submit(
        ActionEffect.<String, Integer>async(token -> new ForeignStage<>(source)).ensuring(finalized::incrementAndGet));
    Thread.ofVirtual().start(() -> source.complete(11));
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Success<>(11));
    assertThat(finalized).hasValue(1);
  }

  @Test
  void cancellingAnEffectWaitingOnAStageThatNeverCompletesUnwindsAtOnce() {
    CompletableFuture<Integer> never = new CompletableFuture<>();
    AtomicInteger started = new AtomicInteger();
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>async(token -> {
      started.incrementAndGet();
      return never.minimalCompletionStage();
    }).ensuring(finalized::incrementAndGet));
    await().until(() -> started.get() == 1);

    assertThat(handle.cancel("closed")).isTrue();

    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("closed")));
    await().until(() -> finalized.get() == 1);
    assertThat(never).isNotDone(); // a minimal stage cannot be cancelled; the effect did not wait for it
  }

  @Test
  void cancellingAnEffectWaitingOnAFutureCancelsTheFuture() {
    CompletableFuture<Integer> pending = new CompletableFuture<>();
    EffectHandle<String, Integer> handle =
        runtime.submit(ActionEffect.<String, Integer>async(token -> pending).ensuring(finalized::incrementAndGet));
    await().until(() -> pending.getNumberOfDependents() > 0);

    handle.cancel();

    await().until(pending::isCancelled);
    await().until(() -> finalized.get() == 1);
  }

  @Test
  void cancellingTheParentOfATimeoutWithdrawsTheTimeoutsTimer() {
    CompletableFuture<Integer> pending = new CompletableFuture<>();
    EffectHandle<String, Integer> handle = runtime.submit(
        ActionEffect.<String, Integer>async(token -> pending).timeout(Duration.ofHours(1)));
    await().until(() -> time.pendingTimers() == 1 && pending.getNumberOfDependents() > 0);

    handle.cancel();

    await().until(() -> time.pendingTimers() == 0);
  }
}
