package land.echo.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import land.echo.Fault;
import land.echo.spi.ContextPropagator;

/**
 * An async body's stage awaited by a suspended {@link Fiber}: resumed by whichever comes first, the
 * stage's completion or the fiber's cancellation; thread-safe.
 *
 * <p>One CAS on {@link #state} elects the single party that resumes the fiber. The stage is only
 * ever observed through {@link CompletionStage#whenComplete}, which every stage supports (a {@code
 * minimalCompletionStage()}, a {@code completedStage(x)}, a foreign implementation whose {@code
 * toCompletableFuture()} returns a copy). A cancelled fiber does not wait for the stage: it
 * resumes with the cause at once, the stage is cancelled if it is a {@link Future} that allows it
 * (unless the effect was built with {@link AsyncCancelMode#LEAVE_RUNNING}, when {@link #stage} is
 * null), and its late completion is ignored.
 */
public final class AsyncCall implements BiConsumer<Object, Throwable> {
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(AsyncCall.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Fiber<?, ?> fiber;
  /** The stage to cancel with the fiber; null when the stage must be left running. */
  private final CompletionStage<?> stage;
  private volatile int state;

  /** {@code stage} is the stage to cancel if the fiber is cancelled, or null to leave it running. */
  public AsyncCall(Fiber<?, ?> fiber, CompletionStage<?> stage) {
    this.fiber = fiber;
    this.stage = stage;
  }

  /** Claims the right to resume the fiber; true for exactly one caller. */
  public boolean claim() {
    return state == 0 && STATE.compareAndSet(this, 0, 1);
  }

  /** The stage completed. */
  @Override
  public void accept(Object value, Throwable error) {
    if (claim()) {
      if (error == null) {
        fiber.resume(value, Fiber.VALUE);
      } else {
        fiber.resume(fiber.faultOf(error), Fiber.FAULT);
      }
    }
  }

  /**
   * The fiber was cancelled: resume it with {@code cause} and cancel the stage if it is a future
   * and this call owns it.
   */
  public void cancel(Fault cause) {
    if (!claim()) {
      return;
    }
    fiber.resume(cause, Fiber.FAULT);
    if (stage instanceof Future<?> future) {
      // Cancelling runs the stage's dependents here: user code, so under the effect's context.
      ContextPropagator.Captured context = fiber.context();
      ContextPropagator.Scope scope = context == null ? null : ContextScopes.enter(context);
      try {
        future.cancel(true);
      } catch (Throwable t) {
        // A stage that refuses cancellation (a minimal stage throws) runs on; its result is ignored.
      } finally {
        if (scope != null) {
          ContextScopes.exit(scope);
        }
      }
    }
  }
}
