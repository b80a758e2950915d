package land.echo.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Allocation: bytes allocated (on all threads) per effect submitted and completed, read from JMH's
 * GC profiler ({@code gc.alloc.rate.norm}). Echo runs a compute effect through
 * {@code runtime.run(ActionEffect.compute(token -> x))} and, for reference, a pure one
 * ({@code succeed}); the anchor is {@code CompletableFuture.supplyAsync(() -> x, commonPool()).join()}.
 *
 * <p>Target (issue 8): Echo's compute effect at most 1.2x CompletableFuture's bytes.
 *
 * <p>Run: {@code java -jar echo-bench/target/echo-bench.jar allocation} (JMH directly needs
 * {@code -prof gc}). Thread-safety: JMH state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AllocationBenchmark {

  private EchoSide.Runtime echo;
  private Integer value;

  /** Starts Echo's runtime. */
  @Setup(Level.Trial)
  public void setUp() {
    echo = EchoSide.runtime();
    value = 42;
  }

  /** Stops Echo's runtime. */
  @TearDown(Level.Trial)
  public void tearDown() {
    echo.close();
  }

  /**
   * Echo: {@code runtime.run(ActionEffect.compute(token -> value))}.
   *
   * @return the effect's value
   */
  @Benchmark
  public Integer echoRunCompute() {
    return echo.runCompute(value);
  }

  /**
   * Echo: {@code runtime.run(ActionEffect.succeed(value))}.
   *
   * @return the effect's value
   */
  @Benchmark
  public Integer echoRunPure() {
    return echo.runPure(value);
  }

  /**
   * Anchor: {@code CompletableFuture.supplyAsync(() -> value, commonPool()).join()}.
   *
   * @return the future's value
   */
  @Benchmark
  public Integer cfSupplyAsyncJoin() {
    Integer v = value;
    return CompletableFuture.supplyAsync(() -> v, ForkJoinPool.commonPool()).join();
  }
}
