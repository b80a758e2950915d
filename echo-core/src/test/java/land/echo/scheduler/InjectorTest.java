package land.echo.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pins {@link Injector}: FIFO through growth and wrap-around, batches, shrinking, and failure to grow. */
@Timeout(60)
class InjectorTest {

  private static Runnable task(int id) {
    return new SpmcLocalQueueLincheckTest.Task(id);
  }

  private static List<Integer> drain(Injector queue) {
    List<Integer> ids = new ArrayList<>();
    for (Runnable r; (r = queue.poll()) != null; ) {
      ids.add(((SpmcLocalQueueLincheckTest.Task) r).id());
    }
    return ids;
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> ids = new ArrayList<>();
    for (int i = from; i < to; i++) {
      ids.add(i);
    }
    return ids;
  }

  @Test
  void keepsFifoOrderThroughWrapAroundAndGrowth() {
    Injector queue = new Injector(4, 1 << 20, 1 << 10);
    queue.offer(task(0));
    queue.offer(task(1));
    queue.poll();
    queue.poll(); // head is now in the middle of the ring
    for (int i = 2; i < 40; i++) {
      queue.offer(task(i));
    }

    assertThat(queue.size()).isEqualTo(38);
    assertThat(queue.isEmpty()).isFalse();
    assertThat(queue.capacity()).as("the smallest power of two that holds 38").isEqualTo(64);
    assertThat(drain(queue)).isEqualTo(range(2, 40));
    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.poll()).isNull();
  }

  @Test
  void offersAndTakesBatchesInOrder() {
    Injector queue = new Injector(2, 1 << 20, 1 << 10);
    Runnable[] batch = new Runnable[10];
    for (int i = 0; i < 10; i++) {
      batch[i] = task(i);
    }
    queue.offer(task(-1));
    queue.offerAll(batch, 2, 9);
    queue.offerAll(batch, 3, 3); // empty range: nothing

    Runnable[] into = new Runnable[4];
    assertThat(queue.pollBatch(into, 4)).isEqualTo(4);
    assertThat(into).extracting(r -> ((SpmcLocalQueueLincheckTest.Task) r).id()).containsExactly(-1, 2, 3, 4);
    assertThat(queue.size()).isEqualTo(4);
    assertThat(queue.pollBatch(into, 4)).isEqualTo(4);
    assertThat(into).extracting(r -> ((SpmcLocalQueueLincheckTest.Task) r).id()).containsExactly(5, 6, 7, 8);
    assertThat(queue.pollBatch(into, 4)).isZero();
  }

  @Test
  void aBatchThatFitsExactlyDoesNotGrowTheRing() {
    Injector queue = new Injector(2, 1 << 20, 4);
    queue.offer(task(0));
    queue.offerAll(new Runnable[] {task(1)}, 0, 1);
    assertThat(queue.capacity()).isEqualTo(2);
    queue.offerAll(new Runnable[] {task(2), task(3)}, 0, 2); // needs exactly the largest ring

    assertThat(queue.capacity()).isEqualTo(4);
    assertThat(drain(queue)).isEqualTo(range(0, 4));
  }

  @Test
  void anEmptiedRingGrownPastTheThresholdShrinksAndStillWorks() {
    Injector queue = new Injector(2, 8, 1 << 10);
    for (int i = 0; i < 100; i++) {
      queue.offer(task(i));
    }
    Runnable[] into = new Runnable[100];
    assertThat(queue.pollBatch(into, 99)).isEqualTo(99);
    assertThat(queue.capacity()).as("not shrunk while a task is left").isEqualTo(128);
    assertThat(queue.poll()).isNotNull();
    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.capacity()).isEqualTo(2);

    for (int i = 0; i < 5; i++) {
      queue.offer(task(i));
    }
    assertThat(drain(queue)).isEqualTo(range(0, 5));
  }

  @Test
  void aRingAtTheShrinkThresholdIsKeptWhenEmptied() {
    Injector queue = new Injector(2, 8, 1 << 10);
    for (int i = 0; i < 8; i++) {
      queue.offer(task(i));
    }
    assertThat(queue.capacity()).isEqualTo(8);
    assertThat(drain(queue)).isEqualTo(range(0, 8));
    assertThat(queue.capacity()).isEqualTo(8);
  }

  @Test
  void aQueueThatCannotGrowRefusesWithAnErrorAndKeepsWhatItHeld() {
    Injector queue = new Injector(2, 1 << 20, 4);
    for (int i = 0; i < 4; i++) {
      queue.offer(task(i));
    }

    assertThatThrownBy(() -> queue.offer(task(4)))
        .isInstanceOf(OutOfMemoryError.class)
        .hasMessageContaining("cannot hold more than 4 tasks");
    assertThatThrownBy(() -> queue.offerAll(new Runnable[] {task(5)}, 0, 1)).isInstanceOf(OutOfMemoryError.class);
    assertThat(drain(queue)).isEqualTo(range(0, 4));
  }

  @Test
  void rejectsCapacitiesThatAreNotPowersOfTwo() {
    assertThatThrownBy(() -> new Injector(3, 8, 16)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("powers of two");
    assertThatThrownBy(() -> new Injector(32, 8, 16)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Injector(Integer.MIN_VALUE, 8, 16)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Injector(2, 8, Integer.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Injector(2, 8, Injector.MAX_CAPACITY << 1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new Injector(4, 8, 4).capacity()).as("initial = max").isEqualTo(4);
    assertThat(new Injector(2, 8, Injector.MAX_CAPACITY).capacity()).isEqualTo(2);
  }

  @Test
  void aBatchOutsideItsArrayIsRefusedAndChangesNothing() {
    Injector queue = new Injector(2, 8, 16);
    Runnable[] tasks = {task(0), task(1)};

    assertThatThrownBy(() -> queue.offerAll(tasks, 1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> queue.offerAll(tasks, 0, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(queue.size()).isZero();
    queue.offerAll(tasks, 1, 1);
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void aSpillTheGlobalQueueCannotTakeGoesBackToTheRing() {
    SpmcLocalQueue ring = new SpmcLocalQueue(8);
    for (int i = 0; i < 8; i++) {
      assertThat(ring.offer(task(i))).isTrue();
    }
    Injector full = new Injector(2, 1 << 20, 2);
    full.offer(task(100));
    full.offer(task(101));

    assertThatThrownBy(() -> ring.spillHalfTo(full)).isInstanceOf(OutOfMemoryError.class);

    List<Integer> left = new ArrayList<>();
    for (Runnable r; (r = ring.poll()) != null; ) {
      left.add(((SpmcLocalQueueLincheckTest.Task) r).id());
    }
    assertThat(left).containsExactlyInAnyOrderElementsOf(range(0, 8));
    assertThat(drain(full)).containsExactly(100, 101);
  }

  /** Many producers and consumers at once: every task taken exactly once, none lost. Bounded in time. */
  @Test
  void concurrentProducersAndConsumersLoseAndDuplicateNothing() throws InterruptedException {
    Injector queue = new Injector(2, 64, 1 << 20);
    int producers = 3;
    int perProducer = 20_000;
    int total = producers * perProducer;
    AtomicInteger[] seen = new AtomicInteger[total];
    for (int i = 0; i < total; i++) {
      seen[i] = new AtomicInteger();
    }
    AtomicInteger taken = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(producers + 2);
    for (int p = 0; p < producers; p++) {
      int base = p * perProducer;
      Thread.ofPlatform().daemon().start(() -> {
        Runnable[] two = new Runnable[2];
        for (int i = 0; i < perProducer; i += 2) {
          two[0] = task(base + i);
          two[1] = task(base + i + 1);
          if ((i & 2) == 0) {
            queue.offerAll(two, 0, 2);
          } else {
            queue.offer(two[0]);
            queue.offer(two[1]);
          }
        }
        done.countDown();
      });
    }
    for (int c = 0; c < 2; c++) {
      boolean batches = c == 0;
      Thread.ofPlatform().daemon().start(() -> {
        Runnable[] into = new Runnable[7];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (taken.get() < total && System.nanoTime() < deadline) {
          if (batches) {
            int n = queue.pollBatch(into, 7);
            for (int i = 0; i < n; i++) {
              seen[((SpmcLocalQueueLincheckTest.Task) into[i]).id()].incrementAndGet();
            }
            taken.addAndGet(n);
          } else {
            Runnable r = queue.poll();
            if (r != null) {
              seen[((SpmcLocalQueueLincheckTest.Task) r).id()].incrementAndGet();
              taken.incrementAndGet();
            }
          }
        }
        done.countDown();
      });
    }
    TestThreads.awaitWithin(done, java.time.Duration.ofSeconds(40), "producers and consumers finishing");

    assertThat(taken.get()).isEqualTo(total);
    for (int i = 0; i < total; i++) {
      assertThat(seen[i].get()).as("times task %d was taken", i).isEqualTo(1);
    }
    assertThat(queue.isEmpty()).isTrue();
  }
}
