package land.echo;

import org.slf4j.event.Level;

/**
 * A preset of the levels at which an {@link ApplicationRuntime} logs the life of each effect; set
 * with {@link ApplicationRuntime.Builder#logging}. Immutable and thread-safe.
 *
 * <p>Every line goes to the logger named {@code land.echo.ApplicationRuntime}, except the step,
 * sleep, fork and retry lines of the interpreter, which go to {@code land.echo.Fiber}. Problems of
 * the runtime itself (an interpreter failure, a finalizer or cancellation action that threw, a
 * listener that threw, a shutdown that could not finish) are logged at WARN or ERROR under every
 * preset.
 */
public enum Logging {
  /**
   * The default: every per-effect line (submitted, completed, failed, cancelled, rejected, timed
   * out, retrying, steps) at DEBUG, so a production log shows only the runtime's own problems.
   */
  QUIET(Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.DEBUG),
  /**
   * The levels Echo used before presets existed: INFO for submission, success, cancellation and
   * the runtime's creation; WARN for domain failures, rejections and retries; ERROR for timeouts
   * and other faults; DEBUG for steps.
   */
  ORIGINAL(Level.INFO, Level.INFO, Level.WARN, Level.INFO, Level.WARN, Level.ERROR, Level.WARN);

  private final Level submitted;
  private final Level succeeded;
  private final Level failed;
  private final Level cancelled;
  private final Level rejected;
  private final Level faulted;
  private final Level retrying;

  Logging(Level submitted, Level succeeded, Level failed, Level cancelled, Level rejected,
      Level faulted, Level retrying) {
    this.submitted = submitted;
    this.succeeded = succeeded;
    this.failed = failed;
    this.cancelled = cancelled;
    this.rejected = rejected;
    this.faulted = faulted;
    this.retrying = retrying;
  }

  /**
   * Returns the level for an effect's submission and the runtime's creation.
   *
   * @return the level of "submitted" lines
   */
  public Level submitted() {
    return submitted;
  }

  /**
   * Returns the level for an effect that succeeded.
   *
   * @return the level of "completed" lines
   */
  public Level succeeded() {
    return succeeded;
  }

  /**
   * Returns the level for an effect that ended with a domain failure ({@link Outcome.Failure}).
   *
   * @return the level of "failed" lines
   */
  public Level failed() {
    return failed;
  }

  /**
   * Returns the level for an effect that was cancelled.
   *
   * @return the level of "cancelled" lines
   */
  public Level cancelled() {
    return cancelled;
  }

  /**
   * Returns the level for a submission the runtime rejected.
   *
   * @return the level of "rejected" lines
   */
  public Level rejected() {
    return rejected;
  }

  /**
   * Returns the level for an effect that timed out or ended with any other fault.
   *
   * @return the level of "faulted" lines
   */
  public Level faulted() {
    return faulted;
  }

  /**
   * Returns the level for a retry about to be attempted.
   *
   * @return the level of "retrying" lines
   */
  public Level retrying() {
    return retrying;
  }
}
