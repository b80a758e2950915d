package land.echo.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import land.echo.CommonError;
import land.echo.EffectHandle;
import land.echo.Fault;
import land.echo.Outcome;

/**
 * The handle of a cluster effect, on the member that submitted it: completed by the result's
 * arrival, by cancellation, or by its timeout, whichever comes first, exactly once. Thread-safe.
 */
final class ClusterHandle<E, T> implements EffectHandle<E, T> {
  private final OutcomeFuture<E, T> future = new OutcomeFuture<>(this);
  /** Set by the one finisher, before the future completes: see {@link #finish(Outcome, Runnable)}. */
  private final AtomicBoolean settled = new AtomicBoolean();
  private final Consumer<String> onCancel;

  ClusterHandle(Consumer<String> onCancel) {
    this.onCancel = onCancel;
  }

  /** Returns a handle already completed with {@code Failure(error)}. */
  @SuppressWarnings("unchecked")
  static <E, T> ClusterHandle<E, T> refused(CommonError error) {
    ClusterHandle<E, T> handle = new ClusterHandle<>(reason -> {});
    handle.finish((Outcome<E, T>) Outcome.failure(error));
    return handle;
  }

  /** Returns a handle already completed with {@code Faulted(fault)}. */
  static <E, T> ClusterHandle<E, T> faulted(Fault fault) {
    ClusterHandle<E, T> handle = new ClusterHandle<>(reason -> {});
    handle.finish(Outcome.faulted(fault));
    return handle;
  }

  /** Completes the handle; false if it was already complete. */
  boolean finish(Outcome<?, ?> outcome) {
    return finish(outcome, () -> {});
  }

  /**
   * Completes the handle, running {@code first} before anyone waiting on it wakes (so that what it
   * records, such as a delivery count, is visible to a caller whose {@code join()} returned); false,
   * and {@code first} not run, if the handle was already complete.
   */
  @SuppressWarnings("unchecked")
  boolean finish(Outcome<?, ?> outcome, Runnable first) {
    if (!settled.compareAndSet(false, true)) {
      return false;
    }
    try {
      first.run();
    } finally {
      future.finish((Outcome<E, T>) outcome);
    }
    return true;
  }

  @Override
  public CompletableFuture<Outcome<E, T>> outcome() {
    return future;
  }

  @Override
  public Outcome<E, T> join() {
    return future.join();
  }

  @Override
  public boolean cancel() {
    return cancel("cancelled by its caller");
  }

  @Override
  public boolean cancel(String reason) {
    if (!finish(Outcome.faulted(new Fault.Cancelled(reason)))) {
      return false;
    }
    onCancel.accept(reason);
    return true;
  }

  @Override
  public boolean isDone() {
    return future.isDone();
  }

  /**
   * The read-only future of the outcome: callers cannot complete it, and its {@code cancel}
   * cancels the effect, as {@link EffectHandle#outcome()} says.
   */
  private static final class OutcomeFuture<E, T> extends CompletableFuture<Outcome<E, T>> {
    private final ClusterHandle<E, T> handle;

    OutcomeFuture(ClusterHandle<E, T> handle) {
      this.handle = handle;
    }

    boolean finish(Outcome<E, T> outcome) {
      return super.complete(outcome);
    }

    @Override
    public boolean complete(Outcome<E, T> value) {
      throw new UnsupportedOperationException("a cluster effect's outcome is read-only");
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
      throw new UnsupportedOperationException("a cluster effect's outcome is read-only");
    }

    @Override
    public void obtrudeValue(Outcome<E, T> value) {
      throw new UnsupportedOperationException("a cluster effect's outcome is read-only");
    }

    @Override
    public void obtrudeException(Throwable ex) {
      throw new UnsupportedOperationException("a cluster effect's outcome is read-only");
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      handle.cancel("cancelled through its future");
      return false;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>();
    }
  }
}
