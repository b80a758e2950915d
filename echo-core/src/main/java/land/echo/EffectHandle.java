package land.echo;

import java.util.concurrent.CompletableFuture;

/**
 * A submitted effect: its eventual {@link Outcome} and a way to cancel it.
 *
 * <p>Thread-safe. A handle completes exactly once, whatever happens: with the effect's outcome, or
 * with {@code Faulted(Cancelled)}, {@code Faulted(TimedOut)} or {@code Faulted(Rejected)}. Cancelling
 * completes the handle at once; the effect is signalled and unwinds (running its finalizers) on
 * its own, without the caller waiting for it.
 *
 * @param <E> the effect's domain error type
 * @param <T> the effect's success type
 */
public interface EffectHandle<E, T> {

  /**
   * Returns a read-only future that completes, always normally, with the outcome. Callers cannot
   * complete it. Its {@code cancel(boolean)} cancels the effect; the future then holds {@code
   * Faulted(Cancelled)}, a normal completion, so, as {@code Future} requires, {@code cancel(boolean)}
   * returns false, {@code isCancelled()} stays false and {@code get()} returns that outcome. Use
   * {@link #cancel()} to learn whether a call cancelled the effect. Dependent stages are plain
   * futures. Async dependents without an explicit executor ({@code thenApplyAsync(fn)} and
   * friends, at any depth of the chain) run on the runtime's scheduler at the effect's priority,
   * not in the common pool; keep them short and non-blocking, as they occupy a worker, or pass an
   * executor. Once the scheduler is shut down such a dependent completes exceptionally with a
   * {@link java.util.concurrent.RejectedExecutionException}.
   *
   * @return the read-only future of the outcome
   */
  CompletableFuture<Outcome<E, T>> outcome();

  /**
   * Waits for and returns the outcome.
   *
   * @return the effect's outcome
   */
  Outcome<E, T> join();

  /**
   * Cancels the effect with a default reason.
   *
   * @return true if this call cancelled it, false if the handle was already complete
   */
  boolean cancel();

  /**
   * Cancels the effect: the handle completes with {@code Faulted(Cancelled(reason))} and the effect is
   * signalled (a queued effect never starts; a running one sees its token, is interrupted if
   * blocking, and runs its finalizers).
   *
   * @param reason why the effect is cancelled; carried by the {@code Cancelled} fault
   * @return true if this call cancelled it, false if the handle was already complete
   */
  boolean cancel(String reason);

  /**
   * Returns true once the outcome is known.
   *
   * @return whether the outcome is known
   */
  boolean isDone();
}
