package land.echo.cli.demo;

import java.io.PrintWriter;
import java.util.Locale;
import land.echo.ApplicationRuntime;
import land.echo.dashboard.DashboardConfig;
import land.echo.dashboard.EchoDashboard;
import land.echo.observability.live.Observatory;

/**
 * The demo's live dashboard ({@code --dashboard}): an {@link Observatory} that the measured Echo
 * run registers as a listener, and the {@link EchoDashboard} started on that run's runtime, showing
 * the symbol service's breaker and rate limit. Not thread-safe: the demo's main thread drives it.
 */
public final class DemoDashboard implements AutoCloseable {
  private final int port;
  private final PrintWriter out;
  /** No journal (0): the dashboard reads snapshots only. */
  private final Observatory observatory = Observatory.create(DemoMetrics.names(), land.echo.time.Clock.system(), 0);
  private EchoDashboard dashboard;

  /**
   * Creates the dashboard's settings; nothing is served until {@link #start}.
   *
   * @param port the port to serve on, 0 for a free one
   * @param out where the address and the token are printed
   */
  public DemoDashboard(int port, PrintWriter out) {
    this.port = port;
    this.out = out;
  }

  /**
   * Returns the listener the Echo run registers.
   *
   * @return the observatory
   */
  public Observatory observatory() {
    return observatory;
  }

  /** Starts serving {@code runtime} and prints where, with the control token (once). */
  void start(ApplicationRuntime runtime, ServiceGuard guard) {
    dashboard = EchoDashboard.start(runtime, DashboardConfig.builder(observatory).port(port)
        .breaker(guard.breaker()).rateLimit(guard.rateLimit()).build());
    out.printf(Locale.ROOT, "Dashboard: %s  (control token: %s)%n%n", dashboard.url(), dashboard.token());
    out.flush();
  }

  /**
   * Returns the running dashboard, or null before the Echo run started it.
   *
   * @return the dashboard
   */
  public EchoDashboard dashboard() {
    return dashboard;
  }

  /** Stops serving. Idempotent. */
  @Override
  public void close() {
    if (dashboard != null) {
      dashboard.close();
    }
  }
}
