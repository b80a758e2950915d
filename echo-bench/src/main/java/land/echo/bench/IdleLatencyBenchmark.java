package land.echo.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import land.echo.Priority;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Idle latency: the submit-to-start latency of one tiny task submitted to an otherwise idle pool,
 * whose workers have parked because nothing was submitted for a while. This is what the demo's
 * interactive queries meet once indexing has finished ({@code echoctl demo --compare}, "p50 / p99
 * after indexing"), without the rest of the demo around it.
 *
 * <p>Each iteration takes {@code samples} samples, one at a time, from the benchmark thread (never
 * a worker of the pool under test): first a pause of {@code pauseMicros} in which nothing is
 * submitted, so every worker runs out of work and parks; then {@code System.nanoTime()} just
 * before the submission, and again as the first thing the task's body does; the difference is one
 * sample. The thread then waits until the body has run before the next pause starts, so the pause
 * and the benchmark thread's own wake-up are never part of a sample. The percentiles (p50, p99,
 * p99.9, max, in microseconds) are published through {@link LatencyBoard} and reported by {@link
 * LatencyProfiler} as secondary results {@code latency.idle.*}; the primary score (time per
 * operation) is only the length of the experiment.
 *
 * <p>Compares Echo, as an application uses it (an {@code ApplicationRuntime} on its own scheduler,
 * the task the body of a {@code compute} effect submitted at HIGH priority like the demo's
 * queries, see {@link EchoSide#runtimeExecutor()}), against ForkJoinPool with {@code asyncMode},
 * Cats Effect 3's work-stealing pool and virtual threads ({@link Kinds}; each pool with {@link
 * Kinds#workers()} threads, the anchors ignore the priority). Target (issue 8): Echo's p50 and p99
 * each at most 1.0x ForkJoinPool's. The pair {@link #ECHO_TIMEOUT} and {@link #FJP_TIMEOUT} adds a
 * 250 ms budget to each submission on both sides, as the demo does; it has no target of its own.
 *
 * <p>Run: {@code ./echoctl bench idle} (or {@code ./echoctl bench --quick idle}); JMH directly
 * needs {@code -prof land.echo.bench.LatencyProfiler} to see the percentiles. Thread-safety: JMH
 * state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class IdleLatencyBenchmark {

  /**
   * The variant of Echo that runs the bare {@code EchoScheduler}: the task itself submitted with
   * {@code execute(task, HIGH)}, without the effect, handle and fiber of {@link Kinds#ECHO}. It
   * tells the scheduler's share of Echo's latency from the runtime's.
   */
  public static final String BARE_SCHEDULER = "echoScheduler";

  /**
   * The application runtime with a time budget on each submission ({@code submitWithTimeout}, as
   * the demo submits its queries), so that arming the budget's timer entry is on the measured path.
   */
  public static final String ECHO_TIMEOUT = "echoTimeout";

  /**
   * ForkJoinPool (asyncMode) with the same budget the way users write it: {@code
   * CompletableFuture.runAsync(task, pool).orTimeout(budget)}, the demo's ForkJoinPool side. Its
   * timer is the JDK's shared {@code CompletableFuture} delayer thread.
   */
  public static final String FJP_TIMEOUT = "fjpTimeout";

  /** The budget of {@link #ECHO_TIMEOUT} and {@link #FJP_TIMEOUT}: the demo's query budget. */
  static final Duration BUDGET = Duration.ofMillis(250);

  /**
   * The executor under test; see {@link Kinds} ({@code echo} is the application runtime here,
   * {@link #BARE_SCHEDULER} the bare scheduler, {@link #ECHO_TIMEOUT} and {@link #FJP_TIMEOUT} the
   * runtime and ForkJoinPool with a time budget on each submission).
   */
  @Param({Kinds.ECHO, BARE_SCHEDULER, Kinds.FJP_ASYNC, Kinds.CE_WSTP, Kinds.VIRTUAL, ECHO_TIMEOUT, FJP_TIMEOUT})
  public String kind;

  /** Number of latency samples per iteration. */
  @Param("1000")
  public int samples;

  /** Pause before each submission, in microseconds, in which the pool has nothing to do. */
  @Param("1500")
  public int pauseMicros;

  private BenchExecutor executor;

  /**
   * Creates the executor under test.
   *
   * @throws IllegalArgumentException if {@code samples} is not positive, {@code pauseMicros} is
   *     negative or {@code kind} is unknown
   */
  @Setup(Level.Trial)
  public void setUp() {
    if (samples < 1) {
      throw new IllegalArgumentException("samples must be at least 1, was " + samples);
    }
    if (pauseMicros < 0) {
      throw new IllegalArgumentException("pauseMicros must not be negative, was " + pauseMicros);
    }
    executor = switch (kind) {
      case Kinds.ECHO -> EchoSide.runtimeExecutor();
      case BARE_SCHEDULER -> Kinds.create(Kinds.ECHO);
      case ECHO_TIMEOUT -> EchoSide.runtimeExecutorWithTimeout(BUDGET);
      case FJP_TIMEOUT -> forkJoinWithTimeout();
      default -> Kinds.create(kind);
    };
  }

  /** ForkJoinPool asyncMode behind {@code runAsync(task, pool).orTimeout(BUDGET)}. */
  private static BenchExecutor forkJoinWithTimeout() {
    ForkJoinPool pool = new ForkJoinPool(Kinds.workers(), ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
    return new BenchExecutor() {
      @Override
      public void execute(Runnable task, Priority priority) {
        CompletableFuture.runAsync(task, pool).orTimeout(BUDGET.toNanos(), TimeUnit.NANOSECONDS);
      }

      @Override
      public String kind() {
        return FJP_TIMEOUT;
      }

      @Override
      public void close() {
        Kinds.shutdown(pool);
      }
    };
  }

  /** Shuts the executor down. */
  @TearDown(Level.Trial)
  public void tearDown() {
    executor.close();
  }

  /**
   * Takes the samples: pause, submit one task, wait until it has run.
   *
   * @return the number of samples
   * @throws InterruptedException if interrupted while waiting
   */
  @Benchmark
  public long idleLatency() throws InterruptedException {
    long[] latencies = new long[samples];
    long pause = TimeUnit.MICROSECONDS.toNanos(pauseMicros);
    for (int i = 0; i < samples; i++) {
      long idleUntil = System.nanoTime() + pause;
      for (long wait = pause; wait > 0; wait = idleUntil - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      int sample = i;
      CountDownLatch started = new CountDownLatch(1);
      long submitted = System.nanoTime();
      executor.execute(() -> {
        latencies[sample] = System.nanoTime() - submitted;
        started.countDown();
      }, Priority.HIGH);
      if (!started.await(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException(kind + ": sample " + i + " never started");
      }
    }

    Histogram histogram = new Histogram(3);
    for (long latency : latencies) {
      histogram.recordValue(Math.max(0, latency));
    }
    LatencyBoard.publishPercentiles("idle", histogram);
    return histogram.getTotalCount();
  }
}
