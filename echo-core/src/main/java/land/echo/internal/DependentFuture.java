package land.echo.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A plain {@code CompletableFuture} whose async stages without an explicit executor ({@code
 * thenApplyAsync(fn)} and friends) run on a given executor instead of the common pool, and whose
 * dependent stages inherit it. Thread-safe, like {@code CompletableFuture}.
 *
 * <p>The dependents of an effect's handle and the future returned by {@link
 * ApplicationRuntime#future} are of this type, with the runtime's scheduler at the effect's
 * priority as the executor ({@link land.echo.scheduler.EchoScheduler#executor}), so that a chain
 * hanging off an effect keeps running at the effect's priority on the effect's scheduler. Unlike
 * the handle itself it is not read-only: it is an ordinary future that anyone may complete.
 *
 * @param <T> the result type
 */
public class DependentFuture<T> extends CompletableFuture<T> {
  private final Executor executor;

  public DependentFuture(Executor executor) {
    this.executor = executor;
  }

  /** Returns the executor that async stages without an explicit executor run on. */
  @Override
  public Executor defaultExecutor() {
    return executor;
  }

  /** Returns a dependent future on the same executor, so that a whole chain keeps it. */
  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new DependentFuture<>(executor);
  }
}
