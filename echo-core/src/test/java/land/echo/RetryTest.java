package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RetryTest {
  private static final Duration D = Duration.ofMillis(100);
  private static final Duration NANO = Duration.ofNanos(1);

  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = TestRuntimes.onVirtualTime(time);
  private final List<Duration> attemptTimes = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  /** Fails with {@code error} every time, recording when each attempt started. */
  private ActionEffect<Void, CommonError, String> alwaysFailing(CommonError error) {
    return ActionEffect.<CommonError, Integer>compute(token -> {
      attemptTimes.add(time.now());
      return attemptTimes.size();
    }).flatMap(n -> ActionEffect.fail(error));
  }

  private void awaitAttemptsAndTimer(int attempts, Duration nextDelay) {
    await().until(() -> attemptTimes.size() == attempts && time.nextDelay().equals(Optional.of(nextDelay)));
  }

  @Test
  void retryWaitsExactlyDThen2dThen4dBetweenAttempts() {
    CommonError.IPC error = new CommonError.IPC("sidecar down");
    EffectHandle<CommonError, String> handle = runtime.submit(alwaysFailing(error).retry(RetryPolicy.of(3, D)));
    for (int retry = 0; retry < 3; retry++) {
      Duration delay = D.multipliedBy(1L << retry);
      awaitAttemptsAndTimer(retry + 1, delay);
      time.advance(delay.minus(NANO));
      assertThat(time.pendingTimers()).as("nothing fires before the exact delay").isEqualTo(1);
      assertThat(attemptTimes).hasSize(retry + 1);
      time.advance(NANO);
    }
    Outcome<CommonError, String> outcome = handle.join();
    assertThat(outcome).isEqualTo(new Outcome.Fault<>(
        new CommonError.RetriesExhausted(4, new Outcome.Failure<>(error))));
    assertThat(attemptTimes).containsExactly(
        Duration.ZERO, Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofMillis(700));
    assertThat(runtime.stats().retries()).isEqualTo(3);
  }

  @Test
  void runWithRetryReturnsTheFirstSuccess() {
    AtomicInteger calls = new AtomicInteger();
    ActionEffect<Void, String, Integer> flaky = ActionEffect.<String, Integer>compute(token -> calls.incrementAndGet())
        .flatMap(n -> n < 3 ? ActionEffect.fail("flaky " + n) : ActionEffect.succeed(n));
    RetryPolicy noDelay = RetryPolicy.of(5, Duration.ZERO);
    assertThat(runtime.runWithRetry(flaky, noDelay).getOrThrow()).isEqualTo(3);
  }

  @Test
  void zeroRetriesMeansOneAttempt() {
    CommonError.Unknown error = new CommonError.Unknown("x");
    Outcome<CommonError, String> outcome = runtime.runWithRetry(alwaysFailing(error), RetryPolicy.of(0, D));
    assertThat(outcome).isEqualTo(new Outcome.Fault<>(new CommonError.RetriesExhausted(1, new Outcome.Failure<>(error))));
    assertThat(attemptTimes).hasSize(1);
  }

  @Test
  void invalidArgumentIsNotRetriedByDefaultAndComesBackUnchanged() {
    CommonError.InvalidArgument error = new CommonError.InvalidArgument("path", "empty");
    Outcome<CommonError, String> outcome = runtime.runWithRetry(alwaysFailing(error), RetryPolicy.of(3, D));
    assertThat(outcome).isEqualTo(new Outcome.Failure<>(error));
    assertThat(attemptTimes).hasSize(1);
  }

  @Test
  void aCancelledFaultIsNotRetriedByDefault() {
    ActionEffect<Void, CommonError, String> cancelledInside = ActionEffect.compute(token -> {
      attemptTimes.add(time.now());
      throw new java.util.concurrent.CancellationException("gave up");
    });
    Outcome<CommonError, String> outcome = runtime.runWithRetry(cancelledInside, RetryPolicy.of(3, D));
    assertThat(outcome).isEqualTo(new Outcome.Fault<>(new CommonError.Cancelled("gave up")));
    assertThat(attemptTimes).hasSize(1);
  }

  @Test
  void aCustomPredicateChoosesWhatIsRetried() {
    RetryPolicy onlyIpc = RetryPolicy.builder().maxRetries(3).initialDelay(Duration.ZERO)
        .retryOn(o -> o instanceof Outcome.Failure<?, ?>(CommonError.IPC ipc)).build();
    CommonError.Unknown notIpc = new CommonError.Unknown("other");
    assertThat(runtime.runWithRetry(alwaysFailing(notIpc), onlyIpc)).isEqualTo(new Outcome.Failure<>(notIpc));
    assertThat(attemptTimes).hasSize(1);
  }

  @Test
  void panicsAreRetriedByDefault() {
    AtomicInteger calls = new AtomicInteger();
    ActionEffect<Void, String, Integer> panicsTwice = ActionEffect.compute(token -> {
      if (calls.incrementAndGet() < 3) {
        throw new IllegalStateException("transient");
      }
      return calls.get();
    });
    assertThat(runtime.runWithRetry(panicsTwice, RetryPolicy.of(3, Duration.ZERO)).getOrThrow()).isEqualTo(3);
  }

  @Test
  void cancellingDuringABackoffSleepStopsRetryingAtOnce() throws Exception {
    CountDownLatch unwound = new CountDownLatch(1);
    EffectHandle<CommonError, String> handle = runtime.submit(
        alwaysFailing(new CommonError.IPC("down")).retry(RetryPolicy.of(5, D)).ensuring(unwound::countDown));
    awaitAttemptsAndTimer(1, D);
    assertThat(handle.cancel("user quit")).isTrue();
    assertThat(handle.join()).isEqualTo(new Outcome.Fault<>(new CommonError.Cancelled("user quit")));
    assertThat(time.pendingTimers()).as("the backoff timer is withdrawn").isZero();
    unwound.await();
    time.advance(Duration.ofHours(1));
    assertThat(attemptTimes).hasSize(1);
  }

  @Test
  void maxDelayCapsTheBackoff() {
    RetryPolicy capped = RetryPolicy.builder().maxRetries(4).initialDelay(D).multiplier(3).maxDelay(Duration.ofMillis(500)).build();
    EffectHandle<CommonError, String> handle = runtime.submit(alwaysFailing(new CommonError.IPC("x")).retry(capped));
    List<Duration> expected = List.of(Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofMillis(500), Duration.ofMillis(500));
    for (int i = 0; i < expected.size(); i++) {
      awaitAttemptsAndTimer(i + 1, expected.get(i));
      time.advance(expected.get(i));
    }
    assertThat(handle.join()).isInstanceOf(Outcome.Fault.class);
    assertThat(attemptTimes).hasSize(5);
  }
}
