package land.echo;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The {@link CompletableFuture} side of a root {@link Fiber}: the future an {@link EffectHandle}
 * exposes, completed only by the runtime. Thread-safe, like {@code CompletableFuture}.
 *
 * <p>Callers get the fiber itself as their {@code CompletionStage}, so the mutators that would let
 * them complete it are blocked here, and dependent stages are plain futures ({@link
 * #newIncompleteFuture()}), never fibers.
 */
abstract sealed class HandleFuture<E, T> extends CompletableFuture<Outcome<E, T>> permits Fiber {

  /** Completes the handle; the runtime's only way in. */
  final boolean completeByRuntime(Outcome<E, T> outcome) {
    return super.complete(outcome);
  }

  /** Returns a plain future for dependent stages, so that {@code thenApply} and friends never create fibers. */
  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }

  /** Not supported: only the runtime completes an effect's handle. */
  @Override
  public boolean complete(Outcome<E, T> value) {
    throw readOnly();
  }

  /** Not supported: only the runtime completes an effect's handle. */
  @Override
  public boolean completeExceptionally(Throwable ex) {
    throw readOnly();
  }

  /** Not supported: only the runtime completes an effect's handle. */
  @Override
  public void obtrudeValue(Outcome<E, T> value) {
    throw readOnly();
  }

  /** Not supported: only the runtime completes an effect's handle. */
  @Override
  public void obtrudeException(Throwable ex) {
    throw readOnly();
  }

  /** Not supported: only the runtime completes an effect's handle. */
  @Override
  public CompletableFuture<Outcome<E, T>> completeAsync(Supplier<? extends Outcome<E, T>> supplier, Executor executor) {
    throw readOnly();
  }

  /** Not supported: use a runtime timeout, which also cancels the effect. */
  @Override
  public CompletableFuture<Outcome<E, T>> orTimeout(long timeout, TimeUnit unit) {
    throw readOnly();
  }

  /** Not supported: use a runtime timeout, which also cancels the effect. */
  @Override
  public CompletableFuture<Outcome<E, T>> completeOnTimeout(Outcome<E, T> value, long timeout, TimeUnit unit) {
    throw readOnly();
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException(
        "an effect handle is completed only by the runtime; use cancel() or a runtime timeout");
  }
}
