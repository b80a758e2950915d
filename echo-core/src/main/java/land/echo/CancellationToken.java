package land.echo;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * The cancellation signal of one running effect, passed to its bodies so that they can stop early.
 *
 * <p>A compute body polls {@link #isCancelled()} or calls {@link #throwIfCancelled()}; a body that
 * waits on something else registers an action with {@link #onCancel(Runnable)}. Blocking bodies
 * are also interrupted and async bodies have their future cancelled, so most bodies need not
 * register anything. Implementations are thread-safe.
 */
public interface CancellationToken {

  /**
   * Returns true once the effect has been cancelled (by a caller, a timeout, a sibling or
   * shutdown).
   *
   * @return whether the effect has been cancelled
   */
  boolean isCancelled();

  /**
   * Returns why the effect was cancelled, or empty while it has not been.
   *
   * @return the cancellation's reason, or empty
   */
  Optional<String> reason();

  /**
   * Returns the time left until the earliest deadline the effect runs under, or empty if it runs
   * under none; {@link Duration#ZERO} once that deadline has passed (its cancellation may still be
   * on its way).
   *
   * <p>The deadlines are those of the root ({@code runWithTimeout}, {@code submitWithTimeout}:
   * the budget counts from submission) and of every enclosing {@code timeout} or {@code timeoutTo}
   * (counting from when it started); the earliest applies, whichever is innermost. A body inside
   * {@code all}, {@code race} or {@code firstSuccess} sees the deadlines of the effect that forked
   * it. Time is read on the runtime's {@link land.echo.time.Clock}, so it is virtual in tests. A body
   * may pass the remaining time on, e.g. as a remote call's timeout; the answer is computed on each
   * call (a walk of the enclosing joins), so read it once per call made.
   *
   * <p>The default returns empty, for tokens outside a runtime.
   *
   * @return the time left until the earliest deadline ({@code Duration.ZERO} once it has passed),
   *     or empty if the effect runs under none
   */
  default Optional<Duration> deadline() {
    return Optional.empty();
  }

  /**
   * Throws if the effect has been cancelled; a body may call this at convenient points.
   *
   * @throws CancellationException carrying the {@link #reason()} once cancelled
   */
  void throwIfCancelled();

  /**
   * Registers {@code action} to run once when the effect is cancelled, on the thread that cancels it
   * (the caller of {@code cancel}, a failing sibling's thread, shutdown's; for a deadline or a
   * {@code timeout}, a virtual thread, never the shared timer thread), so it should be short; it
   * runs at once, on the caller, if the effect is already cancelled, and never once the effect has
   * completed. An exception thrown by the action is logged and counted and does not affect the
   * effect. Closing the registration is O(1).
   *
   * @param action the action to run on cancellation
   * @return a registration whose {@link Registration#close()} withdraws the action
   */
  Registration onCancel(Runnable action);

  /**
   * Returns a token that is never cancelled, for running bodies outside a runtime (e.g. in tests).
   *
   * @return a token that is never cancelled
   */
  static CancellationToken never() {
    return NeverCancelled.INSTANCE;
  }

  /** A registered cancellation action; closing it withdraws the action. Thread-safe. */
  @FunctionalInterface
  interface Registration extends AutoCloseable {
    /** Withdraws the action if it has not run yet; calling it again has no effect. */
    @Override
    void close();
  }

  /** The token of {@link #never()}. */
  enum NeverCancelled implements CancellationToken {
    /** The only instance. */
    INSTANCE;

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Optional<String> reason() {
      return Optional.empty();
    }

    @Override
    public void throwIfCancelled() {}

    @Override
    public Registration onCancel(Runnable action) {
      java.util.Objects.requireNonNull(action, "action");
      return () -> {};
    }
  }
}
