/**
 * A Prometheus scrape endpoint over Micrometer's Prometheus registry: {@link
 * land.echo.observability.prometheus.PrometheusEndpoint}.
 */
package land.echo.observability.prometheus;
