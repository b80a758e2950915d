/**
 * The runtime's extension points: {@link land.echo.spi.RuntimeListener}, told about every root
 * effect's life, and {@link land.echo.spi.EffectInfo}, the snapshot it is told with. Metrics,
 * tracing and the dashboard build on these; a runtime without listeners pays one null check per
 * event site. {@link land.echo.spi.ContextPropagator} carries the submitter's thread-bound context
 * into every part of an effect; {@link land.echo.spi.MicrometerContextPropagator} adapts
 * Micrometer's context-propagation library, an optional dependency.
 */
package land.echo.spi;
