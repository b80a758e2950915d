package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link CancellationToken#deadline()} reports the earliest enclosing deadline (issue: Echo core API 1.0). */
@Timeout(60)
class DeadlineTest {
  private static final ActionEffect<String, Optional<Duration>> REMAINING = ActionEffect.compute(CancellationToken::deadline);

  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = TestRuntimes.onVirtualTime(time);

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  /** Runs {@code effect} after a 3 s sleep, advancing virtual time once the sleep is pending. */
  private <T> Outcome<String, T> afterThreeSeconds(EffectHandle<String, T> handle) {
    await().until(() -> time.pendingTimers() >= 1 && time.nextDelay().orElseThrow().equals(Duration.ofSeconds(3)));
    time.advance(Duration.ofSeconds(3));
    return TestRuntimes.joinPromptly(handle);
  }

  private static ActionEffect<String, Optional<Duration>> sleepThenRemaining() {
    return ActionEffect.<String>sleep(Duration.ofSeconds(3)).flatMap(ignored -> REMAINING);
  }

  @Test
  void anEffectWithoutADeadlineSeesNone() {
    assertThat(TestRuntimes.runPromptly(runtime, REMAINING)).isEqualTo(new Outcome.Success<>(Optional.empty()));
  }

  @Test
  void aTokenOutsideARuntimeHasNoDeadline() {
    assertThat(CancellationToken.never().deadline()).isEmpty();
  }

  @Test
  void aRootSubmittedWithATimeoutSeesWhatIsLeftOfIt() {
    EffectHandle<String, Optional<Duration>> handle =
        runtime.submitWithTimeout(sleepThenRemaining(), Duration.ofSeconds(10), Priority.NORMAL);

    assertThat(afterThreeSeconds(handle)).isEqualTo(new Outcome.Success<>(Optional.of(Duration.ofSeconds(7))));
  }

  @Test
  void aBodyInsideATimeoutSeesWhatIsLeftOfIt() {
    EffectHandle<String, Optional<Duration>> handle =
        runtime.submit(sleepThenRemaining().timeout(Duration.ofSeconds(5)));

    assertThat(afterThreeSeconds(handle)).isEqualTo(new Outcome.Success<>(Optional.of(Duration.ofSeconds(2))));
  }

  @Test
  void anInnerTimeoutEarlierThanTheRootsDeadlineApplies() {
    EffectHandle<String, Optional<Duration>> handle = runtime.submitWithTimeout(
        sleepThenRemaining().timeout(Duration.ofSeconds(5)), Duration.ofSeconds(10), Priority.NORMAL);

    assertThat(afterThreeSeconds(handle)).isEqualTo(new Outcome.Success<>(Optional.of(Duration.ofSeconds(2))));
  }

  @Test
  void anInnerTimeoutLaterThanTheRootsDeadlineDoesNotExtendIt() {
    EffectHandle<String, Optional<Duration>> handle = runtime.submitWithTimeout(
        sleepThenRemaining().timeout(Duration.ofSeconds(20)), Duration.ofSeconds(10), Priority.NORMAL);

    assertThat(afterThreeSeconds(handle)).isEqualTo(new Outcome.Success<>(Optional.of(Duration.ofSeconds(7))));
  }

  @Test
  void anOuterTimeoutEarlierThanAnInnerOneApplies() {
    EffectHandle<String, Optional<Duration>> handle = runtime.submit(
        sleepThenRemaining().timeout(Duration.ofSeconds(8)).timeout(Duration.ofSeconds(4)));

    assertThat(afterThreeSeconds(handle)).isEqualTo(new Outcome.Success<>(Optional.of(Duration.ofSeconds(1))));
  }

  @Test
  void aChildOfAllInsideATimeoutSeesTheTimeout() {
    EffectHandle<String, List<Optional<Duration>>> handle = runtime.submit(
        ActionEffect.<String>sleep(Duration.ofSeconds(3))
            .flatMap(ignored -> ActionEffect.all(List.of(REMAINING, REMAINING)))
            .timeout(Duration.ofSeconds(5)));

    assertThat(afterThreeSeconds(handle)).isEqualTo(
        new Outcome.Success<>(List.of(Optional.of(Duration.ofSeconds(2)), Optional.of(Duration.ofSeconds(2)))));
  }

  @Test
  void aTimeoutsDeadlineEndsWithIt() {
    EffectHandle<String, Optional<Duration>> handle = runtime.submit(
        ActionEffect.<String, Integer>succeed(1).timeout(Duration.ofSeconds(5)).flatMap(ignored -> REMAINING));

    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Success<>(Optional.empty()));
  }

  @Test
  void theDeadlineOfATimeoutCountsFromWhenItStarted() {
    EffectHandle<String, Optional<Duration>> handle = runtime.submit(
        ActionEffect.<String>sleep(Duration.ofSeconds(3)).flatMap(ignored -> REMAINING.timeout(Duration.ofSeconds(5))));

    assertThat(afterThreeSeconds(handle)).isEqualTo(new Outcome.Success<>(Optional.of(Duration.ofSeconds(5))));
  }
}
