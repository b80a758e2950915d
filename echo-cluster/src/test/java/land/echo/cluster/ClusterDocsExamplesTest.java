package land.echo.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.CommonError;
import land.echo.EffectHandle;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.resilience.CircuitBreaker;
import land.echo.resilience.RateLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The examples of docs/cluster.md, compiled and run as they stand there. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterDocsExamplesTest {
  record IndexRequest(String path) {}

  static ActionEffect<CommonError, Integer> indexFile(IndexRequest request) {
    return ActionEffect.succeed(request.path().length());
  }

  @Test
  void theOpeningExample() {
    int port = Members.freePort();
    try (ApplicationRuntime runtime = ApplicationRuntime.builder().build()) {
      // From docs/cluster.md (the member list shortened to this one member, on a free port):
      EffectRegistry registry = new EffectRegistry();
      ClusterEffect<IndexRequest, CommonError, Integer> index =
          registry.register("index.file", IndexRequest.class, request -> indexFile(request));

      ClusterConfig config = ClusterConfig.builder()
          .clusterName("docs-" + port)
          .port(port)
          .members("127.0.0.1:" + port)
          .build();
      try (EchoCluster cluster = EchoCluster.start(runtime, registry, config)) {
        EffectHandle<CommonError, Integer> handle = cluster.submit(index, new IndexRequest("A.java"), Priority.LOW,
            SubmitOptions.defaults().withRoutingKey("A.java").withIdempotencyKey("index:A.java"));
        Outcome<CommonError, Integer> outcome = handle.join();
        assertThat(outcome).isEqualTo(Outcome.success(6));

        // The shared policy state section:
        CircuitBreaker breaker = CircuitBreaker.builder("payments").sharedState(cluster.policyState()).build();
        RateLimit limit = RateLimit.builder("search").capacity(100).refillGreedy(100, Duration.ofSeconds(1))
            .sharedState(cluster.policyState()).build();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(runtime.run(ActionEffect.<CommonError, String>succeed("ok").via(limit.policy())))
            .isEqualTo(Outcome.success("ok"));

        // The metrics section:
        io.micrometer.core.instrument.MeterRegistry registry2 = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        ClusterMeters.of(cluster).bindTo(registry2);
        ClusterStats stats = cluster.stats();
        System.out.printf("%s ran %d, re-ran %d after a failover, stole %d%n",
            stats.memberId(), stats.ran(), stats.reran(), stats.stolen());
        assertThat(registry2.get("echo.cluster.effects.ran").functionCounter().count()).isEqualTo(stats.ran());
      }
    }
  }

  @Test
  void theSubmitOptionsExample() {
    IndexRequest request = new IndexRequest("B.java");
    // From SubmitOptions' documentation:
    SubmitOptions options = SubmitOptions.defaults()
        .withRoutingKey(request.path())
        .withIdempotencyKey("index:" + request.path())
        .withTimeout(Duration.ofSeconds(5))
        .withRetry(3, Duration.ofMillis(10));
    assertThat(options.routingKey()).contains("B.java");
    assertThat(options.retries()).isEqualTo(3);
  }
}
