package land.echo.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
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
    AtomicLong rejected = new AtomicLong();
    Priority[] levels = Priority.values();
    List<Thread> submitters = new ArrayList<>();
    for (int s = 0; s < SUBMITTERS; s++) {
      int submitter = s;
      submitters.add(Thread.ofPlatform().start(() -> {
        SplittableRandom random = new SplittableRandom(submitter);
        for (int r = 0; r < ROOTS_PER_SUBMITTER; r++) {
          int rootId = (submitter * ROOTS_PER_SUBMITTER + r) * (1 + CHILDREN_PER_ROOT);
          Priority rootPriority = levels[random.nextInt(levels.length)];
          long childSeed = random.nextLong();
          scheduler.execute(() -> {
            runs.incrementAndGet(rootId);
            done.increment();
            SplittableRandom childRandom = new SplittableRandom(childSeed);
            for (int c = 1; c <= CHILDREN_PER_ROOT; c++) {
              int childId = rootId + c;
              scheduler.execute(() -> {
                runs.incrementAndGet(childId);
                done.increment();
              }, levels[childRandom.nextInt(levels.length)]);
            }
          }, rootPriority);
        }
      }));
    }
    for (Thread t : submitters) {
      t.join();
    }

    await().atMost(Duration.ofSeconds(50)).until(() -> done.sum() == TOTAL);
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    int notOnce = 0;
    for (int i = 0; i < TOTAL; i++) {
      if (runs.get(i) != 1) {
        notOnce++;
      }
    }
    assertThat(notOnce).as("tasks that did not run exactly once").isZero();
    assertThat(rejected.get()).isZero();
    SchedulerStats stats = scheduler.stats();
    assertThat(stats.completed()).isEqualTo(TOTAL);
    assertThat(stats.queuedTotal()).isZero();
    assertThat(stats.running()).isZero();
    assertThat(stats.steals()).as("idle workers stole work").isPositive();
  }
}
