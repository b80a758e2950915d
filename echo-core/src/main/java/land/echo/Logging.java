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

  /** Submission, success and the runtime's creation. */
  final Level submitted;
  final Level succeeded;
  /** A domain failure ({@code Outcome.Failure}). */
  final Level failed;
  final Level cancelled;
  final Level rejected;
  /** A timeout or any other fault that ended an effect. */
  final Level faulted;
  final Level retrying;

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
}
