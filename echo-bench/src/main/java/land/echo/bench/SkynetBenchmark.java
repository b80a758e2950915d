package land.echo.bench;

import cats.effect.IO;
import cats.effect.kernel.Fiber;
import cats.effect.kernel.GenSpawn;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import scala.reflect.ClassTag$;
import zio.ZIO;

/**
 * Skynet (atemerev/skynet): a 10-ary tree of {@code leaves} leaf tasks, each returning its
 * ordinal; every inner node forks its ten children in parallel and sums them. For one million
 * leaves the answer is 499999500000, asserted on every run. Every node is one scheduled unit in
 * every variant: an effect run through {@code ActionEffect.all} (Echo), a {@code supplyAsync} task
 * (CompletableFuture on the FJP common pool), a virtual thread, a fiber started with {@code start}
 * and joined (Cats Effect 3), a fiber forked by {@code collectAllPar} (ZIO 2).
 *
 * <p>Target: Echo at least 1.0x CompletableFuture and at least Cats Effect 3.
 *
 * <p>Run: {@code java -jar echo-bench/target/echo-bench.jar skynet}. The runner sets
 * {@code java.util.concurrent.ForkJoinPool.common.parallelism} to Echo's worker count, so that the
 * common pool has as many threads as Echo. Thread-safety: JMH state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = 5)
@Fork(1)
public class SkynetBenchmark {

  /** The variant under test: {@code echo}, {@code cf}, {@code virtual}, {@code ce3}, {@code zio}. */
  @Param({"echo", "cf", "virtual", "ce3", "zio"})
  public String kind;

  /** Number of leaves; a power of ten. */
  @Param("1000000")
  public int leaves;

  private EchoSide.Runtime echo;

  /** Starts Echo's runtime when it is the variant under test. */
  @Setup(Level.Trial)
  public void setUp() {
    if (!isPowerOfTen(leaves)) {
      throw new IllegalArgumentException("leaves must be a power of ten, was " + leaves);
    }
    if (kind.equals("echo")) {
      echo = EchoSide.runtime();
    }
  }

  /** Stops Echo's runtime. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (echo != null) {
      echo.close();
    }
  }

  /**
   * Builds and sums the tree.
   *
   * @return the sum of all leaves
   * @throws Exception if a variant fails
   */
  @Benchmark
  public long skynet() throws Exception {
    long sum = switch (kind) {
      case "echo" -> echo.skynet(0, leaves);
      case "cf" -> cf(0, leaves).join();
      case "virtual" -> virtual(0, leaves);
      case "ce3" -> CatsSide.run(ce(0, leaves));
      case "zio" -> ZioSide.run(zio(0, leaves));
      default -> throw new IllegalArgumentException("unknown skynet variant '" + kind + "'");
    };
    long expected = (long) leaves * (leaves - 1) / 2;
    if (sum != expected) {
      throw new IllegalStateException(kind + ": skynet summed to " + sum + ", expected " + expected);
    }
    return sum;
  }

  private static boolean isPowerOfTen(int n) {
    while (n > 1 && n % 10 == 0) {
      n /= 10;
    }
    return n == 1;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static CompletableFuture<Long> cf(long num, int size) {
    ForkJoinPool pool = ForkJoinPool.commonPool();
    if (size == 1) {
      return CompletableFuture.supplyAsync(() -> num, pool);
    }
    int child = size / 10;
    return CompletableFuture.supplyAsync(
            () -> {
              CompletableFuture<Long>[] children = new CompletableFuture[10];
              for (int i = 0; i < 10; i++) {
                children[i] = cf(num + (long) i * child, child);
              }
              return children;
            },
            pool)
        .thenCompose(children -> CompletableFuture.allOf(children).thenApply(ignored -> {
          long sum = 0;
          for (CompletableFuture<Long> c : children) {
            sum += c.join();
          }
          return sum;
        }));
  }

  private static long virtual(long num, int size) throws InterruptedException {
    long[] result = new long[1];
    Thread root = Thread.startVirtualThread(() -> result[0] = virtualNode(num, size));
    root.join();
    return result[0];
  }

  private static long virtualNode(long num, int size) {
    if (size == 1) {
      return num;
    }
    int child = size / 10;
    long[] sums = new long[10];
    Thread[] threads = new Thread[10];
    for (int i = 0; i < 10; i++) {
      int index = i;
      threads[i] = Thread.startVirtualThread(() -> sums[index] = virtualNode(num + (long) index * child, child));
    }
    long sum = 0;
    for (int i = 0; i < 10; i++) {
      try {
        threads[i].join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while joining a skynet child", e);
      }
      sum += sums[i];
    }
    return sum;
  }

  /**
   * Cats Effect 3: every child is started as a fiber ({@code start}) and then joined
   * ({@code joinWithNever}), one fiber per child as in the other variants. (An earlier version used
   * {@code parTraverse}, which combines the children pairwise with {@code both} and so starts about
   * two fibers per child; it measured 50 s per tree on the benchmark machine.)
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static IO<Long> ce(long num, int size) {
    if (size == 1) {
      return IO.delay(() -> num);
    }
    int child = size / 10;
    return IO.defer(() -> {
      IO<List<Fiber<IO, Throwable, Long>>> started = IO.pure(new ArrayList<>(10));
      for (int i = 0; i < 10; i++) {
        IO<Long> node = ce(num + (long) i * child, child);
        started = started.flatMap(fibers -> node.start().map(fiber -> {
          fibers.add((Fiber) fiber);
          return fibers;
        }));
      }
      return started.flatMap(fibers -> {
        IO<Long> sum = IO.pure(0L);
        for (Fiber<IO, Throwable, Long> fiber : fibers) {
          IO<Long> joined = (IO<Long>) fiber.joinWithNever((GenSpawn) IO.asyncForIO());
          sum = sum.flatMap(acc -> joined.map(v -> acc + v));
        }
        return sum;
      });
    });
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ZIO<Object, Object, Long> zio(long num, int size) {
    if (size == 1) {
      return (ZIO) ZIO.succeed(() -> num, ZioSide.TRACE);
    }
    int child = size / 10;
    return (ZIO) ZIO.suspendSucceed(() -> {
      ZIO[] children = new ZIO[10];
      for (int i = 0; i < 10; i++) {
        children[i] = zio(num + (long) i * child, child);
      }
      ZIO<Object, Object, Object> all = ZIO.collectAllPar(children, ClassTag$.MODULE$.Any(), ZioSide.TRACE);
      return all.map(array -> {
        long sum = 0;
        for (Object value : (Object[]) array) {
          sum += (Long) value;
        }
        return sum;
      }, ZioSide.TRACE);
    }, ZioSide.TRACE);
  }
}
