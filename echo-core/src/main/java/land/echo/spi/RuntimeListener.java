package land.echo.spi;

import java.time.Duration;
import land.echo.Fault;
import land.echo.Outcome;

/**
 * Told about the life of every root effect of an {@code ApplicationRuntime}; registered with
 * {@code ApplicationRuntime.builder().listener(..)}. Every method does nothing by default.
 *
 * <p>Implementations must be thread-safe: the methods run on whichever thread the event happens
 * on (the submitter's, a worker, a blocking body's virtual thread, a thread that cancels), never on
 * the timer's. They should be quick: they run inline with the effect. A method that throws is
 * counted ({@code RuntimeStats.listenerFailures()}), logged at WARN and ignored; the effect and the
 * other listeners go on.
 *
 * <p>For one effect: {@code submitted} first, {@code completed} exactly once and last among the
 * root's events; {@code cancelled} just before {@code completed} when the effect was cancelled
 * (by its handle, a deadline or shutdown); {@code started} at most once, and never for an effect
 * that was cancelled or refused before it ran. Step and retry events may arrive after {@code
 * completed} when a cancelled tree is still unwinding.
 *
 * {@snippet :
 * RuntimeListener slowEffects = new RuntimeListener() {
 *   @Override
 *   public void completed(EffectInfo effect, Outcome<?, ?> outcome) {
 *     if (outcome instanceof Outcome.Faulted<?, ?> f && f.fault() instanceof Fault.TimedOut) {
 *       timeouts.increment();
 *     }
 *   }
 * };
 * ApplicationRuntime runtime =
 *     ApplicationRuntime.builder().scheduler(scheduler).listener(slowEffects).build();
 * }
 *
 * <p>The same example, compiled, is {@code ReadmeExamplesTest.listenersAndRunOptions}.
 */
public interface RuntimeListener {

  /**
   * An effect was submitted; it may still be refused (a missing capability, shutdown).
   *
   * @param effect the submitted effect
   */
  default void submitted(EffectInfo effect) {}

  /**
   * The effect's fiber ran for the first time.
   *
   * @param effect the started effect
   */
  default void started(EffectInfo effect) {}

  /**
   * A step named with {@code named(name)} began, in the effect or in anything it forked.
   *
   * @param effect the root effect
   * @param name the step's name
   */
  default void stepStarted(EffectInfo effect, String name) {}

  /**
   * A step named with {@code named(name)} ended with {@code outcome}.
   *
   * @param effect the root effect
   * @param name the step's name
   * @param outcome the step's outcome
   */
  default void stepEnded(EffectInfo effect, String name, Outcome<?, ?> outcome) {}

  /**
   * Attempt {@code attempt} (1 for the first) of a {@code retry} ended with {@code failed}; the next
   * one starts after {@code delay}.
   *
   * @param effect the root effect
   * @param attempt the number of the attempt that failed, 1 for the first
   * @param failed the failed attempt's outcome
   * @param delay the delay before the next attempt
   */
  default void retrying(EffectInfo effect, int attempt, Outcome<?, ?> failed, Duration delay) {}

  /**
   * The effect was cancelled with {@code cause} (a {@code Cancelled}, {@code TimedOut} or {@code
   * Rejected} fault).
   *
   * @param effect the cancelled effect
   * @param cause the cancellation's fault
   */
  default void cancelled(EffectInfo effect, Fault cause) {}

  /**
   * The effect completed with {@code outcome}; its tree may still be unwinding.
   *
   * @param effect the completed effect
   * @param outcome the effect's outcome
   */
  default void completed(EffectInfo effect, Outcome<?, ?> outcome) {}
}
