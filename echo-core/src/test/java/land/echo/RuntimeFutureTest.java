package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import land.echo.internal.FutureBridge;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ApplicationRuntime#future}: the outcome-to-exception mapping, cancellation and where dependents run. */
@Timeout(30)
class RuntimeFutureTest {
  private static final Effects<String> APP = Effects.failingWith(String.class);

  /** A capability that no test registers. */
  interface Clipboard {
    String paste();
  }

  private final ApplicationRuntime runtime = TestRuntimes.onSystemTime();

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  @Test
  void aSuccessCompletesTheFutureWithItsValue() {
    assertThat(TestRuntimes.<Integer>joinPromptly(runtime.future(APP.compute(token -> 6 * 7)), "the future's value")).isEqualTo(42);
  }

  @Test
  void aDomainFailureBecomesAnEffectExceptionCarryingTheFailure() {
    CompletableFuture<String> future = runtime.future(APP.fail("busy"));
    assertThatThrownBy(future::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(EffectException.class,
            e -> assertThat(e.outcome()).isEqualTo(new Outcome.Failure<>("busy")))
        .hasMessageContaining("busy");
  }

  @Test
  void aTimeoutBecomesATimeoutExceptionWithTheFaultsMessage() {
    ActionEffect<String, String> never = APP.<String>async(token -> new CompletableFuture<>()).timeout(Duration.ofMillis(10));
    CompletableFuture<String> future = runtime.future(never);
    assertThatThrownBy(future::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isExactlyInstanceOf(TimeoutException.class)
        .hasMessage(new Fault.TimedOut(Duration.ofMillis(10)).message());
  }

  @Test
  void aCancelledFaultBecomesACancellationExceptionWithTheFaultsMessage() {
    // A body that throws CancellationException without being cancelled ends in Faulted(Cancelled(message)).
    CompletableFuture<String> future = runtime.future(APP.compute(token -> {
      throw new CancellationException("stop");
    }));
    await().until(future::isDone);
    assertThat(future.isCancelled()).isTrue();
    assertThatThrownBy(future::get).isInstanceOf(CancellationException.class);
    // get() may throw a fresh CancellationException (newer JDKs); the stored one carries the message.
    assertThat(future.handle((value, failure) -> failure).join())
        .isExactlyInstanceOf(CancellationException.class)
        .hasMessage(new Fault.Cancelled("stop").message());
  }

  @Test
  void aPanicCompletesTheFutureWithTheCauseItself() {
    IllegalStateException boom = new IllegalStateException("boom");
    CompletableFuture<String> future = runtime.future(APP.compute(token -> {
      throw boom;
    }));
    assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class).cause().isSameAs(boom);
    assertThatThrownBy(future::join).isInstanceOf(CompletionException.class).cause().isSameAs(boom);
  }

  @Test
  void aMissingCapabilityBecomesAFaultException() {
    CompletableFuture<String> future =
        runtime.future(ActionEffect.<String, String, Clipboard>compute(Clipboard.class, (c, token) -> c.paste()));
    assertThat(future).isDone();
    assertThatThrownBy(future::join)
        .cause()
        .isInstanceOfSatisfying(FaultException.class, e -> assertThat(e.fault())
            .isEqualTo(new Fault.CapabilityMissing(Clipboard.class.getName())))
        .hasMessage(new Fault.CapabilityMissing(Clipboard.class.getName()).message());
  }

  @Test
  void aRejectionAfterShutdownBecomesAFaultException() {
    runtime.shutdown(Duration.ZERO);
    CompletableFuture<Integer> future = runtime.future(APP.succeed(1));
    assertThat(future).isDone();
    assertThatThrownBy(future::join)
        .cause()
        .isInstanceOfSatisfying(FaultException.class, e -> assertThat(e.fault()).isInstanceOf(Fault.Rejected.class));
  }

  @Test
  void aShutdownFailureMapsToAFaultException() {
    // No effect ends with this fault (it belongs to ShutdownReport); the mapping still covers it.
    Fault.ShutdownFailed failed = new Fault.ShutdownFailed(List.of("db: timed out"));
    assertThat(FutureBridge.toThrowable(Outcome.faulted(failed)))
        .isInstanceOfSatisfying(FaultException.class, e -> assertThat(e.fault()).isSameAs(failed))
        .hasMessage(failed.message());
  }

  @Test
  void aSuccessHasNoException() {
    assertThatThrownBy(() -> FutureBridge.toThrowable(Outcome.success(1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cancellingTheFutureCancelsTheEffect() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch finalized = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    ActionEffect<String, String> blocked = APP.<String>blocking(token -> {
      started.countDown();
      try {
        never.await();
        return "unreachable";
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
    }).ensuring(finalized::countDown);
    CompletableFuture<String> future = runtime.future(blocked);
    TestRuntimes.awaitPromptly(started, "started");

    assertThat(future.cancel(true)).isTrue();

    assertThat(future.isCancelled()).isTrue();
    TestRuntimes.awaitPromptly(interrupted, "interrupted");
    TestRuntimes.awaitPromptly(finalized, "finalized");
    await().until(() -> runtime.stats().cancelled() == 1);
  }

  @Test
  void completingTheFutureFirstCancelsTheEffect() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    CompletableFuture<String> future = runtime.future(APP.<String>async(token -> {
      token.onCancel(cancelled::countDown);
      started.countDown();
      return new CompletableFuture<>();
    }));
    TestRuntimes.awaitPromptly(started, "started");

    assertThat(future.complete("from the caller")).isTrue();

    TestRuntimes.awaitPromptly(cancelled, "cancelled");
    assertThat(TestRuntimes.joinPromptly(future, "the future's value")).isEqualTo("from the caller");
  }

  @Test
  void theFuturesAsyncDependentsRunOnAWorkerAtTheEffectsPriority() {
    CompletableFuture<Integer> future = runtime.future(APP.succeed(1), Priority.HIGH);
    assertThat(future.defaultExecutor()).isSameAs(runtime.scheduler().executor(Priority.HIGH));
    assertThat(TestRuntimes.<Boolean>joinPromptly(future.thenApplyAsync(v -> runtime.scheduler().isWorkerThread()), "the dependent stage")).isTrue();
    CompletableFuture<Integer> deeper = future.thenApply(v -> v + 1);
    assertThat(deeper.defaultExecutor()).isSameAs(runtime.scheduler().executor(Priority.HIGH));
    assertThat(TestRuntimes.<Boolean>joinPromptly(deeper.thenApplyAsync(v -> runtime.scheduler().isWorkerThread()), "the deeper dependent stage")).isTrue();
  }

  @Test
  void theHandlesAsyncDependentsRunOnAWorkerAtTheEffectsPriority() {
    EffectHandle<String, Integer> handle = runtime.submit(APP.succeed(1), Priority.LOW);
    CompletableFuture<Outcome<String, Integer>> outcome = handle.outcome();
    assertThat(outcome.defaultExecutor()).isSameAs(runtime.scheduler().executor(Priority.LOW));
    assertThat(TestRuntimes.<Boolean>joinPromptly(outcome.thenApplyAsync(o -> runtime.scheduler().isWorkerThread()), "the dependent stage")).isTrue();
    CompletableFuture<Integer> deeper = outcome.thenApply(Outcome::getOrThrow);
    assertThat(deeper.defaultExecutor()).isSameAs(runtime.scheduler().executor(Priority.LOW));
    assertThat(TestRuntimes.<Boolean>joinPromptly(deeper.thenApplyAsync(v -> runtime.scheduler().isWorkerThread()), "the deeper dependent stage")).isTrue();
  }

  @Test
  void theHandlesDependentsAreNotReadOnly() {
    EffectHandle<String, Integer> handle = runtime.submit(APP.succeed(1));
    CompletableFuture<Outcome<String, Integer>> dependent = handle.outcome().thenApply(o -> o);
    dependent.complete(Outcome.success(2)); // allowed: only the handle itself is read-only
    assertThat(TestRuntimes.joinPromptly(dependent, "the dependent stage")).isIn(Outcome.success(1), Outcome.success(2));
    assertThatThrownBy(() -> handle.outcome().complete(Outcome.success(3)))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
