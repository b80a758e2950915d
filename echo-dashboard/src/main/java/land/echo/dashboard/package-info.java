/**
 * A live web dashboard for an Echo runtime: {@link land.echo.dashboard.EchoDashboard} serves a page,
 * a JSON snapshot, a Server-Sent Events stream and the operator's controls, all read from an {@code
 * Observatory} and the policies given to {@link land.echo.dashboard.DashboardConfig}.
 */
package land.echo.dashboard;
