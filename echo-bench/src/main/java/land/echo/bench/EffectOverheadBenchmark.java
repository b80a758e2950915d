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
 * Effect overhead, round trip: the caller runs a pure effect and waits for its outcome
 * ({@code runtime.run(ActionEffect.succeed(x))}), against the same round trip through
 * {@code CompletableFuture.supplyAsync(() -> x, ForkJoinPool.commonPool()).join()}. Both hand the
 * work to a pool and park the caller until a worker completes it.
 *
 * <p>Target (issue 8): Echo at most 1.0x CompletableFuture's time. The runner sets the common pool's
 * parallelism to Echo's worker count (on two cores the JDK default would be one).
 *
 * <p>Run: {@code java -jar echo-bench/target/echo-bench.jar overhead}. Thread-safety: JMH state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EffectOverheadBenchmark {

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
