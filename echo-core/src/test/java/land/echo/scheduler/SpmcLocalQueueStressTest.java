package land.echo.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The owner pushes and pops its newest tasks (and now and then takes its oldest) while two thieves
 * keep stealing batches and a third thread polls one task at a time: every task must be taken
 * exactly once. A small ring (8 slots) keeps the owner's pops and the thieves' claims on the same
 * few slots, the case the head word's stamp exists for. Bounded by a task count (about a second on
 * two CPUs); {@link SpmcLocalQueueLincheckTest} checks the same operations for linearizability in
 * short scenarios.
 */
@Timeout(60)
class SpmcLocalQueueStressTest {
  private static final int TASKS = 1_000_000;

  @Test
  void everyTaskIsTakenExactlyOnceWhileTheOwnerPopsAndOthersSteal() throws Exception {
    SpmcLocalQueue queue = new SpmcLocalQueue(8);
    AtomicIntegerArray taken = new AtomicIntegerArray(TASKS);
    AtomicBoolean ownerDone = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    Thread[] takers = new Thread[3];
    for (int i = 0; i < takers.length; i++) {
      boolean batches = i < 2;
      takers[i] = Thread.ofPlatform().name("taker-" + i).start(() -> {
        SpmcLocalQueue own = new SpmcLocalQueue(8);
        try {
          start.await();
          while (!ownerDone.get() || !queue.isEmpty()) {
            if (batches) {
              record(queue.stealInto(own), taken);
              for (Runnable r; (r = own.pop()) != null; ) {
                record(r, taken);
              }
            } else {
              record(queue.pollShared(), taken);
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      });
    }

    start.countDown();
    int next = 0;
    long x = 42;
    while (next < TASKS) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      int choice = (int) (x & 7);
      if (choice < 5) {
        if (queue.offer(new SpmcLocalQueueLincheckTest.Task(next))) {
          next++;
        } else {
          record(queue.pop(), taken);
        }
      } else if (choice < 7) {
        record(queue.pop(), taken);
      } else {
        record(queue.poll(), taken);
      }
    }
    ownerDone.set(true);
    for (Runnable r; (r = queue.pop()) != null; ) {
      record(r, taken);
    }
    for (Thread taker : takers) {
      taker.join();
    }

    assertThat(failure.get()).isNull();
    for (int id = 0; id < TASKS; id++) {
      assertThat(taken.get(id)).as("times task %d was taken", id).isEqualTo(1);
    }
  }

  private static void record(Runnable task, AtomicIntegerArray taken) {
    if (task != null) {
      taken.incrementAndGet(((SpmcLocalQueueLincheckTest.Task) task).id());
    }
  }
}
