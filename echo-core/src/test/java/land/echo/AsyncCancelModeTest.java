package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code async(body, mode)} decides whether cancelling the effect cancels its stage (issue: Echo core API 1.0). */
@Timeout(60)
class AsyncCancelModeTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = TestRuntimes.onVirtualTime(time);

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  @Test
  void aTimeoutOfOneCallerLeavesASharedFutureRunningForTheOthers() {
    CompletableFuture<Integer> shared = new CompletableFuture<>();
    EffectHandle<String, Integer> impatient = runtime.submit(
        ActionEffect.<String, Integer>async(token -> shared, AsyncCancelMode.LEAVE_RUNNING)
            .timeout(Duration.ofSeconds(1)));
    await().until(() -> shared.getNumberOfDependents() == 1);

    time.advance(Duration.ofSeconds(1));

    assertThat(TestRuntimes.joinPromptly(impatient)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(Duration.ofSeconds(1))));
    assertThat(shared).isNotDone();
    EffectHandle<String, Integer> patient =
        runtime.submit(ActionEffect.<String, Integer>async(token -> shared, AsyncCancelMode.LEAVE_RUNNING));
    shared.complete(42);
    assertThat(TestRuntimes.joinPromptly(patient)).isEqualTo(new Outcome.Success<>(42));
  }

  @Test
  void aCancelledLeaveRunningEffectResumesAtOnceWithoutWaitingForTheStage() {
    CompletableFuture<Integer> shared = new CompletableFuture<>();
    EffectHandle<String, Integer> handle = runtime.submit(
        ActionEffect.<String, Integer>async(token -> shared, AsyncCancelMode.LEAVE_RUNNING));
    await().until(() -> shared.getNumberOfDependents() == 1);

    handle.cancel("caller left");

    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("caller left")));
    assertThat(shared).isNotDone();
  }

  @Test
  void cancelFutureIsTheDefaultAndCancelsTheStage() {
    CompletableFuture<Integer> owned = new CompletableFuture<>();
    EffectHandle<String, Integer> handle = runtime.submit(
        ActionEffect.<String, Integer>async(token -> owned).timeout(Duration.ofSeconds(1)));
    await().until(() -> owned.getNumberOfDependents() == 1);

    time.advance(Duration.ofSeconds(1));

    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(Duration.ofSeconds(1))));
    await().until(owned::isCancelled);
  }

  /** A capability holding a load that other callers share. */
  record PendingLoad(CompletableFuture<Integer> future) {}

  @Test
  void theCapabilityOverloadOfEffectsHonoursLeaveRunning() {
    CompletableFuture<Integer> shared = new CompletableFuture<>();
    ApplicationRuntime withLoad = ApplicationRuntime.builder()
        .scheduler(TestRuntimes.scheduler(1)).clock(time).timer(time)
        .environment(Environment.builder().with(PendingLoad.class, new PendingLoad(shared)).build())
        .build();
    try {
      EffectHandle<String, Integer> handle = withLoad.submit(Effects.failingWith(String.class)
          .async(PendingLoad.class, (load, token) -> load.future(), AsyncCancelMode.LEAVE_RUNNING));
      await().until(() -> shared.getNumberOfDependents() == 1);

      handle.cancel("caller left");

      assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("caller left")));
      assertThat(shared).isNotDone();
    } finally {
      TestRuntimes.stop(withLoad);
    }
  }
}
