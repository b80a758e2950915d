/**
 * Echo core: immutable effects ({@link land.echo.ActionEffect}), their outcomes, the environment of
 * capabilities, the {@link land.echo.ApplicationRuntime} and the priority-aware work-stealing
 * {@link land.echo.scheduler.EchoScheduler}.
 *
 * <p>{@link land.echo.jfr.JfrListener} records JFR events (the JDK's {@code jdk.jfr} module).
 *
 * <p>Only API packages are exported; the interpreter and the scheduler's queues stay private.
 *
 * <p>Micrometer's context-propagation library (automatic module {@code context.propagation}) is
 * optional: only {@link land.echo.spi.MicrometerContextPropagator} needs it, and only when used.
 */
@SuppressWarnings("requires-automatic")
module land.echo.core {
  // transitive: Logging's accessors return org.slf4j.event.Level.
  requires transitive org.slf4j;
  requires static context.propagation;
  requires jdk.jfr;

  exports land.echo;
  exports land.echo.time;
  exports land.echo.scheduler;
  exports land.echo.spi;
  exports land.echo.jfr;
}
