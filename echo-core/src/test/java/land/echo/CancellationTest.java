package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CancellationTest {
  private final ApplicationRuntime runtime = TestRuntimes.onSystemTime();

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  @Test
  void cancelCompletesTheHandleAtOnceWithTheReason() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      started.countDown();
      new CountDownLatch(1).await(); // only an interrupt ends this
      return 1;
    }));
    TestRuntimes.awaitPromptly(started, "started");
    assertThat(handle.cancel("user pressed stop")).isTrue();
    assertThat(handle.isDone()).isTrue();
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("user pressed stop")));
  }

  @Test
  void cancellingACompletedHandleReturnsFalseAndKeepsTheOutcome() {
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.succeed(7));
    assertThat(TestRuntimes.joinPromptly(handle).getOrThrow()).isEqualTo(7);
    assertThat(handle.cancel()).isFalse();
    assertThat(TestRuntimes.joinPromptly(handle).getOrThrow()).isEqualTo(7);
  }

  @Test
  void aBlockingBodyIsInterruptedWhenCancelled() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.complete(token.isCancelled());
        throw e;
      }
      return 1;
    }));
    TestRuntimes.awaitPromptly(started, "started");
    handle.cancel();
    assertThat(TestRuntimes.joinPromptly(interrupted, "the body's interrupt")).isTrue();
  }

  @Test
  void aComputeBodySeesItsTokenCancelled() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<String> seen = new CompletableFuture<>();
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>compute(token -> {
      started.countDown();
      while (!token.isCancelled()) {
        Thread.onSpinWait();
      }
      seen.complete(token.reason().orElseThrow());
      token.throwIfCancelled();
      return 1;
    }));
    TestRuntimes.awaitPromptly(started, "started");
    handle.cancel("enough");
    assertThat(TestRuntimes.joinPromptly(seen, "the body seeing its token cancelled")).isEqualTo("enough");
  }

  @Test
  void anAsyncBodysFutureIsCancelled() throws Exception {
    CompletableFuture<String> remote = new CompletableFuture<>();
    CountDownLatch started = new CountDownLatch(1);
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.<String, String>async(token -> {
      started.countDown();
      return remote;
    }));
    TestRuntimes.awaitPromptly(started, "started");
    handle.cancel();
    await().until(remote::isCancelled);
  }

  @Test
  void onCancelActionsRunWhenCancelledAndNotAfterClose() throws Exception {
    CountDownLatch registered = new CountDownLatch(1);
    List<String> ran = new CopyOnWriteArrayList<>();
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      token.onCancel(() -> ran.add("kept"));
      token.onCancel(() -> ran.add("withdrawn")).close();
      token.onCancel(() -> {
        throw new IllegalStateException("listener bug");
      });
      token.onCancel(() -> ran.add("after a failing one"));
      registered.countDown();
      new CountDownLatch(1).await();
      return 1;
    }));
    TestRuntimes.awaitPromptly(registered, "registered");
    handle.cancel();
    assertThat(ran).containsExactly("kept", "after a failing one");
    await().until(() -> runtime.stats().finalizerFailures() == 1);
  }

  @Test
  void onCancelRunsAtOnceIfAlreadyCancelled() throws Exception {
    AtomicReference<CancellationToken> tokenRef = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(1);
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      tokenRef.set(token);
      started.countDown();
      new CountDownLatch(1).await();
      return 1;
    }));
    TestRuntimes.awaitPromptly(started, "started");
    handle.cancel();
    AtomicBoolean ran = new AtomicBoolean();
    tokenRef.get().onCancel(() -> ran.set(true));
    assertThat(ran).isTrue();
  }

  @Test
  void ensuringRunsOnSuccess() {
    AtomicInteger ran = new AtomicInteger();
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.succeed(1).ensuring(ran::incrementAndGet)).isSuccess()).isTrue();
    assertThat(ran).hasValue(1);
  }

  @Test
  void ensuringRunsOnFailure() {
    AtomicInteger ran = new AtomicInteger();
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>fail("x").ensuring(ran::incrementAndGet)))
        .isEqualTo(new Outcome.Failure<>("x"));
    assertThat(ran).hasValue(1);
  }

  @Test
  void ensuringRunsOnCancellation() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finalized = new CountDownLatch(1);
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      started.countDown();
      new CountDownLatch(1).await();
      return 1;
    }).ensuring(finalized::countDown));
    TestRuntimes.awaitPromptly(started, "started");
    handle.cancel();
    TestRuntimes.awaitPromptly(finalized, "finalized");
  }

  @Test
  void aFailingFinalizerTurnsSuccessIntoAPanicAndIsCounted() {
    IllegalStateException broken = new IllegalStateException("close failed");
    Outcome<String, Integer> outcome = TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>succeed(1).ensuring(() -> {
      throw broken;
    }));
    assertThat(outcome).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(broken)));
    assertThat(runtime.stats().finalizerFailures()).isEqualTo(1);
  }

  @Test
  void aFailingFinalizerDuringAPanicIsAddedAsSuppressed() {
    IllegalStateException first = new IllegalStateException("body");
    IllegalStateException second = new IllegalStateException("finalizer");
    Outcome<String, Integer> outcome = TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>compute(token -> {
      throw first;
    }).ensuring(() -> {
      throw second;
    }));
    assertThat(outcome).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(first)));
    assertThat(first.getSuppressed()).containsExactly(second);
  }

  @Test
  void cancellingAParentCancelsTheChildrenOfAll() throws Exception {
    CountDownLatch bothStarted = new CountDownLatch(2);
    CountDownLatch bothInterrupted = new CountDownLatch(2);
    ActionEffect<String, Integer> child = ActionEffect.blocking(token -> {
      bothStarted.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        bothInterrupted.countDown();
        throw e;
      }
      return 1;
    });
    EffectHandle<String, List<Integer>> handle = runtime.submit(ActionEffect.all(List.of(child, child)));
    TestRuntimes.awaitPromptly(bothStarted, "both started");
    handle.cancel();
    TestRuntimes.awaitPromptly(bothInterrupted, "both interrupted");
  }

  @Test
  void cancellingAParentCancelsWorkForkedInsideAFlatMap() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    ActionEffect<String, Integer> inner = ActionEffect.blocking(token -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
      return 1;
    });
    EffectHandle<String, Integer> handle = runtime.submit(
        ActionEffect.<String, Integer>succeed(1).flatMap(x -> ActionEffect.race(inner, inner)));
    TestRuntimes.awaitPromptly(started, "started");
    handle.cancel();
    TestRuntimes.awaitPromptly(interrupted, "interrupted");
  }

  @Test
  void cancellingTheHandlesFutureCancelsTheEffectAndKeepsTheFutureContract() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      started.countDown();
      new CountDownLatch(1).await();
      return 1;
    }));
    TestRuntimes.awaitPromptly(started, "started");
    CompletableFuture<Outcome<String, Integer>> future = handle.outcome().toCompletableFuture();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> future.complete(new Outcome.Success<>(2)))
        .isInstanceOf(UnsupportedOperationException.class);
    // The future completes normally with Fault(Cancelled), so Future's contract has cancel() return
    // false, isCancelled() stay false and get() return that outcome.
    assertThat(future.cancel(true)).isFalse();
    assertThat(future.isDone()).isTrue();
    assertThat(future.isCancelled()).isFalse();
    assertThat(future.get()).isEqualTo(
        new Outcome.Faulted<>(new Fault.Cancelled("cancelled through the handle's future")));
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(future.get());
    assertThat(handle.cancel()).as("already complete").isFalse();
    assertThat(future.thenApply(Outcome::isSuccess).join()).isFalse();
    assertThat(handle.outcome()).isNotInstanceOf(Runnable.class);
  }
}
