package land.echo.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import land.echo.Priority;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * Submissions racing with shutdown: a task whose submission returned normally runs exactly once
 * (shutdown) or runs or is returned exactly once (shutdownNow); a rejected task never runs. Tasks
 * on workers submit children through all three lanes (worker queues, a named queue, the blocking
 * lane), so the races of each lane with shutdownNow's drain are exercised. This test caught a task
 * lost when a racing push spilled the worker's ring to the global queue after the drain; since a
 * worker runs its own newest task first, its rings no longer fill here, and the spill's race has
 * a test of its own, in which one task pushes far more than a ring holds.
 */
class ShutdownRaceStressTest {
  private static final int SUBMITTERS = 3;
  private static final int PER_SUBMITTER = 40_000;
  private static final int SLOTS = SUBMITTERS * PER_SUBMITTER * 2; // outside + one child each

  @RepeatedTest(3)
  @Timeout(60)
  void everyAcceptedTaskRunsExactlyOnceWhenShutdownRacesWithSubmissions() throws Exception {
    Outcome outcome = race(false);

    for (int i = 0; i < SLOTS; i++) {
      assertThat(outcome.runs.get(i)).as("runs of task %d", i).isEqualTo(outcome.accepted.get(i));
    }
  }

  @RepeatedTest(3)
  @Timeout(60)
  void everyAcceptedTaskRunsOrIsReturnedExactlyOnceWhenShutdownNowRaces() throws Exception {
    Outcome outcome = race(true);

    AtomicIntegerArray returned = new AtomicIntegerArray(SLOTS);
    for (Runnable task : outcome.unstarted) {
      returned.incrementAndGet(((Numbered) task).id);
    }
    for (int i = 0; i < SLOTS; i++) {
      assertThat(outcome.runs.get(i) + returned.get(i))
          .as("runs + returns of task %d", i)
          .isEqualTo(outcome.accepted.get(i));
    }
  }

  @RepeatedTest(10)
  @Timeout(60)
  void everyTaskAWorkerSpillsIsRunOrReturnedExactlyOnceWhenShutdownNowRaces() throws Exception {
    int tasks = SpmcLocalQueue.CAPACITY * 6; // the ring spills half its tasks about ten times
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    AtomicIntegerArray accepted = new AtomicIntegerArray(tasks);
    AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
    AtomicLong pushed = new AtomicLong();
    CountDownLatch pushing = new CountDownLatch(1);
    CountDownLatch shutDown = new CountDownLatch(1);
    scheduler.execute(() -> {
      pushing.countDown();
      for (int i = 0; i < tasks; i++) {
        if (i == tasks * 3 / 4) {
          awaitQuietly(shutDown); // shutdownNow's interrupt or the latch: the rest come after it
        }
        int id = i;
        if (tryExecute(scheduler, new Numbered(id, () -> runs.incrementAndGet(id)), Priority.NORMAL, 0)) {
          accepted.incrementAndGet(id);
        }
        pushed.incrementAndGet();
      }
    });
    awaitQuietly(pushing);
    while (pushed.get() < tasks / 2) {
      Thread.onSpinWait(); // shut down while the pushing task is between spills
    }
    List<Runnable> unstarted = scheduler.shutdownNow();
    shutDown.countDown();
    assertThat(scheduler.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    AtomicIntegerArray returned = new AtomicIntegerArray(tasks);
    for (Runnable task : unstarted) {
      returned.incrementAndGet(((Numbered) task).id);
    }
    int acceptedCount = 0;
    for (int i = 0; i < tasks; i++) {
      assertThat(runs.get(i) + returned.get(i)).as("runs + returns of task %d", i).isEqualTo(accepted.get(i));
      acceptedCount += accepted.get(i);
    }
    assertThat(acceptedCount).as("the shutdown fell inside the pushes").isBetween(tasks / 2, tasks * 3 / 4);
  }

  private record Outcome(AtomicIntegerArray accepted, AtomicIntegerArray runs, List<Runnable> unstarted) {}

  private static Outcome race(boolean now) throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder()
        .workers(3).namedQueue("limited", 2).blockingLimit(2).build());
    AtomicIntegerArray accepted = new AtomicIntegerArray(SLOTS);
    AtomicIntegerArray runs = new AtomicIntegerArray(SLOTS);
    AtomicLong submitted = new AtomicLong();
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch shutDown = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < SUBMITTERS; s++) {
      int base = s * PER_SUBMITTER * 2;
      threads.add(Thread.ofPlatform().start(() -> {
        awaitQuietly(go);
        for (int i = 0; i < PER_SUBMITTER; i++) {
          if (i == PER_SUBMITTER * 3 / 4) {
            awaitQuietly(shutDown); // the shutdown lands between 1/2 and 3/4 of the submissions
          }
          int id = base + 2 * i;
          Numbered parent = new Numbered(id, () -> {
            runs.incrementAndGet(id);
            Numbered child = new Numbered(id + 1, () -> runs.incrementAndGet(id + 1));
            if (tryExecute(scheduler, child, Priority.values()[id % 3], (id / 2) % 3)) {
              accepted.incrementAndGet(id + 1);
            }
          });
          if (tryExecute(scheduler, parent, Priority.values()[(id / 2) % 3], 0)) {
            accepted.incrementAndGet(id);
          }
          submitted.incrementAndGet();
        }
      }));
    }
    go.countDown();
    while (submitted.get() < SUBMITTERS * PER_SUBMITTER / 2) {
      Thread.onSpinWait(); // shut down in the middle of the submissions
    }
    List<Runnable> unstarted = now ? scheduler.shutdownNow() : List.of();
    if (!now) {
      scheduler.shutdown();
    }
    shutDown.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(scheduler.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    int acceptedCount = 0;
    for (int i = 0; i < SLOTS; i++) {
      acceptedCount += accepted.get(i);
    }
    assertThat(acceptedCount).as("the shutdown fell inside the submissions").isBetween(1, SLOTS - 1);
    return new Outcome(accepted, runs, unstarted);
  }

  /** Submits through lane 0 (execute), 1 (a named queue) or 2 (executeBlocking). */
  private static boolean tryExecute(EchoScheduler scheduler, Runnable task, Priority priority, int lane) {
    try {
      switch (lane) {
        case 0 -> scheduler.execute(task, priority);
        case 1 -> scheduler.queue("limited").execute(task, priority);
        default -> scheduler.executeBlocking(task, priority);
      }
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    SchedulerBasicsTest.awaitQuietly(latch);
  }

  /** A task that knows its slot, so that returned tasks can be counted. */
  private record Numbered(int id, Runnable body) implements Runnable {
    @Override
    public void run() {
      body.run();
    }
  }
}
