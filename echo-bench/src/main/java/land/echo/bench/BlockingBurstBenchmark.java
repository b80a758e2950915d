package land.echo.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * Blocking burst: {@code tasks} blocking calls of {@code sleepMillis} each (a real
 * {@code Thread.sleep}: this benchmark is about real blocking), all submitted at once, timed until
 * the last completes. Echo runs them as {@code ActionEffect.blocking} effects joined by
 * {@code ActionEffect.all} (on virtual threads, never on workers); the anchors are the
 * virtual-thread-per-task executor and a fixed pool of 200 platform threads (10,000 x 10 ms / 200
 * = 500 ms at best).
 *
 * <p>Target (issue 8): Echo at most 1.2x the virtual threads' time, with a spread no wider than
 * theirs (the range, max - min, of the single-shot times of all measured iterations).
 *
 * <p>Run: {@code java -jar echo-bench/target/echo-bench.jar blocking}. Thread-safety: JMH state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 20)
@Measurement(iterations = 10)
@Fork(1)
public class BlockingBurstBenchmark {

  /** The variant under test: {@code echo}, {@code virtual}, {@code pool200}. */
  @Param({"echo", "virtual", "pool200"})
  public String kind;

  /** Number of blocking calls. */
  @Param("10000")
  public int tasks;

  /** Duration of each blocking call, in milliseconds. */
  @Param("10")
  public int sleepMillis;

  private EchoSide.Runtime echo;
  private ExecutorService pool;

  /** Creates the runtime or pool under test. */
  @Setup(Level.Trial)
  public void setUp() {
    switch (kind) {
      case "echo" -> echo = EchoSide.runtime();
      case "virtual" -> pool = Executors.newVirtualThreadPerTaskExecutor();
      case "pool200" -> pool = Executors.newFixedThreadPool(200);
      default -> throw new IllegalArgumentException("unknown blocking variant '" + kind + "'");
    }
  }

  /** Shuts it down. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (echo != null) {
      echo.close();
    }
    if (pool != null) {
      Kinds.shutdown(pool);
    }
  }

  /**
   * Runs the burst.
   *
   * @return the number of completed calls
   * @throws InterruptedException if interrupted while waiting
   */
  @Benchmark
  public int blockingBurst() throws InterruptedException {
    if (echo != null) {
      int completed = echo.blockingBurst(tasks, sleepMillis);
      if (completed != tasks) {
        throw new IllegalStateException("echo completed " + completed + " of " + tasks + " blocking effects");
      }
      return completed;
    }
    CountDownLatch done = new CountDownLatch(tasks);
    for (int i = 0; i < tasks; i++) {
      pool.execute(() -> {
        try {
          Thread.sleep(sleepMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        done.countDown();
      });
    }
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException(kind + ": " + done.getCount() + " blocking calls unfinished");
    }
    return tasks;
  }
}
