/**
 * Echo core: immutable effects ({@link land.echo.ActionEffect}), their outcomes, the environment of
 * capabilities, the {@link land.echo.ApplicationRuntime} and the priority-aware work-stealing
 * {@link land.echo.scheduler.EchoScheduler}.
 *
 * <p>Only API packages are exported; the interpreter and the scheduler's queues stay private.
 */
module land.echo.core {
  requires org.slf4j;

  exports land.echo;
  exports land.echo.time;
  exports land.echo.scheduler;
  exports land.echo.spi;
}
