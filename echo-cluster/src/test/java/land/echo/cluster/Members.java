package land.echo.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import land.echo.ApplicationRuntime;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;

/** In-process members on loopback, for tests: each with its own runtime and Hazelcast member. */
final class Members implements AutoCloseable {
  final List<EchoCluster> members = new ArrayList<>();
  final List<ApplicationRuntime> runtimes = new ArrayList<>();

  /** Starts {@code count} members of a new cluster, each with {@code workers} workers. */
  static Members start(int count, int workers, Consumer<EffectRegistry> registrations,
      Consumer<ClusterConfig.Builder> settings) {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ports.add(freePort());
    }
    List<String> addresses = ports.stream().map(p -> "127.0.0.1:" + p).toList();
    String name = "test-" + Long.toHexString(System.nanoTime());
    Members m = new Members();
    for (int i = 0; i < count; i++) {
      EffectRegistry registry = new EffectRegistry();
      registrations.accept(registry);
      ApplicationRuntime runtime = ApplicationRuntime.builder()
          .scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(workers)
              .threadNamePrefix("member" + i + "-worker-").build()))
          .build();
      ClusterConfig.Builder config = ClusterConfig.builder().clusterName(name).port(ports.get(i)).members(addresses)
          .sweepInterval(Duration.ofMillis(50)).drainTimeout(Duration.ofSeconds(2)).failureDetector(Duration.ofSeconds(1), Duration.ofSeconds(3));
      settings.accept(config);
      m.runtimes.add(runtime);
      m.members.add(EchoCluster.start(runtime, registry, config.build()));
    }
    return m;
  }

  EchoCluster get(int i) {
    return members.get(i);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (EchoCluster member : members) {
      member.close();
    }
    for (ApplicationRuntime runtime : runtimes) {
      runtime.close();
    }
  }
}
