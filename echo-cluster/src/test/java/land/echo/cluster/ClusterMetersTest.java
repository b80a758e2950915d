package land.echo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import land.echo.ActionEffect;
import land.echo.CommonError;
import land.echo.Outcome;
import land.echo.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each member's meters, tagged with its id. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterMetersTest {
  static ClusterEffect<String, CommonError, Integer> length;

  @Test
  void aMembersMetersCountWhatItRanAndReceived() {
    try (Members members = Members.start(1, 1,
        r -> length = r.register("len", String.class, s -> ActionEffect.succeed(s.length())), c -> {})) {
      EchoCluster member = members.get(0);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      ClusterMeters.of(member).bindTo(registry);
      for (int i = 0; i < 3; i++) {
        assertThat(member.submit(length, "abc", Priority.NORMAL).join()).isEqualTo(Outcome.success(3));
      }
      String id = member.memberId();
      assertThat(registry.get("echo.cluster.effects.ran").tag("member", id).functionCounter().count()).isEqualTo(3);
      assertThat(registry.get("echo.cluster.results.delivered").tag("member", id).functionCounter().count())
          .isEqualTo(3);
      assertThat(registry.get("echo.cluster.effects.reran").tag("member", id).functionCounter().count()).isZero();
      assertThat(registry.get("echo.cluster.members").tag("member", id).gauge().value()).isEqualTo(1);
      assertThat(registry.get("echo.cluster.running").tag("member", id).gauge().value()).isZero();
    }
  }

  @Test
  void nullsAreRefusedByName() {
    assertThatThrownBy(() -> ClusterMeters.of(null)).hasMessage("cluster");
  }
}
