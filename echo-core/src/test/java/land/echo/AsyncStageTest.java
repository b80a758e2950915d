package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Async bodies may return any {@link CompletionStage}; finalizers always run (issue: async stages). */
class AsyncStageTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = TestRuntimes.onVirtualTime(time);
  private final AtomicInteger finalized = new AtomicInteger();

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  private <T> Outcome<String, T> runGuarded(ActionEffect<String, T> effect) {
    return runtime.run(effect.ensuring(finalized::incrementAndGet));
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
    assertThat(handle.join()).isEqualTo(new Outcome.Success<>(9));
    assertThat(finalized).hasValue(1);
  }

  @Test
  void aForeignStageWhoseToCompletableFutureIsACopyResumesTheEffect() {
    CompletableFuture<Integer> source = new CompletableFuture<>();
    EffectHandle<String, Integer> handle = runtime.submit(
        ActionEffect.<String, Integer>async(token -> new CopyingStage<>(source)).ensuring(finalized::incrementAndGet));
    Thread.ofVirtual().start(() -> source.complete(11));
    assertThat(handle.join()).isEqualTo(new Outcome.Success<>(11));
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

    assertThat(handle.join()).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("closed")));
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

  /** A stage that delegates to a future but whose toCompletableFuture() hands out an unrelated copy. */
  private static final class CopyingStage<T> implements CompletionStage<T> {
    private final CompletableFuture<T> source;

    CopyingStage(CompletableFuture<T> source) {
      this.source = source;
    }

    @Override
    public CompletableFuture<T> toCompletableFuture() {
      return new CompletableFuture<>(); // a copy that never completes
    }

    @Override
    public CompletionStage<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
      return source.whenComplete(action);
    }

    @Override
    public CompletionStage<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action) {
      return source.whenCompleteAsync(action);
    }

    @Override
    public CompletionStage<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action, Executor executor) {
      return source.whenCompleteAsync(action, executor);
    }

    @Override
    public <U> CompletionStage<U> thenApply(Function<? super T, ? extends U> fn) {
      return source.thenApply(fn);
    }

    @Override
    public <U> CompletionStage<U> thenApplyAsync(Function<? super T, ? extends U> fn) {
      return source.thenApplyAsync(fn);
    }

    @Override
    public <U> CompletionStage<U> thenApplyAsync(Function<? super T, ? extends U> fn, Executor executor) {
      return source.thenApplyAsync(fn, executor);
    }

    @Override
    public CompletionStage<Void> thenAccept(Consumer<? super T> action) {
      return source.thenAccept(action);
    }

    @Override
    public CompletionStage<Void> thenAcceptAsync(Consumer<? super T> action) {
      return source.thenAcceptAsync(action);
    }

    @Override
    public CompletionStage<Void> thenAcceptAsync(Consumer<? super T> action, Executor executor) {
      return source.thenAcceptAsync(action, executor);
    }

    @Override
    public CompletionStage<Void> thenRun(Runnable action) {
      return source.thenRun(action);
    }

    @Override
    public CompletionStage<Void> thenRunAsync(Runnable action) {
      return source.thenRunAsync(action);
    }

    @Override
    public CompletionStage<Void> thenRunAsync(Runnable action, Executor executor) {
      return source.thenRunAsync(action, executor);
    }

    @Override
    public <U, V> CompletionStage<V> thenCombine(
        CompletionStage<? extends U> other, BiFunction<? super T, ? super U, ? extends V> fn) {
      return source.thenCombine(other, fn);
    }

    @Override
    public <U, V> CompletionStage<V> thenCombineAsync(
        CompletionStage<? extends U> other, BiFunction<? super T, ? super U, ? extends V> fn) {
      return source.thenCombineAsync(other, fn);
    }

    @Override
    public <U, V> CompletionStage<V> thenCombineAsync(
        CompletionStage<? extends U> other, BiFunction<? super T, ? super U, ? extends V> fn, Executor executor) {
      return source.thenCombineAsync(other, fn, executor);
    }

    @Override
    public <U> CompletionStage<Void> thenAcceptBoth(
        CompletionStage<? extends U> other, BiConsumer<? super T, ? super U> action) {
      return source.thenAcceptBoth(other, action);
    }

    @Override
    public <U> CompletionStage<Void> thenAcceptBothAsync(
        CompletionStage<? extends U> other, BiConsumer<? super T, ? super U> action) {
      return source.thenAcceptBothAsync(other, action);
    }

    @Override
    public <U> CompletionStage<Void> thenAcceptBothAsync(
        CompletionStage<? extends U> other, BiConsumer<? super T, ? super U> action, Executor executor) {
      return source.thenAcceptBothAsync(other, action, executor);
    }

    @Override
    public CompletionStage<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
      return source.runAfterBoth(other, action);
    }

    @Override
    public CompletionStage<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action) {
      return source.runAfterBothAsync(other, action);
    }

    @Override
    public CompletionStage<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action, Executor executor) {
      return source.runAfterBothAsync(other, action, executor);
    }

    @Override
    public <U> CompletionStage<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
      return source.applyToEither(other, fn);
    }

    @Override
    public <U> CompletionStage<U> applyToEitherAsync(CompletionStage<? extends T> other, Function<? super T, U> fn) {
      return source.applyToEitherAsync(other, fn);
    }

    @Override
    public <U> CompletionStage<U> applyToEitherAsync(
        CompletionStage<? extends T> other, Function<? super T, U> fn, Executor executor) {
      return source.applyToEitherAsync(other, fn, executor);
    }

    @Override
    public CompletionStage<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
      return source.acceptEither(other, action);
    }

    @Override
    public CompletionStage<Void> acceptEitherAsync(CompletionStage<? extends T> other, Consumer<? super T> action) {
      return source.acceptEitherAsync(other, action);
    }

    @Override
    public CompletionStage<Void> acceptEitherAsync(
        CompletionStage<? extends T> other, Consumer<? super T> action, Executor executor) {
      return source.acceptEitherAsync(other, action, executor);
    }

    @Override
    public CompletionStage<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
      return source.runAfterEither(other, action);
    }

    @Override
    public CompletionStage<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action) {
      return source.runAfterEitherAsync(other, action);
    }

    @Override
    public CompletionStage<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action, Executor executor) {
      return source.runAfterEitherAsync(other, action, executor);
    }

    @Override
    public <U> CompletionStage<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
      return source.thenCompose(fn);
    }

    @Override
    public <U> CompletionStage<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn) {
      return source.thenComposeAsync(fn);
    }

    @Override
    public <U> CompletionStage<U> thenComposeAsync(
        Function<? super T, ? extends CompletionStage<U>> fn, Executor executor) {
      return source.thenComposeAsync(fn, executor);
    }

    @Override
    public <U> CompletionStage<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
      return source.handle(fn);
    }

    @Override
    public <U> CompletionStage<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn) {
      return source.handleAsync(fn);
    }

    @Override
    public <U> CompletionStage<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn, Executor executor) {
      return source.handleAsync(fn, executor);
    }

    @Override
    public CompletionStage<T> exceptionally(Function<Throwable, ? extends T> fn) {
      return source.exceptionally(fn);
    }
  }
}
