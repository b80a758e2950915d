/**
 * Micrometer meters for Echo runtimes and schedulers ({@link
 * land.echo.observability.micrometer.EchoMeters}), and the extension point for policy meters
 * ({@link land.echo.observability.micrometer.PolicyMeters}) with its implementation for
 * echo-resilience's policies ({@link land.echo.observability.micrometer.ResilienceMeters}).
 */
package land.echo.observability.micrometer;
