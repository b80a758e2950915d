/**
 * Echo's live dashboard ({@link land.echo.dashboard.EchoDashboard}): Javalin serves the page, the
 * JSON snapshot, the event stream and the controls of one runtime. Only {@code land.echo.dashboard}
 * is exported; the page's files are opened so that the web server can read them. This descriptor is
 * compiled apart from the classes (see the pom).
 */
module land.echo.dashboard {
  requires transitive land.echo.core;
  requires transitive land.echo.resilience;
  requires transitive land.echo.observability;
  requires io.javalin;
  requires org.eclipse.jetty.server;
  requires org.eclipse.jetty.util;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports land.echo.dashboard;

  opens land.echo.dashboard.web;
}
