package land.echo.cli.demo;

import java.time.Duration;

/**
 * The figures of one finished demo run, as printed in the report.
 *
 * <p>Immutable and thread-safe.
 *
 * @param label what ran the workload ("Echo (priorities)", "ForkJoinPool")
 * @param parallelism worker threads
 * @param elapsed wall time from the start to the end of the load (before shutdown)
 * @param indexingTime wall time from the start until indexing finished or was stopped
 * @param filesTotal files in the source tree
 * @param filesIndexed files added to the index
 * @param indexingErrors files that could not be indexed
 * @param bytesRead source bytes read
 * @param distinctTokens distinct identifiers in the index
 * @param queries interactive queries submitted
 * @param queriesAnswered queries answered within budget
 * @param queryTimeouts queries that ran out of budget
 * @param queryErrors queries that failed otherwise or were cancelled at shutdown
 * @param latency interactive latency, submit to completion, over all queries
 * @param latencyWhileIndexing interactive latency of the queries submitted while indexing ran
 * @param latencyAfterIndexing interactive latency of the queries submitted after indexing finished
 * @param serviceRequests symbol-service requests made
 * @param serviceCalls symbol-service calls made (first attempts plus retries)
 * @param serviceErrors requests that failed for good
 * @param submitted units of work submitted
 * @param completed units of work whose outcome was delivered
 * @param cancelledAtShutdown units of work cancelled at shutdown
 */
public record WorkloadResult(
    String label,
    int parallelism,
    Duration elapsed,
    Duration indexingTime,
    int filesTotal,
    long filesIndexed,
    long indexingErrors,
    long bytesRead,
    int distinctTokens,
    long queries,
    long queriesAnswered,
    long queryTimeouts,
    long queryErrors,
    LatencyRecorder.Summary latency,
    LatencyRecorder.Summary latencyWhileIndexing,
    LatencyRecorder.Summary latencyAfterIndexing,
    long serviceRequests,
    long serviceCalls,
    long serviceErrors,
    long submitted,
    long completed,
    long cancelledAtShutdown) {

  /**
   * Returns the retries made: service calls beyond each request's first attempt.
   *
   * @return {@code serviceCalls - serviceRequests}
   */
  public long retries() {
    return serviceCalls - serviceRequests;
  }

  /**
   * Returns the units of work submitted whose outcome never arrived (0 when nothing is lost).
   *
   * @return {@code submitted - completed}
   */
  public long lost() {
    return submitted - completed;
  }

  /**
   * Returns files indexed per second of indexing time.
   *
   * @return the indexing throughput, 0 when no indexing time was measured
   */
  public double filesPerSecond() {
    double seconds = indexingTime.toNanos() / 1e9;
    return seconds <= 0 ? 0 : filesIndexed / seconds;
  }

  /** Builds a result from a run's counters once its work has stopped. */
  static WorkloadResult of(
      String label,
      int parallelism,
      Duration elapsed,
      Duration indexingTime,
      int filesTotal,
      SourceIndex index,
      FlakySymbolService service,
      DemoCounters c,
      long cancelledAtShutdown) {
    return new WorkloadResult(
        label,
        parallelism,
        elapsed,
        indexingTime,
        filesTotal,
        c.filesIndexed.sum(),
        c.indexingErrors.sum(),
        c.bytesRead.sum(),
        index.distinctTokens(),
        c.queriesSubmitted.sum(),
        c.queriesAnswered.sum(),
        c.queryTimeouts.sum(),
        c.queryErrors.sum(),
        c.queryLatency.summary(),
        c.queryLatencyWhileIndexing.summary(),
        c.queryLatencyAfterIndexing.summary(),
        c.serviceRequests.sum(),
        service.calls(),
        c.serviceErrors.sum(),
        c.submitted.sum(),
        c.completed.sum(),
        cancelledAtShutdown);
  }
}
