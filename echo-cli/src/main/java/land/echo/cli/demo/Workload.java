package land.echo.cli.demo;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The editor-backend workload, run on some executor: background indexing of every source file,
 * interactive queries at a fixed rate under a timeout, and symbol-service requests with retries at a
 * fixed rate, all at once. Indexing stops when every file is indexed or at the deadline; queries
 * and service requests go on until the deadline, so every variant runs for the same time.
 *
 * <p>This class owns the timing and the bookkeeping, identical for every variant; a subclass says
 * how one unit of each kind of work is submitted ({@link EchoWorkload} on an Echo runtime with
 * priorities, {@link ForkJoinWorkload} the way users do it today on a ForkJoinPool).
 *
 * <p>Implementation notes: indexing keeps {@link WorkloadSettings#indexingWindow()} files in
 * flight: each completion submits the next file before it retires itself, so the in-flight count
 * reaches zero only when no file is left (or the run is stopping), which is when the indexing latch
 * opens. Queries and service requests are submitted open-loop by one generator thread at fixed
 * rates, so a slow executor cannot slow the arrivals down and hide its own latency. Every unit
 * submitted increments {@code submitted}; the subclass must call {@link #unitDone()} exactly once
 * per unit when its outcome is known, so {@code submitted - completed} counts lost work.
 *
 * <p>Not thread-safe to {@link #run()} twice; one instance runs once.
 */
public abstract sealed class Workload permits EchoWorkload, ForkJoinWorkload {

  /** The run this workload executes. */
  protected final DemoRun run;
  /** Shorthand for the run's counters. */
  protected final DemoCounters counters;

  private final List<SourceFile> files;
  private final AtomicInteger nextFile = new AtomicInteger();
  private final AtomicInteger filesInFlight = new AtomicInteger();
  private final CountDownLatch indexingDone = new CountDownLatch(1);
  private final Object quiescence = new Object();
  private volatile boolean stopping;
  private volatile boolean indexing = true;
  private boolean started;
  private Duration indexingElapsed;

  /**
   * Creates the workload over {@code run}.
   *
   * @param run the run's sources, index, counters and settings
   */
  protected Workload(DemoRun run) {
    this.run = run;
    this.counters = run.counters();
    this.files = run.tree().files();
  }

  /**
   * Returns the name shown in progress and reports, e.g. "Echo".
   *
   * @return the workload's display name
   */
  public abstract String label();

  /**
   * Returns how many worker threads execute the work.
   *
   * @return the number of worker threads
   */
  public int parallelism() {
    return run.settings().parallelism();
  }

  /**
   * Runs the workload to its end, shuts its executor down, and returns the figures.
   *
   * @return the figures of the run
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public final WorkloadResult run() throws InterruptedException {
    synchronized (this) {
      if (started) {
        throw new IllegalStateException("a workload runs once");
      }
      started = true;
    }
    WorkloadSettings settings = run.settings();
    long start = System.nanoTime();
    long deadline = start + settings.duration().toNanos();
    ScheduledExecutorService generator = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "echo-demo-load");
      t.setDaemon(true);
      return t;
    });
    SplittableRandom random = new SplittableRandom(settings.seed());
    long cancelled;
    try {
      generator.scheduleAtFixedRate(() -> {
        if (!stopping) {
          counters.submitted.increment();
          counters.queriesSubmitted.increment();
          submitQuery(InteractiveQuery.random(random), System.nanoTime(), indexing);
        }
      }, 0, settings.queryInterval().toNanos(), TimeUnit.NANOSECONDS);
      generator.scheduleAtFixedRate(() -> {
        if (!stopping) {
          counters.submitted.increment();
          counters.serviceRequests.increment();
          submitServiceRequest(InteractiveQuery.randomIdentifier(random));
        }
      }, settings.serviceInterval().toNanos() / 2, settings.serviceInterval().toNanos(), TimeUnit.NANOSECONDS);
      for (int i = 0; i < settings.indexingWindow(); i++) {
        submitNextFile();
      }
      if (filesInFlight.get() == 0) {
        indexingDone.countDown();
      }
      indexingDone.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      indexing = false;
      indexingElapsed = Duration.ofNanos(System.nanoTime() - start);
      // The rest of the run measures the interactive work on an otherwise idle executor.
      TimeUnit.NANOSECONDS.sleep(Math.max(0, deadline - System.nanoTime()));
    } finally {
      indexing = false;
      stopping = true;
      generator.shutdownNow();
      generator.awaitTermination(settings.shutdownGrace().toNanos(), TimeUnit.NANOSECONDS);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    Duration indexingTime = indexingElapsed != null ? indexingElapsed : elapsed;
    cancelled = shutdown(settings.shutdownGrace());
    awaitQuiescence(settings.shutdownGrace());
    return finish(WorkloadResult.of(label(), parallelism(), elapsed, indexingTime, files.size(), run.index(),
        run.service(), counters, cancelled));
  }

  /**
   * Returns the result the report prints, given the one built from the run's counters; the
   * default returns it unchanged. The Echo workload reads its per-effect figures from its meters.
   *
   * @param counted the result built from the counters
   * @return the result to report
   */
  protected WorkloadResult finish(WorkloadResult counted) {
    return counted;
  }

  /**
   * Submits the indexing of one file: read it (blocking), tokenize it (CPU), add it to the index.
   * Must update {@code filesIndexed}/{@code bytesRead} or {@code indexingErrors}/
   * {@code indexingCancelled}, then call {@code done} exactly once, whatever happens.
   *
   * @param file the file to index
   * @param done the callback to run once the file is handled
   */
  protected abstract void submitIndexing(SourceFile file, Runnable done);

  /**
   * Submits one interactive query under the run's query timeout. Must record its latency with
   * {@link #recordQueryLatency} when it completes, count it as answered, timed out or failed, then
   * call {@link #unitDone()} exactly once.
   *
   * @param query the query to run
   * @param submitNanos the {@link System#nanoTime()} at submission, the start of its latency
   * @param whileIndexing whether indexing was still running when the query was submitted
   */
  protected abstract void submitQuery(InteractiveQuery query, long submitNanos, boolean whileIndexing);

  /**
   * Submits one symbol-service request with the run's retry schedule. Must count it as succeeded
   * or failed, then call {@link #unitDone()} exactly once.
   *
   * @param symbol the identifier to resolve with the symbol service
   */
  protected abstract void submitServiceRequest(String symbol);

  /**
   * Stops the executor, giving in-flight work up to {@code grace} to finish.
   *
   * @param grace how long in-flight work may take to finish
   * @return how many units were cancelled because they had not finished by then
   * @throws InterruptedException if interrupted while waiting
   */
  protected abstract long shutdown(Duration grace) throws InterruptedException;

  /** Records that one unit of work's outcome has been delivered. */
  protected final void unitDone() {
    counters.completed.increment();
    if (stopping && counters.completed.sum() >= counters.submitted.sum()) {
      synchronized (quiescence) {
        quiescence.notifyAll();
      }
    }
  }

  /**
   * Waits until every submitted unit has completed or {@code timeout} passes.
   *
   * @param timeout the longest to wait
   * @return true if nothing is outstanding
   * @throws InterruptedException if interrupted while waiting
   */
  protected final boolean awaitQuiescence(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (quiescence) {
      while (counters.completed.sum() < counters.submitted.sum()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(quiescence, left);
      }
      return true;
    }
  }

  /**
   * Returns true while background indexing is still running.
   *
   * @return whether indexing is still running
   */
  protected final boolean indexing() {
    return indexing;
  }

  /**
   * Records one query's latency in the overall histogram and in the one for its phase: submitted
   * while indexing ran (contended) or after (an otherwise idle executor).
   *
   * @param submitNanos the {@link System#nanoTime()} at which the query was submitted
   * @param submittedWhileIndexing whether indexing was still running at submission
   */
  protected final void recordQueryLatency(long submitNanos, boolean submittedWhileIndexing) {
    long latency = System.nanoTime() - submitNanos;
    counters.queryLatency.record(latency);
    (submittedWhileIndexing ? counters.queryLatencyWhileIndexing : counters.queryLatencyAfterIndexing).record(latency);
  }

  private void submitNextFile() {
    if (stopping) {
      return;
    }
    int i = nextFile.getAndIncrement();
    if (i >= files.size()) {
      return;
    }
    filesInFlight.incrementAndGet();
    counters.submitted.increment();
    submitIndexing(files.get(i), this::fileDone);
  }

  private void fileDone() {
    unitDone();
    submitNextFile();
    if (filesInFlight.decrementAndGet() == 0 && (stopping || nextFile.get() >= files.size())) {
      indexingDone.countDown();
    }
  }
}
