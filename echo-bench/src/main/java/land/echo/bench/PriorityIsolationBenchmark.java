package land.echo.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * Priority isolation: all workers are saturated by a backlog of {@code lowTasks} LOW tasks of
 * {@code lowMicros} of busy work each (100,000 x 50 us = 2.5 s of work on two workers); then
 * {@code highTasks} HIGH tasks are submitted from outside, one every {@code highSpacingMicros},
 * and each records its submit-to-start latency. The percentiles (p50, p99, p99.9, max, in
 * microseconds) are published through {@link LatencyBoard} and reported by {@link LatencyProfiler}
 * as secondary results {@code latency.high.*}; the primary score (time per operation) is only the
 * length of the experiment.
 *
 * <p>Once every HIGH task has started, the remaining LOW tasks are told to skip their busy work so
 * the next iteration starts from an empty pool; this never lets a HIGH task start earlier.
 *
 * <p>Compares Echo against every executor anchor: ForkJoinPool (asyncMode true and false), a fixed
 * ThreadPoolExecutor, a ThreadPoolExecutor on a PriorityBlockingQueue (which has priorities and is
 * expected to do well), virtual threads, Cats Effect 3's work-stealing pool and ZIO 2's default
 * executor. Target: Echo's HIGH p99 at most 1 ms, and every anchor without priorities at least
 * 100x worse.
 *
 * <p>Run: {@code java -jar echo-bench/target/echo-bench.jar priority} (JMH directly needs
 * {@code -prof land.echo.bench.LatencyProfiler} to see the percentiles). Thread-safety: JMH state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(1)
public class PriorityIsolationBenchmark {

  /** The executor under test; see {@link Kinds}. */
  @Param({
    Kinds.ECHO, Kinds.FJP_ASYNC, Kinds.FJP_SYNC, Kinds.TPE_FIXED, Kinds.TPE_PRIORITY,
    Kinds.VIRTUAL, Kinds.CE_WSTP, Kinds.ZIO
  })
  public String kind;

  /** Number of LOW tasks in the backlog. */
  @Param("100000")
  public int lowTasks;

  /** Busy work of each LOW task, in microseconds. */
  @Param("50")
  public int lowMicros;

  /** Number of HIGH tasks (latency samples). */
  @Param("1000")
  public int highTasks;

  /** Interval between HIGH submissions, in microseconds. */
  @Param("1000")
  public int highSpacingMicros;

  private BenchExecutor executor;

  /** Creates the executor under test. */
  @Setup(Level.Trial)
  public void setUp() {
    executor = Kinds.create(kind);
  }

  /** Shuts the executor down. */
  @TearDown(Level.Trial)
  public void tearDown() {
    executor.close();
  }

  /**
   * Fills the backlog, samples HIGH latency, then drains.
   *
   * @return the number of HIGH samples
   * @throws InterruptedException if interrupted while waiting
   */
  @Benchmark
  public long priorityIsolation() throws InterruptedException {
    AtomicBoolean skipLow = new AtomicBoolean();
    CountDownLatch lowDone = new CountDownLatch(lowTasks);
    long lowNanos = TimeUnit.MICROSECONDS.toNanos(lowMicros);
    Runnable low = () -> {
      if (!skipLow.get()) {
        Spin.busy(lowNanos);
      }
      lowDone.countDown();
    };
    for (int i = 0; i < lowTasks; i++) {
      executor.execute(low, Priority.LOW);
    }

    long[] latencies = new long[highTasks];
    CountDownLatch highDone = new CountDownLatch(highTasks);
    long spacing = TimeUnit.MICROSECONDS.toNanos(highSpacingMicros);
    long next = System.nanoTime();
    for (int i = 0; i < highTasks; i++) {
      next += spacing;
      for (long wait = next - System.nanoTime(); wait > 0; wait = next - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      int sample = i;
      long submitted = System.nanoTime();
      executor.execute(() -> {
        latencies[sample] = System.nanoTime() - submitted;
        highDone.countDown();
      }, Priority.HIGH);
    }
    if (!highDone.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException(kind + ": " + highDone.getCount() + " HIGH tasks never started");
    }
    skipLow.set(true);
    if (!lowDone.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException(kind + ": " + lowDone.getCount() + " LOW tasks never ran");
    }

    Histogram histogram = new Histogram(3);
    for (long latency : latencies) {
      histogram.recordValue(Math.max(0, latency));
    }
    LatencyBoard.publishPercentiles("high", histogram);
    return histogram.getTotalCount();
  }
}
