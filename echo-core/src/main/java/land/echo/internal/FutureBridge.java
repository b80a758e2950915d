package land.echo.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import land.echo.EffectException;
import land.echo.Fault;
import land.echo.FaultException;
import land.echo.Outcome;

/**
 * Turns an effect's handle into the {@code CompletableFuture<T>} of {@link
 * ApplicationRuntime#future}: outcomes become values or exceptions, and completing the future
 * (cancelling it included) cancels the effect. Stateless; thread-safe.
 */
public final class FutureBridge {
  private FutureBridge() {}

  /**
   * Returns a future completed from {@code handle}'s outcome (see {@link #toThrowable}), whose async
   * dependents run on {@code executor}. If anything else completes the future first, the effect is
   * cancelled.
   */
  public static <E, T> CompletableFuture<T> of(HandleFuture<E, T> handle, Executor executor) {
    DependentFuture<T> future = new DependentFuture<>(executor);
    // A no-op once the handle is complete (its claim is taken), so it only acts when the caller
    // completed the future first: cancel(), complete(), orTimeout() and the like.
    future.whenComplete((value, failure) -> handle.cancel(failure instanceof CancellationException
        ? "the effect's future was cancelled"
        : "the effect's future was completed by its caller"));
    // Registered on the handle: its completer (a worker, the timer hand-off, or a canceller)
    // completes the future, and runs the future's non-async dependents, as CompletableFuture does.
    handle.whenComplete((outcome, failure) -> {
      if (failure != null) {
        // A handle always completes normally; report a broken invariant rather than hang.
        future.completeExceptionally(failure);
      } else if (outcome instanceof Outcome.Success<E, T>(T value)) {
        future.complete(value);
      } else {
        future.completeExceptionally(toThrowable(outcome));
      }
    });
    return future;
  }

  /**
   * Returns the exception a future reports for an outcome that is not a success: see {@link
   * ApplicationRuntime#future(ActionEffect, Priority)} for the mapping.
   *
   * @throws IllegalArgumentException if {@code outcome} is a success
   */
  public static Throwable toThrowable(Outcome<?, ?> outcome) {
    return switch (outcome) {
      case Outcome.Success<?, ?> s -> throw new IllegalArgumentException("a success is not an exception: " + s);
      case Outcome.Failure<?, ?> f -> new EffectException(f);
      case Outcome.Faulted<?, ?>(Fault fault) -> switch (fault) {
        case Fault.TimedOut t -> new TimeoutException(t.message());
        case Fault.Cancelled c -> new CancellationException(c.message());
        case Fault.Panic(Throwable cause) -> cause;
        case Fault.Rejected r -> new FaultException(r);
        case Fault.CapabilityMissing m -> new FaultException(m);
        case Fault.ShutdownFailed s -> new FaultException(s);
      };
    };
  }
}
