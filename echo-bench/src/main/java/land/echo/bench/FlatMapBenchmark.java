package land.echo.bench;

import cats.effect.IO;
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
import zio.ZIO;

/**
 * Effect overhead, {@code flatMap} chains: build {@code succeed(0).flatMap(x -> succeed(x + 1))}
 * repeated {@code depth} times (left-nested, built anew on every operation) and run it to its
 * value from the benchmark thread. Echo: {@code ActionEffect.succeed} / {@code flatMap} through
 * {@code ApplicationRuntime.run}; ZIO 2: {@code ZIO.succeed} / {@code flatMap} through
 * {@code Runtime.default.unsafe.run}; Cats Effect 3: {@code IO.pure} / {@code flatMap} through
 * {@code unsafeRunSync(IORuntime.global)}. Echo and Cats Effect hand the program to their pools and
 * park the caller until it completes; ZIO's {@code unsafe.run} runs the fiber on the calling thread
 * until its first asynchronous boundary (checked: a {@code ZIO.succeed} body sees the caller's
 * thread), so for short chains ZIO pays no thread hand-off at all and the comparison at depth 20 is
 * mostly one of hand-off cost.
 *
 * <p>Target: Echo at least as fast as ZIO 2 and Cats Effect 3 at depth 20 and 1,000.
 *
 * <p>Run: {@code java -jar echo-bench/target/echo-bench.jar overhead}. Thread-safety: JMH state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FlatMapBenchmark {

  /** Length of the chain. */
  @Param({"20", "1000"})
  public int depth;

  private EchoSide.Runtime echo;

  /** Starts Echo's runtime. */
  @Setup(Level.Trial)
  public void setUp() {
    echo = EchoSide.runtime();
  }

  /** Stops Echo's runtime. */
  @TearDown(Level.Trial)
  public void tearDown() {
    echo.close();
  }

  /**
   * Echo's chain.
   *
   * @return the final value, {@code depth}
   */
  @Benchmark
  public int echo() {
    return check(echo.flatMapChain(depth));
  }

  /**
   * ZIO 2's chain.
   *
   * @return the final value, {@code depth}
   */
  @Benchmark
  public int zio() {
    ZIO<Object, scala.runtime.Nothing$, Integer> chain = ZIO.succeed(() -> 0, ZioSide.TRACE);
    for (int i = 0; i < depth; i++) {
      chain = chain.flatMap(x -> ZIO.succeed(() -> x + 1, ZioSide.TRACE), ZioSide.TRACE);
    }
    return check(ZioSide.run(chain));
  }

  /**
   * Cats Effect 3's chain.
   *
   * @return the final value, {@code depth}
   */
  @Benchmark
  public int ce3() {
    IO<Integer> chain = IO.pure(0);
    for (int i = 0; i < depth; i++) {
      chain = chain.flatMap(x -> IO.pure(x + 1));
    }
    return check(CatsSide.run(chain));
  }

  private int check(int result) {
    if (result != depth) {
      throw new IllegalStateException("chain of depth " + depth + " returned " + result);
    }
    return result;
  }
}
