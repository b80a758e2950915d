/**
 * Effects across machines: {@link land.echo.cluster.EchoCluster} (a member), {@link
 * land.echo.cluster.EffectRegistry} (the named effect factories every member serves) and {@link
 * land.echo.cluster.SubmitOptions}. See docs/cluster.md.
 */
package land.echo.cluster;
