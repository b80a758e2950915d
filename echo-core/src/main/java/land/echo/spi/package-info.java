/**
 * The runtime's extension points: {@link land.echo.spi.RuntimeListener}, told about every root
 * effect's life, and {@link land.echo.spi.EffectInfo}, the snapshot it is told with. Metrics,
 * tracing and the dashboard build on these; a runtime without listeners pays one null check per
 * event site.
 */
package land.echo.spi;
