package land.echo.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import land.echo.RuntimeStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class EchoWorkloadTest {

  @TempDir
  Path tmp;

  @Test
  @Timeout(30)
  void indexesEveryFileAnswersQueriesAndReconcilesRetriesWithTheRuntime() throws Exception {
    TestSources.writeDirectory(tmp, 60);
    SplittableRandom random = new SplittableRandom(7);

    try (SourceTree tree = SourceTree.open(tmp)) {
      SourceIndex index = new SourceIndex();
      FlakySymbolService service = new FlakySymbolService(index, 0.3, () -> {
        synchronized (random) {
          return random.nextDouble();
        }
      });
      DemoRun run = new DemoRun(tree, index, service, new DemoCounters(),
          WorkloadSettings.defaults(Duration.ofSeconds(2), 2));
      EchoWorkload workload = new EchoWorkload(run);

      WorkloadResult result = workload.run();

      assertThat(result.filesIndexed()).isEqualTo(60);
      assertThat(index.filesIndexed()).isEqualTo(60);
      assertThat(result.indexingErrors()).isZero();
      assertThat(result.queries()).isPositive();
      assertThat(result.queriesAnswered() + result.queryTimeouts() + result.queryErrors()).isEqualTo(result.queries());
      assertThat(result.latency().count()).isEqualTo(result.queries());
      assertThat(result.latencyWhileIndexing().count() + result.latencyAfterIndexing().count())
          .isEqualTo(result.queries());
      assertThat(result.serviceRequests()).isPositive();
      assertThat(run.counters().serviceSucceeded.sum() + result.serviceErrors()).isEqualTo(result.serviceRequests());
      // A request refused by the guards (rate limit, open breaker) ends without exhausting its
      // retries; every failed service call was either retried (result.retries(), read from the
      // runtime's retry meter) or was the last attempt of a request that failed unrefused.
      long refused = workload.serviceGuard().refusedRequests();
      long exhausted = result.serviceErrors() - refused;
      assertThat(result.retries()).isEqualTo(service.failures() - exhausted);
      assertThat(result.submitted()).isEqualTo(60 + result.queries() + result.serviceRequests());
      assertThat(result.lost()).isZero();

      RuntimeStats stats = workload.runtime().stats();
      assertThat(stats.submitted()).isEqualTo(result.submitted());
      assertThat(stats.inFlight()).isZero();
      assertThat(stats.retries()).isEqualTo(result.retries());
      assertThat(stats.timedOut()).isEqualTo(result.queryTimeouts());
      assertThat(workload.shutdownReport()).isNotNull();
      assertThat(workload.shutdownReport().failure()).isEmpty();
    }
  }
}
