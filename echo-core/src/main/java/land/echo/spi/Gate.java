package land.echo.spi;

import java.util.Objects;
import land.echo.ActionEffect;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.time.Clock;
import land.echo.time.Timer;

/**
 * A policy's entry to and exit from each run of an effect, which the interpreter calls directly:
 * the building block for policies that take something before a run and give it back after
 * (a circuit breaker's permit, a bulkhead's slot, a rate limit's token), applied with {@link
 * ActionEffect#gatedBy(Gate)}. Implementations must be thread-safe: one gated effect may run on
 * many fibers at once.
 *
 * <p>The same can be written with {@code suspend} and {@code onExit}, but then each run builds an
 * object to carry the permit and two nodes around the effect, and the interpreter evaluates three
 * steps. A gate is one node, built once with the guarded effect; a run costs a call of {@link
 * #enter}, one of {@link #exit} and the token {@code enter} returns.
 *
 * <p>Contract, per run of the gated effect:
 *
 * <ul>
 *   <li>{@link #enter} is called on the fiber when the gated effect is reached (on the calling
 *       thread when {@code run} evaluates the effect's synchronous prefix there). Its {@link Run}
 *       gives the running runtime's clock and timer, so that a policy can follow the runtime's
 *       (possibly virtual) time, and the priority the effect runs at.
 *   <li>What {@code enter} returns decides what happens: {@link #PASS} runs the effect and calls
 *       no exit; {@link #instead(ActionEffect)} runs another effect in its place (to refuse with an
 *       outcome, or to wait first) and calls no exit; anything else, {@code null} included, is a
 *       token: the effect runs, and {@link #exit} is called exactly once with the token and the
 *       run's outcome.
 *   <li>{@code exit} is called however the run ends: success, failure, fault, and cancellation,
 *       when it sees {@code Faulted(cause)} with the cancellation's fault ({@code Cancelled}, or
 *       {@code TimedOut} when an enclosing timeout cancelled it). Nothing can come between a
 *       successful {@code enter} and the point from which {@code exit} is guaranteed: a token is
 *       never leaked by a cancellation.
 *   <li>Both run on the thread that runs the fiber, usually a worker: keep them short and never
 *       block in them (a gate that must wait returns {@code instead(..)} an effect that waits, such as
 *       an {@code async} one).
 *   <li>An exception from {@code enter} ends the run with {@code Faulted(Panic)}, without an exit.
 *       An exception from {@code exit} is handled as an {@link ActionEffect#onExit} finalizer's: a
 *       success or failure turns into a panic, and during a fault it is added as suppressed.
 * </ul>
 *
 * {@snippet :
 * // A gate that counts the runs in progress.
 * AtomicInteger running = new AtomicInteger();
 * Gate counting = new Gate() {
 *   @Override
 *   public Object enter(Gate.Run run) {
 *     running.incrementAndGet();
 *     return null; // a token: exit will be called
 *   }
 *
 *   @Override
 *   public void exit(Object token, Outcome<?, ?> outcome) {
 *     running.decrementAndGet();
 *   }
 * };
 * ActionEffect<Void, Integer> gated = effect.gatedBy(counting);
 * }
 */
public interface Gate {
  /** What {@link #enter} returns to run the effect without a later {@link #exit}. */
  Object PASS = new Object() {
    @Override
    public String toString() {
      return "Gate.PASS";
    }
  };

  /**
   * Called before each run of the gated effect.
   *
   * @param run the run about to start: its runtime's clock and timer, and its priority
   * @return {@link #PASS}, a value of {@link #instead(ActionEffect)}, or a token for {@link #exit}
   */
  Object enter(Run run);

  /**
   * Called exactly once after each run that {@link #enter} let start with a token.
   *
   * @param token what {@code enter} returned
   * @param outcome how the run ended; {@code Faulted(cause)} if it was cancelled
   */
  void exit(Object token, Outcome<?, ?> outcome);

  /**
   * Returns what {@link #enter} returns to run {@code effect} in place of the gated effect, with no
   * {@link #exit}: to refuse (for instance {@code ActionEffect.fromOutcome(..)}), or to wait and
   * then run the gated effect.
   *
   * @param effect the effect to run instead
   * @return the value for {@code enter} to return
   */
  static Object instead(ActionEffect<?, ?> effect) {
    return new Instead(Objects.requireNonNull(effect, "effect"));
  }

  /**
   * The run a gate is entered for; valid only during {@link #enter}. (The running fiber itself, so
   * that entering allocates nothing.)
   */
  interface Run {
    /**
     * Returns the running runtime's clock.
     *
     * @return the clock
     */
    Clock clock();

    /**
     * Returns the running runtime's timer.
     *
     * @return the timer
     */
    Timer timer();

    /**
     * Returns the priority the effect runs at.
     *
     * @return the priority
     */
    Priority priority();
  }

  /**
   * The value of {@link #instead(ActionEffect)}.
   *
   * @param effect the effect to run instead of the gated one
   */
  record Instead(ActionEffect<?, ?> effect) {
    /** Validates the component. */
    public Instead {
      Objects.requireNonNull(effect, "effect");
    }
  }
}
