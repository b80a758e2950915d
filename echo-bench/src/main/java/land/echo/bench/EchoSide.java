package land.echo.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.Effects;
import land.echo.Environment;
import land.echo.Priority;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;

/**
 * Every use of Echo's API in the benchmarks, in one place, so that the Echo side of each benchmark
 * reads like user code and can be reviewed against the anchors next to it. Not instantiable; the
 * returned objects are thread-safe.
 */
final class EchoSide {

  private EchoSide() {}

  /**
   * Creates an Echo scheduler with {@code workers} workers behind the executor interface.
   *
   * @param workers the worker count
   * @return the executor; closing it shuts the scheduler down
   */
  static BenchExecutor executor(int workers) {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(workers).build());
    return new BenchExecutor() {
      @Override
      public void execute(Runnable task, Priority priority) {
        scheduler.execute(task, priority);
      }

      @Override
      public String kind() {
        return Kinds.ECHO;
      }

      @Override
      public void close() {
        Kinds.shutdown(scheduler);
      }
    };
  }

  /**
   * Returns the scheduler's default fairness interval K (every K-th pick prefers lower-priority
   * work), on which the documented starvation bound depends.
   *
   * @return K of {@code SchedulerConfig.defaults()}
   */
  static int starvationInterval() {
    return SchedulerConfig.defaults().starvationInterval();
  }

  /**
   * Starts an application runtime on a fresh scheduler with {@link Kinds#workers()} workers.
   *
   * @return the runtime
   */
  static Runtime runtime() {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(Kinds.workers()).build());
    return new Runtime(ApplicationRuntime.create(Environment.empty(), scheduler));
  }

  /** An Echo application runtime and the effect programs the benchmarks run on it. */
  static final class Runtime implements AutoCloseable {
    /** Constructors for effects that never fail with a domain error. */
    private static final Effects<Void> EFFECTS = Effects.failingWith(Void.class);
    private final ApplicationRuntime runtime;

    private Runtime(ApplicationRuntime runtime) {
      this.runtime = runtime;
    }

    /** {@code run(succeed(value))}: the round trip of a pure effect. */
    <T> T runPure(T value) {
      return runtime.run(EFFECTS.succeed(value)).getOrThrow();
    }

    /** {@code run(compute(token -> value))}: the round trip of a CPU-bound effect. */
    <T> T runCompute(T value) {
      return runtime.run(EFFECTS.compute(token -> value)).getOrThrow();
    }

    /** Runs {@code succeed(0).flatMap(x -> succeed(x + 1))} repeated {@code depth} times. */
    int flatMapChain(int depth) {
      ActionEffect<Void, Integer> chain = ActionEffect.succeed(0);
      for (int i = 0; i < depth; i++) {
        chain = chain.flatMap(x -> EFFECTS.succeed(x + 1));
      }
      return runtime.run(chain).getOrThrow();
    }

    /** Sums the skynet tree of {@code size} leaves whose first leaf is {@code num}. */
    long skynet(long num, int size) {
      return runtime.run(skynetNode(num, size)).getOrThrow();
    }

    private static ActionEffect<Void, Long> skynetNode(long num, int size) {
      if (size == 1) {
        return ActionEffect.compute(token -> num);
      }
      int child = size / 10;
      return ActionEffect.suspend(() -> {
        List<ActionEffect<Void, Long>> children = new ArrayList<>(10);
        for (int i = 0; i < 10; i++) {
          children.add(skynetNode(num + (long) i * child, child));
        }
        return EFFECTS.all(children).map(values -> {
          long sum = 0;
          for (long v : values) {
            sum += v;
          }
          return sum;
        });
      });
    }

    /** Runs {@code tasks} blocking effects of {@code sleepMillis} each through {@code all}. */
    int blockingBurst(int tasks, int sleepMillis) {
      List<ActionEffect<Void, Integer>> calls = new ArrayList<>(tasks);
      for (int i = 0; i < tasks; i++) {
        calls.add(ActionEffect.blocking(token -> {
          TimeUnit.MILLISECONDS.sleep(sleepMillis);
          return 1;
        }));
      }
      return runtime.run(EFFECTS.all(calls)).getOrThrow().size();
    }

    @Override
    public void close() {
      runtime.close();
    }
  }
}
