/**
 * OpenTelemetry tracing for Echo runtimes, on the OpenTelemetry API: {@link
 * land.echo.observability.otel.EchoTracing}.
 */
package land.echo.observability.otel;
