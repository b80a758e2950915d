package land.echo;

/**
 * What cancelling an {@link ActionEffect#async(AsyncTokenBody, AsyncCancelMode) async} effect does
 * to the stage its body returned.
 *
 * <p>Either way the cancelled effect resumes with its cause at once, without waiting for the
 * stage, and the stage's late result is ignored; the mode only decides whether the stage is told.
 */
public enum AsyncCancelMode {
  /**
   * Cancel the stage if it is a {@link java.util.concurrent.Future} ({@code cancel(true)}); a stage
   * that refuses cancellation runs on. The default: the stage belongs to this effect alone.
   */
  CANCEL_FUTURE,

  /**
   * Leave the stage running: the stage is shared (a cache's pending load, a request other callers
   * await), so one caller's timeout or cancellation must not cancel it for everyone.
   */
  LEAVE_RUNNING
}
