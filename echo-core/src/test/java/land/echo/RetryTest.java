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
  private ActionEffect<CommonError, String> alwaysFailing(CommonError error) {
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
    List<String> events = new CopyOnWriteArrayList<>();
    RetryPolicy policy = RetryPolicy.builder().maxRetries(3).initialDelay(D).onRetry(recording(events)).build();
    EffectHandle<CommonError, String> handle = runtime.submit(alwaysFailing(error).retry(policy));
    for (int retry = 0; retry < 3; retry++) {
      Duration delay = D.multipliedBy(1L << retry);
      awaitAttemptsAndTimer(retry + 1, delay);
      time.advance(delay.minus(NANO));
      assertThat(time.pendingTimers()).as("nothing fires before the exact delay").isEqualTo(1);
      assertThat(attemptTimes).hasSize(retry + 1);
      time.advance(NANO);
    }
    Outcome<CommonError, String> outcome = TestRuntimes.joinPromptly(handle);
    assertThat(outcome).as("exhaustion returns the last typed failure unchanged").isEqualTo(new Outcome.Failure<>(error));
    assertThat(attemptTimes).containsExactly(
        Duration.ZERO, Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofMillis(700));
    assertThat(runtime.stats().retries()).isEqualTo(3);
    Outcome<?, ?> failed = new Outcome.Failure<>(error);
    assertThat(events).containsExactly(
        "retry 1 " + failed + " PT0.1S", "retry 2 " + failed + " PT0.2S", "retry 3 " + failed + " PT0.4S",
        "exhausted 4 " + failed);
  }

  /** A listener that records each call as a line. */
  private static RetryListener recording(List<String> events) {
    return new RetryListener() {
      @Override
      public void onRetry(int attempt, Outcome<?, ?> failed, Duration delay) {
        events.add("retry " + attempt + " " + failed + " " + delay);
      }

      @Override
      public void onExhausted(int attempts, Outcome<?, ?> last) {
        events.add("exhausted " + attempts + " " + last);
      }
    };
  }

  @Test
  void aListenerThatThrowsNeverBreaksTheRetries() {
    AtomicInteger calls = new AtomicInteger();
    RetryPolicy policy = RetryPolicy.builder().maxRetries(2).initialDelay(Duration.ZERO)
        .onRetry(new RetryListener() {
          @Override
          public void onRetry(int attempt, Outcome<?, ?> failed, Duration delay) {
            calls.incrementAndGet();
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onExhausted(int attempts, Outcome<?, ?> last) {
            calls.incrementAndGet();
            throw new IllegalStateException("listener bug");
          }
        }).build();
    CommonError.IPC error = new CommonError.IPC("down");
    assertThat(TestRuntimes.callPromptly(() -> runtime.runWithRetry(alwaysFailing(error), policy), "runtime.runWithRetry's outcome")).isEqualTo(new Outcome.Failure<>(error));
    assertThat(attemptTimes).hasSize(3);
    assertThat(calls).hasValue(3);
  }

  @Test
  void theListenerIsNotToldOfAnOutcomeThePredicateDeclines() {
    List<String> events = new CopyOnWriteArrayList<>();
    RetryPolicy policy = RetryPolicy.builder().maxRetries(3).initialDelay(Duration.ZERO).onRetry(recording(events)).build();
    CommonError.InvalidArgument error = new CommonError.InvalidArgument("path", "empty");
    assertThat(TestRuntimes.callPromptly(() -> runtime.runWithRetry(alwaysFailing(error), policy), "runtime.runWithRetry's outcome")).isEqualTo(new Outcome.Failure<>(error));
    assertThat(events).isEmpty();
  }

  @Test
  void retryOnExceptionTypesRetriesOnlyPanicsCausedByThem() {
    AtomicInteger calls = new AtomicInteger();
    RetryPolicy onIo = RetryPolicy.builder().maxRetries(5).initialDelay(Duration.ZERO)
        .retryOn(java.io.UncheckedIOException.class, java.util.concurrent.TimeoutException.class).build();
    ActionEffect<String, Integer> ioTwiceThenState = ActionEffect.compute(token -> {
      int n = calls.incrementAndGet();
      if (n < 3) {
        throw new java.io.UncheckedIOException(new java.io.IOException("flaky disk"));
      }
      throw new IllegalStateException("not retried");
    });
    Outcome<String, Integer> outcome = TestRuntimes.callPromptly(() -> runtime.runWithRetry(ioTwiceThenState, onIo), "runtime.runWithRetry's outcome");
    assertThat(outcome).isInstanceOfSatisfying(Outcome.Faulted.class,
        f -> assertThat(f.fault()).isInstanceOfSatisfying(Fault.Panic.class,
            p -> assertThat(p.cause()).isInstanceOf(IllegalStateException.class)));
    assertThat(calls).hasValue(3);
  }

  @Test
  void retryOnExceptionTypesDoesNotRetryDomainFailures() {
    RetryPolicy onIo = RetryPolicy.builder().maxRetries(3).initialDelay(Duration.ZERO)
        .retryOn(java.io.UncheckedIOException.class).build();
    CommonError.IPC error = new CommonError.IPC("down");
    assertThat(TestRuntimes.callPromptly(() -> runtime.runWithRetry(alwaysFailing(error), onIo), "runtime.runWithRetry's outcome")).isEqualTo(new Outcome.Failure<>(error));
    assertThat(attemptTimes).hasSize(1);
  }

  @Test
  void aTypedPredicateOnTheEffectChoosesWhichDomainErrorsAreRetried() {
    RetryPolicy policy = RetryPolicy.of(3, Duration.ZERO);
    CommonError.ExternalService service = new CommonError.ExternalService("index", "503");
    assertThat(TestRuntimes.runPromptly(runtime, alwaysFailing(service).retry(policy, e -> e instanceof CommonError.ExternalService)))
        .isEqualTo(new Outcome.Failure<>(service));
    assertThat(attemptTimes).hasSize(4);

    attemptTimes.clear();
    CommonError.IPC ipc = new CommonError.IPC("down");
    assertThat(TestRuntimes.runPromptly(runtime, alwaysFailing(ipc).retry(policy, e -> e instanceof CommonError.ExternalService)))
        .isEqualTo(new Outcome.Failure<>(ipc));
    assertThat(attemptTimes).as("the typed predicate overrides the policy for domain failures").hasSize(1);
  }

  @Test
  void aTypedPredicateLeavesFaultsToThePolicy() {
    AtomicInteger calls = new AtomicInteger();
    ActionEffect<CommonError, Integer> panicsTwice = ActionEffect.compute(token -> {
      if (calls.incrementAndGet() < 3) {
        throw new IllegalStateException("transient");
      }
      return calls.get();
    });
    assertThat(TestRuntimes.runPromptly(runtime, panicsTwice.retry(RetryPolicy.of(3, Duration.ZERO), e -> false)))
        .isEqualTo(new Outcome.Success<>(3));
  }

  @Test
  void aTypedPredicateThatThrowsEndsTheEffectWithAPanic() {
    IllegalStateException bug = new IllegalStateException("predicate bug");
    Outcome<CommonError, String> outcome = TestRuntimes.runPromptly(runtime, alwaysFailing(new CommonError.IPC("x"))
        .retry(RetryPolicy.of(3, Duration.ZERO), e -> {
          throw bug;
        }));
    assertThat(outcome).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(bug)));
    assertThat(attemptTimes).hasSize(1);
  }

  @Test
  void runWithRetryReturnsTheFirstSuccess() {
    AtomicInteger calls = new AtomicInteger();
    ActionEffect<String, Integer> flaky = ActionEffect.<String, Integer>compute(token -> calls.incrementAndGet())
        .flatMap(n -> n < 3 ? ActionEffect.fail("flaky " + n) : ActionEffect.succeed(n));
    RetryPolicy noDelay = RetryPolicy.of(5, Duration.ZERO);
    assertThat(TestRuntimes.callPromptly(() -> runtime.runWithRetry(flaky, noDelay), "runtime.runWithRetry's outcome").getOrThrow()).isEqualTo(3);
  }

  @Test
  void zeroRetriesMeansOneAttempt() {
    CommonError.Unknown error = new CommonError.Unknown("x");
    Outcome<CommonError, String> outcome = TestRuntimes.callPromptly(() -> runtime.runWithRetry(alwaysFailing(error), RetryPolicy.of(0, D)), "runtime.runWithRetry's outcome");
    assertThat(outcome).isEqualTo(new Outcome.Failure<>(error));
    assertThat(attemptTimes).hasSize(1);
  }

  @Test
  void invalidArgumentIsNotRetriedByDefaultAndComesBackUnchanged() {
    CommonError.InvalidArgument error = new CommonError.InvalidArgument("path", "empty");
    Outcome<CommonError, String> outcome = TestRuntimes.callPromptly(() -> runtime.runWithRetry(alwaysFailing(error), RetryPolicy.of(3, D)), "runtime.runWithRetry's outcome");
    assertThat(outcome).isEqualTo(new Outcome.Failure<>(error));
    assertThat(attemptTimes).hasSize(1);
  }

  @Test
  void aCancelledFaultIsNotRetriedByDefault() {
    ActionEffect<CommonError, String> cancelledInside = ActionEffect.compute(token -> {
      attemptTimes.add(time.now());
      throw new java.util.concurrent.CancellationException("gave up");
    });
    Outcome<CommonError, String> outcome = TestRuntimes.callPromptly(() -> runtime.runWithRetry(cancelledInside, RetryPolicy.of(3, D)), "runtime.runWithRetry's outcome");
    assertThat(outcome).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("gave up")));
    assertThat(attemptTimes).hasSize(1);
  }

  @Test
  void aCustomPredicateChoosesWhatIsRetried() {
    RetryPolicy onlyIpc = RetryPolicy.builder().maxRetries(3).initialDelay(Duration.ZERO)
        .retryOn(o -> o instanceof Outcome.Failure<?, ?>(CommonError.IPC ipc)).build();
    CommonError.Unknown notIpc = new CommonError.Unknown("other");
    assertThat(TestRuntimes.callPromptly(() -> runtime.runWithRetry(alwaysFailing(notIpc), onlyIpc), "runtime.runWithRetry's outcome")).isEqualTo(new Outcome.Failure<>(notIpc));
    assertThat(attemptTimes).hasSize(1);
  }

  @Test
  void panicsAreRetriedByDefault() {
    AtomicInteger calls = new AtomicInteger();
    ActionEffect<String, Integer> panicsTwice = ActionEffect.compute(token -> {
      if (calls.incrementAndGet() < 3) {
        throw new IllegalStateException("transient");
      }
      return calls.get();
    });
    assertThat(TestRuntimes.callPromptly(() -> runtime.runWithRetry(panicsTwice, RetryPolicy.of(3, Duration.ZERO)), "runtime.runWithRetry's outcome").getOrThrow()).isEqualTo(3);
  }

  @Test
  void cancellingDuringABackoffSleepStopsRetryingAtOnce() throws Exception {
    CountDownLatch unwound = new CountDownLatch(1);
    EffectHandle<CommonError, String> handle = runtime.submit(
        alwaysFailing(new CommonError.IPC("down")).retry(RetryPolicy.of(5, D)).ensuring(unwound::countDown));
    awaitAttemptsAndTimer(1, D);
    assertThat(handle.cancel("user quit")).isTrue();
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("user quit")));
    assertThat(time.pendingTimers()).as("the backoff timer is withdrawn").isZero();
    TestRuntimes.awaitPromptly(unwound, "unwound");
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
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Failure<>(new CommonError.IPC("x")));
    assertThat(attemptTimes).hasSize(5);
  }
}
