package land.echo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import land.echo.ApplicationRuntime;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.cli.demo.DemoClusterEffects;
import land.echo.cluster.ClusterConfig;
import land.echo.cluster.EchoCluster;
import land.echo.cluster.EffectRegistry;
import land.echo.cluster.SubmitOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeCommandTest {
  @TempDir
  Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine cli() throws IOException {
    Path jdk = Files.createDirectories(tmp.resolve("jdk/lib"));
    CommandLine cli = EchoCommand.commandLine(false, jdk.getParent(), java.util.Optional.empty());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void helpDocumentsTheMembersAndTheConfigFile() throws IOException {
    assertThat(cli().execute("node", "--help")).isZero();
    assertThat(out.toString()).contains("--members=HOST:PORT", "--config=FILE", "--port=N", "Ctrl-C",
        "docs/cluster.md");
  }

  @Test
  void badSettingsAreUsageErrorsNamingTheSetting() throws IOException {
    Path yaml = Files.writeString(tmp.resolve("c.yaml"), "prot: 1\n");
    assertThat(cli().execute("node", "--config", yaml.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("'prot': unknown setting");
    assertThat(cli().execute("node", "--members", "nohost")).isEqualTo(2);
    assertThat(err.toString()).contains("member address must be host:port, was 'nohost'");
    assertThat(cli().execute("node", "--source", tmp.resolve("none").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--source: no such file or directory");
  }

  @Test
  void aNodeServesTheDemosEffectsToTheCluster() throws Exception {
    Path sources = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(sources.resolve("A.java"), "class A { int alpha; int beta; int alpha2; }");
    int nodePort = freePort();
    int clientPort = freePort();
    String members = "127.0.0.1:" + nodePort + ",127.0.0.1:" + clientPort;
    CommandLine cli = cli();
    NodeCommand node = cli.getSubcommands().get("node").getCommand();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("node", "--port",
        Integer.toString(nodePort), "--members", members, "--cluster-name", "node-test", "--source",
        sources.toString(), "--workers", "1"));
    await().atMost(Duration.ofSeconds(60)).until(() -> out.toString().contains("Ctrl-C leaves the cluster"));
    assertThat(out.toString()).contains("Echo node ", "cluster 'node-test'", "serving demo.index");

    EffectRegistry registry = new EffectRegistry();
    DemoClusterEffects.register(registry, land.echo.cli.demo.SourceTree.open(sources));
    try (ApplicationRuntime runtime = ApplicationRuntime.builder().build();
        EchoCluster client = EchoCluster.start(runtime, registry, ClusterConfig.builder().clusterName("node-test")
            .port(clientPort).members(members.split(",")).submitOnly(true).build())) {
      Outcome<Object, Object> outcome = client.submit(DemoClusterEffects.INDEX, new DemoClusterEffects.IndexFile(0),
          Priority.HIGH, SubmitOptions.defaults()).join();
      // class, A, int, alpha, beta, alpha2 minus keywords: A, alpha, beta, alpha2
      assertThat(outcome).isEqualTo(Outcome.success(4));
      Outcome<Object, Object> bad = client.submit(DemoClusterEffects.INDEX, new DemoClusterEffects.IndexFile(7),
          Priority.HIGH, SubmitOptions.defaults()).join();
      assertThat(bad.toString()).contains("must be between 0 and 0, was 7");
    }
    node.stop();
    assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
    assertThat(out.toString()).contains("Leaving: ClusterStats[");
  }
}
