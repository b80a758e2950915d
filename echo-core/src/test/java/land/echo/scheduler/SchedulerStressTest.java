package land.echo.scheduler;

import static land.echo.testing.TestThreads.failIfAny;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import land.echo.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every accepted task runs exactly once, with submissions from outside and inside the workers. */
class SchedulerStressTest {
  private static final int SUBMITTERS = 4;
  private static final int ROOTS_PER_SUBMITTER = 25_000;
  private static final int CHILDREN_PER_ROOT = 19; // 4 * 25,000 * (1 + 19) = 2,000,000 tasks
  private static final int TOTAL = SUBMITTERS * ROOTS_PER_SUBMITTER * (1 + CHILDREN_PER_ROOT);

  @Test
  @Timeout(60)
  void twoMillionTasksFromInsideAndOutsideAllRunExactlyOnce() throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(4).build());
    AtomicIntegerArray runs = new AtomicIntegerArray(TOTAL);
    LongAdder done = new LongAdder();
    LongAdder rejected = new LongAdder();
    // Anything thrown on a submitter thread or inside a root's body would otherwise be lost.
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    Priority[] levels = Priority.values();
    List<Thread> submitters = new ArrayList<>();
    for (int s = 0; s < SUBMITTERS; s++) {
      int submitter = s;
      submitters.add(Thread.ofPlatform().name("submitter-" + s).start(() -> {
        try {
          SplittableRandom random = new SplittableRandom(submitter);
          for (int r = 0; r < ROOTS_PER_SUBMITTER; r++) {
            int rootId = (submitter * ROOTS_PER_SUBMITTER + r) * (1 + CHILDREN_PER_ROOT);
            Priority rootPriority = levels[random.nextInt(levels.length)];
            long childSeed = random.nextLong();
            submit(scheduler, rejected, () -> {
              try {
                runs.incrementAndGet(rootId);
                done.increment();
                SplittableRandom childRandom = new SplittableRandom(childSeed);
                for (int c = 1; c <= CHILDREN_PER_ROOT; c++) {
                  int childId = rootId + c;
                  submit(scheduler, rejected, () -> {
                    runs.incrementAndGet(childId);
                    done.increment();
                  }, levels[childRandom.nextInt(levels.length)]);
                }
              } catch (Throwable t) {
                failures.add(t);
              }
            }, rootPriority);
          }
        } catch (Throwable t) {
          failures.add(t);
        }
      }));
    }
    for (Thread t : submitters) {
      t.join();
    }

    try {
      await().atMost(Duration.ofSeconds(50))
          .until(() -> !failures.isEmpty() || done.sum() + rejected.sum() == TOTAL);
      failIfAny(failures);
      assertThat(rejected.sum()).as("tasks the running scheduler rejected").isZero();
    } finally {
      scheduler.shutdown(); // also when failing early: the queued rest drains and the workers exit
    }
    assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    int notOnce = 0;
    for (int i = 0; i < TOTAL; i++) {
      if (runs.get(i) != 1) {
        notOnce++;
      }
    }
    assertThat(notOnce).as("tasks that did not run exactly once").isZero();
    SchedulerStats stats = scheduler.stats();
    assertThat(stats.completed()).isEqualTo(TOTAL);
    assertThat(stats.queuedTotal()).isZero();
    assertThat(stats.running()).isZero();
    assertThat(stats.steals()).as("idle workers stole work").isPositive();
  }

  /** Submits {@code task}, counting a rejection instead of letting it escape unnoticed. */
  private static void submit(EchoScheduler scheduler, LongAdder rejected, Runnable task, Priority priority) {
    try {
      scheduler.execute(task, priority);
    } catch (RejectedExecutionException e) {
      rejected.increment();
    }
  }
}
