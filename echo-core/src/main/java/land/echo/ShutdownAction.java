package land.echo;

/**
 * One step of the application's shutdown sequence, registered as a hook on {@link
 * ApplicationRuntime.Builder#shutdownHook}.
 *
 * <p>It runs on its own virtual thread and is interrupted when its timeout elapses.
 */
@FunctionalInterface
public interface ShutdownAction {
  /**
   * Performs the step; an exception marks the hook as failed.
   *
   * @throws Exception if the step fails; the hook is then reported as failed
   */
  void run() throws Exception;
}
