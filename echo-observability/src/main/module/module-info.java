/**
 * Echo observability: Micrometer meters ({@link land.echo.observability.micrometer.EchoMeters}),
 * OpenTelemetry spans ({@link land.echo.observability.otel.EchoTracing}), a Prometheus scrape
 * endpoint ({@link land.echo.observability.prometheus.PrometheusEndpoint}) and a live snapshot with
 * an event journal ({@link land.echo.observability.live.Observatory}), all built on echo-core's
 * {@code RuntimeListener} and {@code ContextPropagator}; and the resilience policies' meters
 * ({@link land.echo.observability.micrometer.ResilienceMeters}), read from echo-resilience's
 * snapshots.
 *
 * <p>Only API packages are exported. OpenTelemetry is used through its API only: applications
 * bring the SDK. HdrHistogram (the live snapshot's latencies) is shaded into the unexported {@code
 * land.echo.observability.internal.hdrhistogram} when the jar is built, so this module requires no
 * filename-based automatic module; this descriptor is compiled apart from the classes (see the
 * pom).
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module land.echo.observability {
  requires transitive land.echo.core;
  requires transitive land.echo.resilience;
  requires transitive micrometer.core;
  requires transitive micrometer.registry.prometheus;
  requires transitive io.opentelemetry.api;
  requires transitive io.opentelemetry.context;
  requires jdk.httpserver;
  requires org.slf4j;

  exports land.echo.observability;
  exports land.echo.observability.micrometer;
  exports land.echo.observability.otel;
  exports land.echo.observability.prometheus;
  exports land.echo.observability.live;
}
