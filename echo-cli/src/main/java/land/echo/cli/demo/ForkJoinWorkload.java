package land.echo.cli.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The demo workload written the way users run such work today: {@link CompletableFuture}s on a
 * plain {@link ForkJoinPool} of the same parallelism, with no priorities, blocking reads on the
 * pool's threads, {@link CompletableFuture#orTimeout} for the query budget (which stops waiting but
 * does not stop the query), and a hand-written retry loop with
 * {@link CompletableFuture#delayedExecutor} backoff.
 *
 * <p>Not thread-safe to run twice; see {@link Workload}.
 */
public final class ForkJoinWorkload extends Workload {

  private final ForkJoinPool pool;

  /**
   * Creates the workload and its pool of {@code run.settings().parallelism()} threads.
   *
   * @param run the run's sources, index, counters and settings
   */
  public ForkJoinWorkload(DemoRun run) {
    super(run);
    this.pool = new ForkJoinPool(run.settings().parallelism());
  }

  @Override
  public String label() {
    return "ForkJoinPool";
  }

  @Override
  protected void submitIndexing(SourceFile file, Runnable done) {
    CompletableFuture
        .supplyAsync(() -> read(file), pool)
        .thenApplyAsync(this::tokenize, pool)
        .thenAccept(counts -> {
          run.index().add(file, counts);
          counters.filesIndexed.increment();
        })
        .whenComplete((ignored, failure) -> {
          if (failure != null) {
            counters.indexingErrors.increment();
          }
          done.run();
        });
  }

  private byte[] read(SourceFile file) {
    try {
      byte[] bytes = run.tree().read(file);
      counters.bytesRead.add(bytes.length);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Map<String, Integer> tokenize(byte[] bytes) {
    return JavaTokenizer.identifierCounts(new String(bytes, StandardCharsets.UTF_8));
  }

  @Override
  protected void submitQuery(InteractiveQuery query, long submitNanos, boolean whileIndexing) {
    CompletableFuture
        .supplyAsync(() -> query.runOn(run.index()), pool)
        .orTimeout(run.settings().queryTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .whenComplete((answers, failure) -> {
          recordQueryLatency(submitNanos, whileIndexing);
          if (failure == null) {
            counters.queriesAnswered.increment();
          } else if (unwrap(failure) instanceof TimeoutException) {
            counters.queryTimeouts.increment();
          } else {
            counters.queryErrors.increment();
          }
          unitDone();
        });
  }

  @Override
  protected void submitServiceRequest(String symbol) {
    attempt(symbol, 0).whenComplete((path, failure) -> {
      if (failure == null) {
        counters.serviceSucceeded.increment();
      } else {
        counters.serviceErrors.increment();
      }
      unitDone();
    });
  }

  /** One attempt; on failure, waits the backoff and tries again until the retries are used up. */
  private CompletableFuture<String> attempt(String symbol, int retriesSoFar) {
    return CompletableFuture
        .supplyAsync(() -> {
          try {
            return run.service().resolve(symbol);
          } catch (ServiceUnavailableException e) {
            throw new CompletionException(e);
          }
        }, pool)
        .handle((path, failure) -> {
          if (failure == null) {
            return CompletableFuture.completedFuture(path);
          }
          if (retriesSoFar >= run.settings().maxRetries()) {
            return CompletableFuture.<String>failedFuture(unwrap(failure));
          }
          Duration backoff = run.settings().backoff(retriesSoFar + 1);
          return CompletableFuture
              .runAsync(() -> {}, CompletableFuture.delayedExecutor(backoff.toNanos(), TimeUnit.NANOSECONDS, pool))
              .thenCompose(ignored -> attempt(symbol, retriesSoFar + 1));
        })
        .thenCompose(Function.identity());
  }

  @Override
  protected long shutdown(Duration grace) throws InterruptedException {
    // What a careful user does: wait for the outstanding futures, then stop the pool. Work still
    // queued after the grace period is dropped by shutdownNow and its futures never complete.
    awaitQuiescence(grace);
    pool.shutdownNow();
    pool.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS);
    return 0;
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
