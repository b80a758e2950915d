package land.echo.bench;

import cats.effect.unsafe.IORuntime;
import cats.effect.unsafe.WorkStealingThreadPool;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import land.echo.Priority;
import scala.Function0;
import scala.Tuple3;
import scala.runtime.BoxedUnit;

/**
 * The executors every scheduler benchmark compares: Echo and its anchors, created by JMH parameter
 * name. Not instantiable; the created executors are thread-safe.
 *
 * <p>Every pool gets {@link #workers()} threads (the virtual-thread executor uses the JDK's default
 * carrier pool, which has the same size by default; ZIO's default executor is a shared global
 * pool sized by ZIO itself), so no anchor wins by having more threads.
 */
public final class Kinds {

  /** Echo's priority-aware work-stealing scheduler. */
  public static final String ECHO = "echo";
  /** {@link ForkJoinPool} with {@code asyncMode = true} (FIFO local queues). */
  public static final String FJP_ASYNC = "fjpAsync";
  /** {@link ForkJoinPool} with {@code asyncMode = false} (LIFO local queues). */
  public static final String FJP_SYNC = "fjpSync";
  /** Fixed-size {@link ThreadPoolExecutor} on a {@link LinkedBlockingQueue}. */
  public static final String TPE_FIXED = "tpeFixed";
  /** Fixed-size {@link ThreadPoolExecutor} on a {@link PriorityBlockingQueue}: priorities, no stealing. */
  public static final String TPE_PRIORITY = "tpePriority";
  /** {@code Executors.newVirtualThreadPerTaskExecutor()}. */
  public static final String VIRTUAL = "virtual";
  /** A dedicated Cats Effect 3 {@link WorkStealingThreadPool} used as a plain executor. */
  public static final String CE_WSTP = "ceWstp";
  /** ZIO 2's default executor ({@code zio.Runtime.defaultExecutor}, a ZScheduler). */
  public static final String ZIO = "zio";

  private Kinds() {}

  /**
   * Returns the worker count every pool gets: Echo's default, {@code max(2, availableProcessors)}.
   *
   * @return the number of worker threads per pool
   */
  public static int workers() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Creates the executor named {@code kind}.
   *
   * @param kind one of the constants of this class
   * @return a new executor (or a handle on a shared one, for ZIO)
   * @throws IllegalArgumentException naming an unknown kind
   */
  public static BenchExecutor create(String kind) {
    int n = workers();
    return switch (kind) {
      case ECHO -> EchoSide.executor(n);
      case FJP_ASYNC -> wrap(kind, new ForkJoinPool(n, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true));
      case FJP_SYNC -> wrap(kind, new ForkJoinPool(n, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, false));
      case TPE_FIXED -> wrap(kind, new ThreadPoolExecutor(n, n, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>()));
      case TPE_PRIORITY -> priorityPool(n);
      case VIRTUAL -> wrap(kind, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
      case CE_WSTP -> catsPool(n);
      case ZIO -> zioExecutor();
      default -> throw new IllegalArgumentException("unknown executor kind '" + kind + "'");
    };
  }

  private static BenchExecutor wrap(String kind, ExecutorService pool) {
    return new BenchExecutor() {
      @Override
      public void execute(Runnable task, Priority priority) {
        pool.execute(task);
      }

      @Override
      public String kind() {
        return kind;
      }

      @Override
      public void close() {
        shutdown(pool);
      }
    };
  }

  private static BenchExecutor priorityPool(int n) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(n, n, 0, TimeUnit.SECONDS, new PriorityBlockingQueue<>());
    pool.prestartAllCoreThreads(); // so every task goes through the queue and is ordered by it
    AtomicLong sequence = new AtomicLong();
    return new BenchExecutor() {
      @Override
      public void execute(Runnable task, Priority priority) {
        pool.execute(new PrioritizedTask(task, priority, sequence.getAndIncrement()));
      }

      @Override
      public String kind() {
        return TPE_PRIORITY;
      }

      @Override
      public void close() {
        shutdown(pool);
      }
    };
  }

  private static BenchExecutor catsPool(int n) {
    // The full overload (the shorter ones are deprecated); Scala's defaults for the rest.
    Tuple3<WorkStealingThreadPool<?>, Object, Function0<BoxedUnit>> created =
        IORuntime.createWorkStealingComputeThreadPool(
            n,
            "ce-bench-compute",
            "ce-bench-blocker",
            scala.concurrent.duration.Duration.apply(60, TimeUnit.SECONDS),
            failure -> {
              failure.printStackTrace();
              return BoxedUnit.UNIT;
            },
            IORuntime.createWorkStealingComputeThreadPool$default$6(),
            IORuntime.createWorkStealingComputeThreadPool$default$7(),
            IORuntime.createWorkStealingComputeThreadPool$default$8(),
            IORuntime.createWorkStealingComputeThreadPool$default$9());
    WorkStealingThreadPool<?> pool = created._1();
    Function0<BoxedUnit> shutdown = created._3();
    return new BenchExecutor() {
      @Override
      public void execute(Runnable task, Priority priority) {
        pool.execute(task);
      }

      @Override
      public String kind() {
        return CE_WSTP;
      }

      @Override
      public void close() {
        shutdown.apply();
      }
    };
  }

  private static BenchExecutor zioExecutor() {
    zio.Executor executor = zio.Runtime.defaultExecutor();
    zio.Unsafe unsafe = ZioSide.UNSAFE;
    return new BenchExecutor() {
      @Override
      public void execute(Runnable task, Priority priority) {
        executor.submitOrThrow(task, unsafe);
      }

      @Override
      public String kind() {
        return ZIO;
      }

      @Override
      public void close() {
        // ZIO's default executor is a global pool owned by ZIO; it is never shut down.
      }
    };
  }

  static void shutdown(ExecutorService pool) {
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        System.err.println("warning: executor did not terminate within 30 s: " + pool);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A task ordered by priority, then by submission order, for the priority-queue anchor. */
  private record PrioritizedTask(Runnable task, Priority priority, long sequence)
      implements Runnable, Comparable<PrioritizedTask> {
    @Override
    public void run() {
      task.run();
    }

    @Override
    public int compareTo(PrioritizedTask other) {
      int byPriority = Integer.compare(priority.ordinal(), other.priority.ordinal());
      return byPriority != 0 ? byPriority : Long.compare(sequence, other.sequence);
    }
  }
}
