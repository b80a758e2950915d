package land.echo.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * Scheduling throughput: {@code chains} independent task chains, each of which re-submits itself
 * {@code resubmits} times from inside the pool, then counts down a latch. This is the shape of Cats
 * Effect's {@code WorkStealingBenchmark.runnableScheduling}: nearly all work is submitted from
 * worker threads, so it measures local-queue push/pop, stealing and parking.
 *
 * <p>Compares Echo's scheduler against ForkJoinPool (asyncMode true and false), a fixed
 * ThreadPoolExecutor, a ThreadPoolExecutor on a PriorityBlockingQueue, the virtual-thread-per-task
 * executor, Cats Effect 3's work-stealing pool and ZIO 2's default executor, all with the same
 * number of threads. Target: Echo at least 1.0x ForkJoinPool(asyncMode = true).
 *
 * <p>Run: {@code java -jar echo-bench/target/echo-bench.jar scheduling} (or through JMH directly:
 * {@code java -cp echo-bench/target/echo-bench.jar org.openjdk.jmh.Main SchedulingBenchmark}).
 * Thread-safety: JMH state; one benchmark thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class SchedulingBenchmark {

  /** The executor under test; see {@link Kinds}. */
  @Param({
    Kinds.ECHO, Kinds.FJP_ASYNC, Kinds.FJP_SYNC, Kinds.TPE_FIXED, Kinds.TPE_PRIORITY,
    Kinds.VIRTUAL, Kinds.CE_WSTP, Kinds.ZIO
  })
  public String kind;

  /** Number of independent chains. */
  @Param("10000")
  public int chains;

  /** Number of executions of each chain. */
  @Param("1000")
  public int resubmits;

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
   * Runs all chains to completion.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  @Benchmark
  public void scheduling() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(chains);
    for (int i = 0; i < chains; i++) {
      executor.execute(new Chain(executor, resubmits, done));
    }
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException(kind + ": " + done.getCount() + " chains unfinished after 10 minutes");
    }
  }

  /** A task that re-submits itself until its budget is spent; confined to one task at a time. */
  private static final class Chain implements Runnable {
    private final BenchExecutor executor;
    private final CountDownLatch done;
    private int remaining; // handed between threads by the executor's happens-before edge

    Chain(BenchExecutor executor, int runs, CountDownLatch done) {
      this.executor = executor;
      this.remaining = runs;
      this.done = done;
    }

    @Override
    public void run() {
      if (--remaining > 0) {
        executor.execute(this);
      } else {
        done.countDown();
      }
    }
  }
}
