package land.echo.bench;

import com.hazelcast.config.DurableExecutorConfig;
import com.hazelcast.config.ExecutorConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import land.echo.ApplicationRuntime;
import land.echo.cluster.ClusterConfig;
import land.echo.cluster.EchoCluster;

/**
 * The cluster the cluster benchmarks run on: {@value #MEMBERS} member JVMs on loopback ({@link
 * ClusterBenchNode}, {@value #WORKERS} Echo workers each, and Hazelcast executors "bench" and
 * durable "bench" of as many threads, so that every engine runs the same work on the same threads),
 * joined by a submit-only Echo member in the benchmark's JVM, which submits to all three engines.
 * Failure detector: heartbeats every second, a member dead after 3 s of silence. With {@code
 * -Dbench.cluster.jfr=DIR} each member records a JFR profile into DIR, written when the member
 * leaves ({@link #close()} closes the members' input, and kills those still running after 15 s).
 * Not thread-safe.
 */
final class BenchCluster implements AutoCloseable {
  static final int MEMBERS = 3;
  static final int WORKERS = 2;

  final List<Process> nodes = new ArrayList<>();
  final List<Integer> ports = new ArrayList<>();
  /** The members' ids, in the order of {@link #nodes}. */
  final List<String> ids = new ArrayList<>();
  final String name = "bench-" + Long.toHexString(System.nanoTime());
  final ApplicationRuntime runtime;
  final EchoCluster client;
  private final com.hazelcast.core.IExecutorService executor;
  final com.hazelcast.durableexecutor.DurableExecutorService durable;
  private final String addresses;

  BenchCluster() throws Exception {
    for (int i = 0; i <= MEMBERS; i++) {
      ports.add(freePort());
    }
    addresses = String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
    for (int i = 0; i < MEMBERS; i++) {
      nodes.add(startNode(i));
    }
    for (Process node : nodes) {
      ids.add(awaitReady(node));
    }
    runtime = ApplicationRuntime.builder().build();
    client = EchoCluster.start(runtime, ClusterBenchNode.registry(), ClusterConfig.builder().clusterName(name)
        .port(ports.get(MEMBERS)).members(List.of(addresses.split(","))).submitOnly(true)
        .failureDetector(Duration.ofSeconds(1), Duration.ofSeconds(3)).build(), BenchCluster::executors);
    executor = client.hazelcast().getExecutorService("bench");
    durable = client.hazelcast().getDurableExecutorService("bench");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (client.members().size() < MEMBERS + 1) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the benchmark's cluster did not form within 60 s");
      }
      Thread.sleep(50);
    }
  }

  /** The executors, sized like Echo's scheduler on every member. */
  static void executors(com.hazelcast.config.Config config) {
    config.addExecutorConfig(new ExecutorConfig("bench").setPoolSize(WORKERS).setQueueCapacity(0));
    config.addDurableExecutorConfig(new DurableExecutorConfig("bench").setPoolSize(WORKERS).setCapacity(100_000));
  }

  /** Starts member {@code i} again after it was killed. */
  Process startNode(int i) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"));
    String jfr = System.getProperty("bench.cluster.jfr"); // a directory: each member records a profile there
    if (jfr != null) {
      command.add("-XX:StartFlightRecording=filename=" + jfr + "/member-" + i + "-" + ports.get(i) + ".jfr,settings=profile");
    }
    command.addAll(List.of(ClusterBenchNode.class.getName(), name, Integer.toString(ports.get(i)), addresses,
        Integer.toString(WORKERS)));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true);
    return builder.start();
  }

  static String awaitReady(Process node) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("READY")) {
        Thread.ofPlatform().daemon().start(() -> {
          try {
            while (out.readLine() != null) {
              // keep the pipe drained
            }
          } catch (IOException e) {
            // the node is gone
          }
        });
        return line.substring("READY ".length()).trim();
      }
    }
    throw new IllegalStateException("a benchmark member exited before it was ready");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Runs {@code work} on {@code engine} ({@code echo}, {@code executor} or {@code durable}) and
   * waits for it; returns when the work started.
   */
  long run(String engine, ClusterBenchNode.Work work, land.echo.Priority priority) throws Exception {
    return switch (engine) {
      case "echo" -> {
        land.echo.Outcome<Object, Object> outcome = client.submit("bench.work", work, priority,
            land.echo.cluster.SubmitOptions.defaults()).join();
        if (!(outcome instanceof land.echo.Outcome.Success<Object, Object> s)) {
          throw new IllegalStateException("the work failed: " + outcome);
        }
        yield (Long) s.value();
      }
      case "executor" -> executor.submit(work, com.hazelcast.cluster.memberselector.MemberSelectors.DATA_MEMBER_SELECTOR)
          .get();
      case "durable" -> durable.submit(work).get();
      default -> throw new IllegalArgumentException("engine: " + engine);
    };
  }

  @Override
  public void close() {
    client.close();
    runtime.close();
    for (Process node : nodes) {
      try {
        node.getOutputStream().close(); // the member leaves when its input closes (and writes its profile)
        node.waitFor(15, TimeUnit.SECONDS);
      } catch (IOException | InterruptedException e) {
        // killed below
      }
      node.destroyForcibly();
    }
  }
}
