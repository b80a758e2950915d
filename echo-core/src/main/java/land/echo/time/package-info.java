/**
 * Injected time: a monotonic {@link land.echo.time.Clock} and a one-shot {@link
 * land.echo.time.Timer}, with {@link land.echo.time.VirtualTime} implementing both so that tests of
 * sleeps, timeouts, retry delays and shutdown deadlines run on virtual time.
 */
package land.echo.time;
