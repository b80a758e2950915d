package land.echo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigTest {
  @TempDir
  Path dir;

  private Path yaml(String text) throws IOException {
    Path file = dir.resolve("cluster.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void defaults() {
    ClusterConfig config = ClusterConfig.builder().build();
    assertThat(config.clusterName()).isEqualTo("echo");
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(5701);
    assertThat(config.members()).isEmpty();
    assertThat(config.backupCount()).isEqualTo(1);
    assertThat(config.maxNoHeartbeat()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.submitOnly()).isFalse();
  }

  @Test
  void aYamlFileSetsEverySettingAndTheBuilderOverridesIt() throws IOException {
    Path file = yaml("""
        cluster-name: prod-eu
        host: 127.0.0.1
        port: 6001
        members: [127.0.0.1:6001, "127.0.0.1:6002"]
        backup-count: 2
        admission-limit: 16
        sweep-interval-millis: 100
        heartbeat-interval-seconds: 2
        max-no-heartbeat-seconds: 10
        result-ttl-seconds: 60
        drain-timeout-seconds: 5
        submit-only: true
        """);
    ClusterConfig config = ClusterConfig.builder().yaml(file).port(6003).build();
    assertThat(config).isEqualTo(new ClusterConfig("prod-eu", "127.0.0.1", 6003,
        List.of("127.0.0.1:6001", "127.0.0.1:6002"), 2, 16, Duration.ofMillis(100), Duration.ofSeconds(2),
        Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(5), true));
  }

  @Test
  void yamlErrorsNameTheFileAndTheKey() throws IOException {
    assertThatThrownBy(() -> ClusterConfig.builder().yaml(yaml("prot: 5701\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster.yaml: 'prot': unknown setting");
    assertThatThrownBy(() -> ClusterConfig.builder().yaml(yaml("port: many\n")))
        .hasMessageContaining("'port': expected a whole number, found 'many'");
    assertThatThrownBy(() -> ClusterConfig.builder().yaml(yaml("port: 70000\n")))
        .hasMessageContaining("'port': port must be between 1 and 65535, was 70000");
    assertThatThrownBy(() -> ClusterConfig.builder().yaml(yaml("members: 127.0.0.1:5701\n")))
        .hasMessageContaining("'members': expected a list of host:port");
    assertThatThrownBy(() -> ClusterConfig.builder().yaml(yaml("members: [localhost]\n")))
        .hasMessageContaining("member address must be host:port, was 'localhost'");
    assertThatThrownBy(() -> ClusterConfig.builder().yaml(yaml("submit-only: yes please\n")))
        .hasMessageContaining("'submit-only': expected true or false");
    assertThatThrownBy(() -> ClusterConfig.builder().yaml(yaml("- a\n- b\n")))
        .hasMessageContaining("expected a mapping of settings");
    assertThatThrownBy(() -> ClusterConfig.builder().yaml(yaml("heartbeat-interval-seconds: 9\n")))
        .hasMessageContaining("the failure detector: maxNoHeartbeat (PT5S) must be longer");
    assertThatThrownBy(() -> ClusterConfig.builder().yaml(dir.resolve("missing.yaml")))
        .hasMessageContaining("missing.yaml: cannot read the cluster settings");
    assertThat(ClusterConfig.builder().yaml(yaml("")).build()).isEqualTo(ClusterConfig.builder().build());
  }

  @Test
  void builderValuesAreValidatedWithTheFieldNamed() {
    assertThatThrownBy(() -> ClusterConfig.builder().clusterName("a b"))
        .hasMessageContaining("clusterName must be 1 to 100 letters");
    assertThatThrownBy(() -> ClusterConfig.builder().backupCount(0))
        .hasMessageContaining("backupCount must be between 1 and 6");
    assertThatThrownBy(() -> ClusterConfig.builder().admissionLimit(-1))
        .hasMessageContaining("admissionLimit must not be negative");
    assertThatThrownBy(() -> ClusterConfig.builder().sweepInterval(Duration.ofMillis(1)))
        .hasMessageContaining("sweepInterval must be between");
    assertThatThrownBy(() -> ClusterConfig.builder().failureDetector(Duration.ofMillis(1500), Duration.ofSeconds(5)))
        .hasMessageContaining("whole seconds");
    assertThatThrownBy(() -> ClusterConfig.builder().members("127.0.0.1:0"))
        .hasMessageContaining("member port must be between 1 and 65535");
    assertThatThrownBy(() -> ClusterConfig.builder().members("127.0.0.1:x"))
        .hasMessageContaining("must end in a port number");
    assertThatThrownBy(() -> ClusterConfig.builder().host(" "))
        .hasMessageContaining("host must not be blank");
  }
}
