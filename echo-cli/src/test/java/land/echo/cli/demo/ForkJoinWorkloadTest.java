package land.echo.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ForkJoinWorkloadTest {

  @TempDir
  Path tmp;

  @Test
  @Timeout(30)
  void indexesEveryFileAnswersQueriesAndReconcilesRetries() throws Exception {
    TestSources.writeDirectory(tmp, 60);
    // Every other call fails; concurrent requests share the draws, so a request may still exhaust.
    AtomicLong draws = new AtomicLong();
    DoubleSupplier alternate = () -> draws.getAndIncrement() % 2 == 0 ? 0.0 : 0.99;

    try (SourceTree tree = SourceTree.open(tmp)) {
      SourceIndex index = new SourceIndex();
      FlakySymbolService service = new FlakySymbolService(index, 0.3, alternate);
      DemoRun run = new DemoRun(tree, index, service, new DemoCounters(),
          WorkloadSettings.defaults(Duration.ofSeconds(2), 2));

      WorkloadResult result = new ForkJoinWorkload(run).run();

      assertThat(result.filesIndexed()).isEqualTo(60);
      assertThat(result.filesTotal()).isEqualTo(60);
      assertThat(index.filesIndexed()).isEqualTo(60);
      assertThat(result.indexingErrors()).isZero();
      assertThat(result.queries()).isPositive();
      assertThat(result.queriesAnswered() + result.queryTimeouts() + result.queryErrors()).isEqualTo(result.queries());
      assertThat(result.latency().count()).isEqualTo(result.queries());
      assertThat(result.latencyWhileIndexing().count() + result.latencyAfterIndexing().count())
          .isEqualTo(result.queries());
      assertThat(result.serviceRequests()).isPositive();
      assertThat(run.counters().serviceSucceeded.sum() + result.serviceErrors()).isEqualTo(result.serviceRequests());
      assertThat(result.serviceCalls()).isEqualTo(service.calls());
      // Every failed call is retried except the last one of a request that gave up.
      assertThat(result.retries()).isPositive().isEqualTo(service.failures() - result.serviceErrors());
      assertThat(result.submitted()).isEqualTo(60 + result.queries() + result.serviceRequests());
      assertThat(result.lost()).isZero();
    }
  }

  @Test
  @Timeout(30)
  void aServiceThatAlwaysFailsExhaustsEveryRequestsRetries() throws Exception {
    TestSources.writeDirectory(tmp, 5);

    try (SourceTree tree = SourceTree.open(tmp)) {
      SourceIndex index = new SourceIndex();
      FlakySymbolService service = new FlakySymbolService(index, 1, () -> 0.5);
      WorkloadSettings settings = WorkloadSettings.defaults(Duration.ofSeconds(1), 2);
      DemoRun run = new DemoRun(tree, index, service, new DemoCounters(), settings);

      WorkloadResult result = new ForkJoinWorkload(run).run();

      assertThat(result.serviceRequests()).isPositive();
      assertThat(result.serviceErrors()).isEqualTo(result.serviceRequests());
      assertThat(result.serviceCalls()).isEqualTo(result.serviceRequests() * (settings.maxRetries() + 1));
      assertThat(result.lost()).isZero();
    }
  }
}
