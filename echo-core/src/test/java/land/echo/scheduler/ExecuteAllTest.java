package land.echo.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import land.echo.Priority;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link EchoScheduler#executeAll}: a batch of tasks with one wake-up signal. */
@Timeout(30)
class ExecuteAllTest {
  private final EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());

  @AfterEach
  void stop() throws InterruptedException {
    scheduler.shutdownNow();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  /** Tasks that record their index and count down; slots outside the range stay unrun. */
  private static Runnable[] tasks(int n, ConcurrentLinkedQueue<Integer> ran, CountDownLatch done) {
    Runnable[] tasks = new Runnable[n];
    for (int i = 0; i < n; i++) {
      int index = i;
      tasks[i] = () -> {
        ran.add(index);
        done.countDown();
      };
    }
    return tasks;
  }

  @Test
  void fromOutsideTheRangeRunsAndOnlyTheRange() throws Exception {
    ConcurrentLinkedQueue<Integer> ran = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(1_000);
    Runnable[] tasks = tasks(1_002, ran, done);

    int accepted = scheduler.executeAll(tasks, 1, 1_001, Priority.NORMAL);

    assertThat(accepted).isEqualTo(1_000);
    TestThreads.awaitPromptly(done, "the batch");
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(ran).hasSize(1_000).doesNotContain(0, 1_001);
  }

  @Test
  void fromAWorkerTheBatchGoesToItsQueueAndIsStolenToo() throws Exception {
    ConcurrentLinkedQueue<Integer> ran = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(2_000); // more than a ring holds: some spill
    Runnable[] tasks = tasks(2_000, ran, done);

    int accepted = TestThreads.joinPromptly(
        scheduler.submit(() -> scheduler.executeAll(tasks, 0, tasks.length, Priority.LOW)), "the forking task");

    assertThat(accepted).isEqualTo(2_000);
    TestThreads.awaitPromptly(done, "the batch");
    assertThat(ran).hasSize(2_000).doesNotHaveDuplicates();
  }

  @Test
  void afterShutdownNothingIsAcceptedAndNothingRuns() {
    ConcurrentLinkedQueue<Integer> ran = new ConcurrentLinkedQueue<>();
    Runnable[] tasks = tasks(3, ran, new CountDownLatch(3));
    scheduler.shutdown();

    assertThat(scheduler.executeAll(tasks, 0, 3, Priority.HIGH)).isZero();

    assertThat(ran).isEmpty();
  }

  @Test
  void anEmptyRangeAcceptsNothing() {
    assertThat(scheduler.executeAll(new Runnable[0], 0, 0, Priority.HIGH)).isZero();
  }

  @Test
  void badArgumentsAreRejectedBeforeAnythingIsQueued() {
    ConcurrentLinkedQueue<Integer> ran = new ConcurrentLinkedQueue<>();
    Runnable[] withNull = tasks(3, ran, new CountDownLatch(3));
    withNull[2] = null;

    assertThatThrownBy(() -> scheduler.executeAll(withNull, 0, 3, Priority.HIGH))
        .isInstanceOf(NullPointerException.class).hasMessage("task");
    assertThatThrownBy(() -> scheduler.executeAll(withNull, 2, 1, Priority.HIGH))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> scheduler.executeAll(withNull, 0, 4, Priority.HIGH))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> scheduler.executeAll(null, 0, 0, Priority.HIGH))
        .isInstanceOf(NullPointerException.class).hasMessage("tasks");
    assertThatThrownBy(() -> scheduler.executeAll(withNull, 0, 1, null))
        .isInstanceOf(NullPointerException.class).hasMessage("priority");
    assertThat(ran).isEmpty();
    assertThat(scheduler.stats().completed()).isZero();
  }
}
