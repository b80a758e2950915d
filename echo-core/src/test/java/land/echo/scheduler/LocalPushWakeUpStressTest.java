package land.echo.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The interleaving "a task pushes a second task to its own worker's ring while the only other
 * worker is parking as the last searcher". Without a StoreLoad fence between the push and the
 * read of the idle word, both sides can miss each other: the pusher reads "a searcher exists" and
 * wakes nobody, the parker re-checks the queues before the push is visible, and the pushed task
 * waits until its pusher is done (in an effect runtime: the whole run of the forked sibling).
 *
 * <p>The race is a hardware store-buffer reordering, so no hook can force it; the test runs the
 * interleaving as often as it can for a bounded time and counts pushed tasks that the other worker
 * did not start within a very generous {@link #STRANDED_AFTER_MS} while their pusher blocked. The
 * review that found the bug measured 13 strandings of at least 1 s in 421,393 iterations without
 * the fence and none in 1,348,432 with it (in an effect runtime's fork). This bare-scheduler
 * version runs about 50,000 iterations a second here and did not catch a stranding before the
 * fix even in a 20 s run (1,012,215 iterations, {@code -DstressSeconds=20}): it guards against
 * gross regressions of the wake-up protocol rather than reproducing the fence bug reliably. After
 * the fix it must never fail.
 */
class LocalPushWakeUpStressTest {
  /** Bounded run time; {@code -DstressSeconds=N} (through surefire's argLine) runs longer. */
  private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("stressSeconds", 3));
  private static final long STRANDED_AFTER_MS = 1_000;

  @Test
  @Timeout(60)
  void aTaskPushedToTheLocalRingIsStartedByTheOtherWorkerWhileItsPusherBlocks() throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    AtomicInteger stranded = new AtomicInteger();
    AtomicLong iterations = new AtomicLong();
    try {
      long end = System.nanoTime() + RUN_NANOS;
      while (System.nanoTime() - end < 0) {
        CountDownLatch secondStarted = new CountDownLatch(1);
        scheduler.execute(() -> {
          scheduler.execute(secondStarted::countDown); // local push: the pusher is a worker
          try {
            if (!secondStarted.await(STRANDED_AFTER_MS, TimeUnit.MILLISECONDS)) {
              stranded.incrementAndGet(); // then this worker runs it itself after returning
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        // The next iteration starts as soon as the second task runs, while the worker that ran
        // it is about to search and park: the window of the race.
        secondStarted.await();
        iterations.incrementAndGet();
      }
    } finally {
      scheduler.shutdownNow();
      assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(stranded.get())
        .as("pushed tasks not started by the idle worker within %d ms, in %d iterations",
            STRANDED_AFTER_MS, iterations.get())
        .isZero();
  }
}
