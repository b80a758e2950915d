/**
 * Echo's effect model and application runtime.
 *
 * <p>An {@link land.echo.ActionEffect} is an immutable description of work that needs a capability
 * from an {@link land.echo.Environment} and ends in an {@link land.echo.Outcome}: a value, the
 * effect's own domain error, or a {@link land.echo.Fault} of the runtime. An {@link
 * land.echo.ApplicationRuntime} runs effects on the {@link land.echo.scheduler.EchoScheduler} at a
 * {@link land.echo.Priority}, with timeouts that cancel, retries under a {@link
 * land.echo.RetryPolicy}, and a shutdown that completes every handle exactly once.
 *
 * <p>Where the semantics depart from the original runtime, {@code docs/semantics.md} says how and
 * why.
 */
package land.echo;
