package land.echo.cli.demo;

import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters of one demo run, updated by the workload as work completes and read by the
 * progress bar and the final report.
 *
 * <p>Thread-safe: every counter is a {@link LongAdder}; a reader sees each counter's recent value,
 * not a consistent cut across counters (the report reads them after the run has stopped).
 */
public final class DemoCounters {
  /** Creates counters that all start at zero. */
  public DemoCounters() {}


  /** Files whose tokens were added to the index. */
  public final LongAdder filesIndexed = new LongAdder();
  /** Files that could not be read or tokenized. */
  public final LongAdder indexingErrors = new LongAdder();
  /** Source bytes read by indexing. */
  public final LongAdder bytesRead = new LongAdder();
  /** Indexing tasks that were still queued or running at the end and were cancelled. */
  public final LongAdder indexingCancelled = new LongAdder();

  /** Interactive queries submitted. */
  public final LongAdder queriesSubmitted = new LongAdder();
  /** Interactive queries answered within their budget. */
  public final LongAdder queriesAnswered = new LongAdder();
  /** Interactive queries that ran out of budget. */
  public final LongAdder queryTimeouts = new LongAdder();
  /** Interactive queries that failed otherwise, or were cancelled at the end. */
  public final LongAdder queryErrors = new LongAdder();

  /** Requests made to the symbol service (each may take several calls). */
  public final LongAdder serviceRequests = new LongAdder();
  /** Requests that succeeded, on the first attempt or after retries. */
  public final LongAdder serviceSucceeded = new LongAdder();
  /** Requests that failed after exhausting their retries, or were cancelled at the end. */
  public final LongAdder serviceErrors = new LongAdder();

  /** Units of work handed to the runtime or pool (indexing, queries, service requests). */
  public final LongAdder submitted = new LongAdder();
  /** Units of work whose outcome was delivered, whatever it was. */
  public final LongAdder completed = new LongAdder();

  /** Interactive latency, submit to completion, of every query including timed-out ones. */
  public final LatencyRecorder queryLatency = new LatencyRecorder();
  /** Interactive latency of the queries submitted while background indexing was running. */
  public final LatencyRecorder queryLatencyWhileIndexing = new LatencyRecorder();
  /** Interactive latency of the queries submitted after indexing finished (an idle executor). */
  public final LatencyRecorder queryLatencyAfterIndexing = new LatencyRecorder();
}
