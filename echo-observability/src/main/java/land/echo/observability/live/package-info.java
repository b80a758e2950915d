/**
 * A live view of Echo runtimes for dashboards: {@link land.echo.observability.live.Observatory},
 * a cheap snapshot ({@link land.echo.observability.live.ObservatorySnapshot}) and a journal of
 * {@link land.echo.observability.live.EffectEvent}s to follow.
 */
package land.echo.observability.live;
