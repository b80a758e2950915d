package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

import java.util.concurrent.CompletableFuture;
import land.echo.spi.EffectInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ApplicationRuntime#cancel(long, String)}: what a dashboard's cancel button calls. */
@Timeout(60)
class CancelByIdTest {
  private static final Effects<String> APP = Effects.failingWith(String.class);
  private final ApplicationRuntime runtime = TestRuntimes.onSystemTime();

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  /** An effect that waits for a future nobody completes, until it is cancelled. */
  private static ActionEffect<String, Integer> forever() {
    return APP.async(token -> new CompletableFuture<Integer>(), AsyncCancelMode.CANCEL_FUTURE);
  }

  @Test
  void cancelsTheEffectWithThatIdAndOnlyIt() {
    EffectHandle<String, Integer> target = runtime.submit(forever().named("target"));
    EffectHandle<String, Integer> other = runtime.submit(forever().named("other"));
    long id = runtime.inFlight().stream().filter(i -> i.name().equals("target")).mapToLong(EffectInfo::id)
        .findFirst().orElseThrow();

    assertThat(runtime.cancel(id, "stopped from the dashboard")).isTrue();

    assertThat(TestRuntimes.joinPromptly(target))
        .isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("stopped from the dashboard")));
    assertThat(other.isDone()).isFalse();
    // The registry lets a root go once everything it spawned has stopped, which may be just after
    // its handle completes.
    await().untilAsserted(() -> assertThat(runtime.inFlight()).extracting(EffectInfo::name).containsExactly("other"));
    other.cancel();
  }

  @Test
  void anIdThatIsNotInFlightIsRefused() {
    EffectHandle<String, Integer> done = runtime.submit(forever());
    long finishedId = runtime.inFlight().getFirst().id();
    done.cancel();
    TestRuntimes.joinPromptly(done);

    assertThat(runtime.cancel(finishedId, "late")).isFalse();
    assertThat(runtime.cancel(Long.MAX_VALUE, "unknown")).isFalse();
  }

  @Test
  void aSecondCancelOfTheSameEffectReturnsFalse() {
    EffectHandle<String, Integer> target = runtime.submit(forever());
    long id = runtime.inFlight().getFirst().id();

    assertThat(runtime.cancel(id, "first")).isTrue();
    TestRuntimes.joinPromptly(target);
    assertThat(runtime.cancel(id, "second")).isFalse();
  }

  @Test
  void anEffectCanCancelItselfByIdFromInsideItsBody() {
    // Called from inside the effect (on a worker): the cancellation reaches the effect's own wait.
    ActionEffect<String, Integer> self = APP.<Integer>suspend(() -> {
      long id = runtime.inFlight().stream().filter(i -> i.name().equals("self")).mapToLong(EffectInfo::id)
          .findFirst().orElseThrow();
      if (!runtime.cancel(id, "cancelled itself")) {
        throw new IllegalStateException("the effect was not found in flight");
      }
      return forever();
    }).named("self");

    assertThat(TestRuntimes.joinPromptly(runtime.submit(self)))
        .isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("cancelled itself")));
  }

  @Test
  void aNullReasonIsNamed() {
    assertThatNullPointerException().isThrownBy(() -> runtime.cancel(1, null)).withMessage("reason");
  }
}
