package land.echo.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Effects;
import land.echo.Environment;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.time.Timer;

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
    return echoExecutor(scheduler::execute, () -> Kinds.shutdown(scheduler));
  }

  /** An executor of kind {@link Kinds#ECHO} that submits with {@code submit} and closes with {@code close}. */
  private static BenchExecutor echoExecutor(BiConsumer<Runnable, Priority> submit, Runnable close) {
    return new BenchExecutor() {
      @Override
      public void execute(Runnable task, Priority priority) {
        submit.accept(task, priority);
      }

      @Override
      public String kind() {
        return Kinds.ECHO;
      }

      @Override
      public void close() {
        close.run();
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

  /**
   * Starts an application runtime on a fresh scheduler with {@link Kinds#workers()} workers behind
   * the executor interface: each task is submitted as {@code runtime.submit(compute(token -> task),
   * priority)}, so the path measured is the one an application's effect takes (effect, handle,
   * scheduler), not the bare scheduler of {@link #executor(int)}.
   *
   * @return the executor; closing it shuts the runtime (and its scheduler) down
   */
  static BenchExecutor runtimeExecutor() {
    Runtime runtime = runtime();
    return echoExecutor(runtime::submitCompute, runtime::close);
  }

  /**
   * As {@link #runtimeExecutor()}, but each task is submitted with a time budget, {@code
   * runtime.submitWithTimeout(compute(token -> task), budget, priority)}, as the demo submits its
   * interactive queries: the path includes arming the budget's timer entry.
   *
   * @param budget the time budget of each submission
   * @return the executor; closing it shuts the runtime (and its scheduler and timer) down
   */
  static BenchExecutor runtimeExecutorWithTimeout(java.time.Duration budget) {
    Runtime runtime = runtime();
    return echoExecutor((task, priority) -> runtime.submitComputeWithTimeout(task, budget, priority), runtime::close);
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

    /**
     * {@code submit(compute(token -> { task.run(); return null; }), priority)}: submits a CPU-bound
     * effect and returns at once, without waiting for its outcome.
     */
    void submitCompute(Runnable task, Priority priority) {
      runtime.submit(EFFECTS.compute(token -> {
        task.run();
        return null;
      }), priority);
    }

    /** As {@link #submitCompute}, under {@code submitWithTimeout(effect, budget, priority)}. */
    void submitComputeWithTimeout(Runnable task, java.time.Duration budget, Priority priority) {
      runtime.submitWithTimeout(EFFECTS.compute(token -> {
        task.run();
        return null;
      }), budget, priority);
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

  /**
   * Starts an application runtime on a fresh scheduler with {@code workers} workers and the
   * JVM-wide system timer (the default), for submissions whose deadlines expire.
   *
   * @param workers the worker count
   * @return the runtime
   */
  static Deadlines deadlines(int workers) {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(workers).build());
    return new Deadlines(ApplicationRuntime.create(Environment.empty(), scheduler));
  }

  /**
   * Schedules a plain action on the JVM-wide timer ({@code Timer.system()}) at the absolute
   * {@link System#nanoTime()} {@code dueNanos}; the action, run on the timer's own thread, reports
   * {@code System.nanoTime()} to {@code fired}. It shows how late the timer thread itself is,
   * before any runtime hands the expiry on.
   *
   * @param dueNanos the absolute due time
   * @param fired receives the time the timer thread ran the action
   */
  static void onSystemTimer(long dueNanos, LongConsumer fired) {
    long delay = dueNanos - System.nanoTime();
    if (delay <= 0) {
      throw new IllegalStateException("the due time passed " + -delay + " ns before scheduling");
    }
    Timer.system().schedule(Duration.ofNanos(delay), () -> fired.accept(System.nanoTime()));
  }

  /** An application runtime whose effects never complete by themselves: their deadlines end them. */
  static final class Deadlines implements AutoCloseable {
    private final ApplicationRuntime runtime;

    private Deadlines(ApplicationRuntime runtime) {
      this.runtime = runtime;
    }

    /**
     * {@code submitWithTimeout(async(token -> new CompletableFuture<>()), dueNanos - now, NORMAL)}:
     * an asynchronous effect that holds no thread and never completes, so its deadline, at the
     * absolute {@link System#nanoTime()} {@code dueNanos}, ends it. If {@code cancelAction} is not
     * null the body registers it with {@code token.onCancel}. When the handle completes, a dependent
     * of the handle ({@code handle.outcome().whenComplete}) reports {@code System.nanoTime()} to
     * {@code completed}, or {@code -1} if the outcome is not {@code Fault(TimedOut)}.
     *
     * @param dueNanos the absolute deadline, in {@link System#nanoTime()} nanoseconds
     * @param cancelAction an action for the token, or null
     * @param completed receives the time the handle completed
     * @return an upper bound, in nanoseconds, on how much later than {@code dueNanos} the timer
     *     entry is actually due (the timer adds the timeout to its own, later, reading of the clock)
     * @throws IllegalStateException if {@code dueNanos} has already passed
     */
    long submitDueAt(long dueNanos, Runnable cancelAction, LongConsumer completed) {
      ActionEffect<Void, Integer> neverCompleting = ActionEffect.async(token -> {
        if (cancelAction != null) {
          token.onCancel(cancelAction);
        }
        return new CompletableFuture<Integer>();
      });
      long now = System.nanoTime();
      long timeout = dueNanos - now;
      if (timeout <= 0) {
        throw new IllegalStateException("the deadline passed " + -timeout + " ns before the submission");
      }
      EffectHandle<Void, Integer> handle =
          runtime.submitWithTimeout(neverCompleting, Duration.ofNanos(timeout), Priority.NORMAL);
      handle.outcome().whenComplete((outcome, failure) -> {
        long at = System.nanoTime();
        boolean timedOut = outcome instanceof Outcome.Faulted<?, ?> f && f.fault() instanceof Fault.TimedOut;
        completed.accept(timedOut ? at : -1);
      });
      return System.nanoTime() - now;
    }

    @Override
    public void close() {
      runtime.close();
    }
  }
}
