import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.Effects;
import land.echo.Environment;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;

/**
 * A stranger's program against the newest-first local queues, written from the README: deep and
 * wide fork trees, a HIGH probe while a LOW fork tree saturates both workers, a raw task that keeps
 * re-submitting itself over an older one, two long effects on one worker, and requeue's refusals.
 *
 * <p>Run (from the repository root, after {@code ./mvnw -q install -DskipTests}):
 * {@code java -cp echo-core/target/classes:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar docs/measurements/2026-12-02b/Adversary.java}
 */
public class Adversary {
  static final Effects<String> FX = Effects.failingWith(String.class);

  public static void main(String[] args) throws Exception {
    deepAndWideForks();
    highProbeWhileALowTreeRuns();
    selfResubmittingTaskOverAnOlderOne();
    twoLongEffectsOnOneWorker();
    requeueRefusals();
    System.exit(0);
  }

  static ActionEffect<String, Long> binary(int depth, long base) {
    if (depth == 0) {
      return FX.compute(token -> base);
    }
    return FX.suspend(() -> FX.all(List.of(binary(depth - 1, base * 2), binary(depth - 1, base * 2 + 1)))
        .map(values -> values.get(0) + values.get(1)));
  }

  static void deepAndWideForks() {
    for (int workers : new int[] {1, 2}) {
      try (ApplicationRuntime runtime = ApplicationRuntime.create(Environment.empty(),
          EchoScheduler.create(SchedulerConfig.builder().workers(workers).build()))) {
        long start = System.nanoTime();
        Outcome<String, Long> wide = runtime.run(binary(18, 0));
        long wideMs = (System.nanoTime() - start) / 1_000_000;
        long expected = (1L << 18) * ((1L << 18) - 1) / 2;
        ActionEffect<String, Integer> deep = FX.compute(token -> 0);
        for (int i = 0; i < 10_000; i++) {
          deep = FX.all(List.of(deep)).map(list -> list.get(0) + 1);
        }
        Outcome<String, Integer> deepOutcome = runtime.run(deep);
        System.out.printf("forks, %d worker(s): 2^18 leaves summed to %s (expected %d) in %d ms; 10,000 nested all: %s%n",
            workers, wide, expected, wideMs, deepOutcome);
      }
    }
  }

  static void highProbeWhileALowTreeRuns() throws Exception {
    try (ApplicationRuntime runtime = ApplicationRuntime.create(Environment.empty(),
        EchoScheduler.create(SchedulerConfig.builder().workers(2).build()))) {
      var tree = runtime.submit(binary(21, 0), Priority.LOW);
      List<Long> micros = new ArrayList<>();
      while (!tree.isDone()) {
        long start = System.nanoTime();
        runtime.run(FX.compute(token -> 1), Priority.HIGH);
        micros.add((System.nanoTime() - start) / 1_000);
        Thread.sleep(2);
      }
      micros.sort(null);
      System.out.printf("HIGH round trips while a 2^21-leaf LOW tree ran: %d probes, p50 %d us, p99 %d us, max %d us; tree: %s%n",
          micros.size(), micros.get(micros.size() / 2), micros.get(micros.size() * 99 / 100), micros.get(micros.size() - 1),
          tree.join());
    }
  }

  static void selfResubmittingTaskOverAnOlderOne() throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    AtomicLong loopRuns = new AtomicLong();
    AtomicLong loopRunsBeforeOld = new AtomicLong(-1);
    AtomicBoolean oldRan = new AtomicBoolean();
    Runnable loop = new Runnable() {
      @Override
      public void run() {
        loopRuns.incrementAndGet();
        if (!oldRan.get()) {
          scheduler.execute(this);
        }
      }
    };
    scheduler.execute(() -> {
      scheduler.execute(() -> {
        loopRunsBeforeOld.set(loopRuns.get());
        oldRan.set(true);
      });
      scheduler.execute(loop);
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!oldRan.get() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    System.out.printf("a task re-submitting itself on 1 worker over an older one: the older ran=%s after %d runs of the loop%n",
        oldRan.get(), loopRunsBeforeOld.get());
    scheduler.shutdownNow();
  }

  static void twoLongEffectsOnOneWorker() throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    try (ApplicationRuntime runtime = ApplicationRuntime.create(Environment.empty(), scheduler)) {
      List<String> log = new CopyOnWriteArrayList<>();
      CountDownLatch gate = new CountDownLatch(1);
      scheduler.execute(() -> {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      var a = runtime.submit(marking(log, "a", 20_000));
      var b = runtime.submit(marking(log, "b", 20_000));
      gate.countDown();
      a.join();
      b.join();
      int switches = 0;
      for (int i = 1; i < log.size(); i++) {
        if (!log.get(i).equals(log.get(i - 1))) {
          switches++;
        }
      }
      System.out.printf("two effects of 20,000 maps on 1 worker: %d turns between them%n", switches);
    }
  }

  static ActionEffect<String, Integer> marking(List<String> log, String mark, int maps) {
    ActionEffect<String, Integer> effect = FX.succeed(0);
    for (int i = 0; i < maps; i++) {
      effect = effect.map(x -> {
        log.add(mark);
        return x + 1;
      });
    }
    return effect;
  }

  static void requeueRefusals() throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    try {
      scheduler.requeue(null, Priority.LOW);
    } catch (NullPointerException e) {
      System.out.println("requeue(null, LOW): NullPointerException: " + e.getMessage());
    }
    AtomicInteger ran = new AtomicInteger();
    scheduler.requeue(ran::incrementAndGet, Priority.HIGH); // from outside: execute
    scheduler.shutdown();
    try {
      scheduler.requeue(ran::incrementAndGet, Priority.HIGH);
    } catch (RejectedExecutionException e) {
      System.out.println("requeue after shutdown: RejectedExecutionException: " + e.getMessage());
    }
    scheduler.awaitTermination(5, TimeUnit.SECONDS);
    System.out.println("tasks requeued before the shutdown that ran: " + ran.get());
  }
}
