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
   * Returns whether this listener wants the step events: {@link #stepStarted(EffectInfo, StepInfo)},
   * {@link #stepEnded(EffectInfo, StepInfo, Outcome)} (and the name-only overloads they call), and
   * the real step ids in {@link #retrying(EffectInfo, long, int, Outcome, Duration)} and {@link
   * #timedOut}. Asked once, when the runtime is built; {@code true} by default.
   *
   * <p>The runtime keeps the step tree (a {@link StepInfo}, a stack frame and an id drawn from a
   * shared counter per step) only while at least one of its listeners returns {@code true}. When
   * none does, no step events are sent, {@code timedOut} reports {@link StepInfo#ROOT} as the
   * step, and {@code retrying} reports {@link StepInfo#ROOT} for a retry of the root effect itself
   * ({@code e.retry(p)}, under {@code named(..)} at most) and {@link StepInfo#UNTRACKED} for any
   * other. A listener that returns {@code false} must not rely on step events or on the real step
   * ids, since another listener of the same runtime may still turn the tree on. A metrics listener that
   * only counts root effects returns {@code false} and saves that cost per step.
   *
   * @return whether this listener observes steps
   */
  default boolean observesSteps() {
    return true;
  }

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
   * A step named with {@code named(name)} began, in the effect or in anything it forked. Called
   * by the default {@link #stepStarted(EffectInfo, StepInfo)}; override that one to see the tree.
   *
   * @param effect the root effect
   * @param name the step's name
   */
  default void stepStarted(EffectInfo effect, String name) {}

  /**
   * A step named with {@code named(name)} ended with {@code outcome}. Called by the default
   * {@link #stepEnded(EffectInfo, StepInfo, Outcome)}.
   *
   * @param effect the root effect
   * @param name the step's name
   * @param outcome the step's outcome
   */
  default void stepEnded(EffectInfo effect, String name, Outcome<?, ?> outcome) {}

  /**
   * Attempt {@code attempt} (1 for the first) of a {@code retry} ended with {@code failed}; the next
   * one starts after {@code delay}. Called by the default {@link #retrying(EffectInfo, long, int,
   * Outcome, Duration)}.
   *
   * @param effect the root effect
   * @param attempt the number of the attempt that failed, 1 for the first
   * @param failed the failed attempt's outcome
   * @param delay the delay before the next attempt
   */
  default void retrying(EffectInfo effect, int attempt, Outcome<?, ?> failed, Duration delay) {}

  /**
   * A step of the effect's tree began: a {@code named(..)} step, or a child forked by {@code all},
   * {@code race} or {@code firstSuccess}. The runtime calls this method, never the name-only
   * overload; the default calls {@link #stepStarted(EffectInfo, String)} for {@link
   * StepInfo.Kind#NAMED} steps, so a listener written against that overload is told as before.
   *
   * @param effect the root effect
   * @param step the step, with its parent in the tree
   */
  default void stepStarted(EffectInfo effect, StepInfo step) {
    if (step.kind() == StepInfo.Kind.NAMED) {
      stepStarted(effect, step.name());
    }
  }

  /**
   * A step of the effect's tree ended with {@code outcome} (for a forked child that was cancelled
   * because a sibling decided the parent, {@code Faulted(Cancelled)}). The runtime calls this
   * method, never the name-only overload; the default calls {@link #stepEnded(EffectInfo, String,
   * Outcome)} for {@link StepInfo.Kind#NAMED} steps.
   *
   * @param effect the root effect
   * @param step the step, as it was given to {@link #stepStarted(EffectInfo, StepInfo)}
   * @param outcome the step's outcome
   */
  default void stepEnded(EffectInfo effect, StepInfo step, Outcome<?, ?> outcome) {
    if (step.kind() == StepInfo.Kind.NAMED) {
      stepEnded(effect, step.name(), outcome);
    }
  }

  /**
   * Attempt {@code attempt} of a {@code retry} inside step {@code stepId} ({@link StepInfo#ROOT}
   * when no step encloses the retry) ended with {@code failed}; the next one starts after {@code
   * delay}. The runtime calls this method, never the overload without a step; the default calls
   * {@link #retrying(EffectInfo, int, Outcome, Duration)}.
   *
   * @param effect the root effect
   * @param stepId the id of the innermost step enclosing the retry, or {@link StepInfo#ROOT}
   * @param attempt the number of the attempt that failed, 1 for the first
   * @param failed the failed attempt's outcome
   * @param delay the delay before the next attempt
   */
  default void retrying(EffectInfo effect, long stepId, int attempt, Outcome<?, ?> failed, Duration delay) {
    retrying(effect, attempt, failed, delay);
  }

  /**
   * A {@code timeout(after)} (or {@code timeoutTo}) inside step {@code stepId} ({@link
   * StepInfo#ROOT} when no step encloses it) expired; what it guarded is being cancelled. A whole
   * effect's deadline ({@code runWithTimeout}, {@code RunOptions.withTimeout}) is reported by
   * {@link #cancelled} instead. Runs on the thread that handles the runtime's expiries.
   *
   * @param effect the root effect
   * @param stepId the id of the innermost step enclosing the timeout, or {@link StepInfo#ROOT}
   * @param after the timeout's budget
   */
  default void timedOut(EffectInfo effect, long stepId, Duration after) {}

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
