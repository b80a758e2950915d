package land.echo.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import land.echo.ApplicationRuntime;
import land.echo.cli.demo.DemoClusterEffects;
import land.echo.cli.demo.SourceTree;
import land.echo.cluster.ClusterConfig;
import land.echo.cluster.EchoCluster;
import land.echo.cluster.EffectRegistry;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code echoctl node}: one member of an Echo cluster serving the demo's registered effects until
 * Ctrl-C, when it leaves gracefully (it finishes or hands off its running effects first).
 *
 * <p>Not thread-safe; picocli runs one command per invocation.
 */
@Command(
    name = "node",
    header = "Runs an Echo cluster member serving the demo's effects, until Ctrl-C.",
    description = {
        "Starts a member of an Echo cluster (embedded Hazelcast, TCP-IP join, no",
        "multicast) that serves the demo's registered effects ('demo.index': read",
        "and tokenize one file of the sources) on its own Echo scheduler, at each",
        "effect's priority. Members find each other through --members; every",
        "member must open the same sources. Ctrl-C leaves the cluster gracefully:",
        "running effects finish (or move to another member) first.",
        "",
        "Settings come from --config (a YAML file, see docs/cluster.md), then from",
        "the flags, which override it. It listens on 127.0.0.1 unless --host says",
        "otherwise; Hazelcast's member protocol is not authenticated, so bind",
        "elsewhere only on a network you trust.",
        ""})
public final class NodeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--config", paramLabel = "FILE", description = "A YAML file of cluster settings.")
  Path config;

  @Option(names = "--port", paramLabel = "N", description = "This member's port (default 5701).")
  Integer port;

  @Option(names = "--host", paramLabel = "ADDRESS", description = "The address to bind to (default 127.0.0.1).")
  String host;

  @Option(names = "--members", paramLabel = "HOST:PORT", split = ",",
      description = "Members to join, comma-separated (default: this member alone).")
  List<String> members;

  @Option(names = "--cluster-name", paramLabel = "NAME", description = "The cluster's name (default echo).")
  String clusterName;

  @Mixin
  WorkloadOptions options = new WorkloadOptions();

  private final Path javaHome;
  private final CountDownLatch stop = new CountDownLatch(1);
  /** Counted down once the member has left: Ctrl-C's shutdown hook waits for it. */
  private final CountDownLatch left = new CountDownLatch(1);

  /**
   * Creates the command.
   *
   * @param javaHome the JDK home whose {@code lib/src.zip} is the default source
   */
  public NodeCommand(Path javaHome) {
    this.javaHome = javaHome;
  }

  /** Starts the member and serves until Ctrl-C (or {@link #stop()}). */
  @Override
  public Integer call() throws IOException, InterruptedException {
    try {
      return serve();
    } finally {
      left.countDown();
    }
  }

  private int serve() throws IOException, InterruptedException {
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "slf4j"); // its start-up warnings too, not only the member's
    }
    ClusterConfig settings = settings();
    Path path = options.source != null ? options.source : javaHome.resolve("lib").resolve("src.zip");
    if (!Files.exists(path)) {
      throw usage("--source: no such file or directory: " + path);
    }
    if (options.workers != null && options.workers < 1) {
      throw usage("--workers must be at least 1, was " + options.workers);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (SourceTree tree = SourceTree.open(path);
        ApplicationRuntime runtime = ApplicationRuntime.builder()
            .scheduler(EchoScheduler.create(SchedulerConfig.builder()
                .workers(options.workers != null ? options.workers : SchedulerConfig.defaultWorkers()).build()))
            .build()) {
      EffectRegistry registry = new EffectRegistry();
      DemoClusterEffects.register(registry, tree);
      EchoCluster cluster;
      try {
        cluster = EchoCluster.start(runtime, registry, settings);
      } catch (IllegalStateException e) {
        throw usage(e.getMessage());
      }
      // Ctrl-C: the JVM exits once its shutdown hooks return, so the hook waits for the member to
      // have left (its running effects finished or handed off).
      Thread hook = new Thread(() -> {
        stop.countDown();
        try {
          left.await(settings.drainTimeout().toSeconds() + 30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "echoctl-node-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try (cluster) {
        out.printf(Locale.ROOT, "Echo node %s on %s:%d, cluster '%s', %d member(s); serving %s over %s%n",
            cluster.memberId(), settings.host(), settings.port(), settings.clusterName(), cluster.members().size(),
            String.join(", ", registry.names()), tree.description());
        out.println("Ctrl-C leaves the cluster.");
        out.flush();
        stop.await();
        out.printf(Locale.ROOT, "Leaving: %s%n", cluster.stats());
        out.flush();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // the JVM is shutting down: the hook is running
        }
      }
    }
    return 0;
  }

  /** Ends a running {@link #call()}, as Ctrl-C does. */
  void stop() {
    stop.countDown();
  }

  private ClusterConfig settings() {
    try {
      ClusterConfig.Builder builder = ClusterConfig.builder();
      if (config != null) {
        builder.yaml(config);
      }
      if (clusterName != null) {
        builder.clusterName(clusterName);
      }
      if (host != null) {
        builder.host(host);
      }
      if (port != null) {
        builder.port(port);
      }
      if (members != null) {
        builder.members(members);
      }
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
