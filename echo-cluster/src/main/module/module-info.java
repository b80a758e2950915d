/**
 * Echo's cluster ({@link land.echo.cluster.EchoCluster}): effects run across members of an embedded
 * Hazelcast cluster, by name, at their priority, with failover. Only {@code land.echo.cluster} is
 * exported. This descriptor is compiled apart from the classes (see the pom).
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module land.echo.cluster {
  requires transitive land.echo.core;
  requires transitive land.echo.resilience;
  requires transitive com.hazelcast.core; // EchoCluster.hazelcast(), start(.., Consumer<Config>)
  requires transitive micrometer.core; // ClusterMeters
  requires io.github.bucket4j.hazelcast;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires org.slf4j;

  exports land.echo.cluster;
}
