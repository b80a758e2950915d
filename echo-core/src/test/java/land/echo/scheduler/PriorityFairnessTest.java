package land.echo.scheduler;

import static land.echo.scheduler.SchedulerBasicsTest.awaitQuietly;
import static land.echo.scheduler.SchedulerBasicsTest.occupyTheWorker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.Priority;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PriorityFairnessTest {
  private static final int K = SchedulerConfig.DEFAULT_STARVATION_INTERVAL;
  private EchoScheduler scheduler;

  @AfterEach
  void stop() throws InterruptedException {
    scheduler.shutdownNow();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void globalHighRunsBeforeLowAlreadyQueuedLocally() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    List<String> order = new CopyOnWriteArrayList<>();
    CountDownLatch lowQueued = new CountDownLatch(1);
    CountDownLatch highSubmitted = new CountDownLatch(1);
    scheduler.execute(() -> {
      for (int i = 0; i < 10; i++) {
        int n = i;
        scheduler.execute(() -> order.add("low" + n), Priority.LOW); // local ring
      }
      lowQueued.countDown();
      awaitQuietly(highSubmitted);
    });
    TestThreads.awaitPromptly(lowQueued, "low queued");
    scheduler.execute(() -> order.add("high"), Priority.HIGH); // global injector
    highSubmitted.countDown();

    await().until(() -> order.size() == 11);
    assertThat(order.get(0)).isEqualTo("high");
    // A worker serves its own queue newest first (docs/scheduler.md, "A worker runs its own newest task first").
    assertThat(order.subList(1, 11)).containsExactly(
        "low9", "low8", "low7", "low6", "low5", "low4", "low3", "low2", "low1", "low0");
  }

  @Test
  void highQueuedAtAPeerRunsBeforeOwnLocalLow() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    List<String> order = new CopyOnWriteArrayList<>();
    CyclicBarrier bothRunning = new CyclicBarrier(2);
    CyclicBarrier bothQueued = new CyclicBarrier(2);
    CountDownLatch releaseHighOwner = new CountDownLatch(1);
    scheduler.execute(() -> { // occupies one worker, queues HIGH on its ring, stays busy
      pass(bothRunning);
      for (int i = 0; i < 5; i++) {
        scheduler.execute(() -> order.add("high"), Priority.HIGH);
      }
      pass(bothQueued);
      awaitQuietly(releaseHighOwner);
    });
    scheduler.execute(() -> { // the other worker: queues LOW locally, then picks next
      pass(bothRunning);
      for (int i = 0; i < 5; i++) {
        scheduler.execute(() -> order.add("low"), Priority.LOW);
      }
      pass(bothQueued);
    });

    await().until(() -> order.size() == 10);
    releaseHighOwner.countDown();
    assertThat(order).containsExactly(
        "high", "high", "high", "high", "high", "low", "low", "low", "low", "low");
  }

  @Test
  void lowStartsWithinTwoKPicksUnderAContinuousHighFlood() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    AtomicInteger highRuns = new AtomicInteger();
    AtomicInteger highRunsBeforeLow = new AtomicInteger(-1);
    AtomicBoolean lowRan = new AtomicBoolean();
    CountDownLatch release = occupyTheWorker(scheduler);
    scheduler.execute(() -> {
      highRunsBeforeLow.set(highRuns.get());
      lowRan.set(true);
    }, Priority.LOW);
    scheduler.execute(new Runnable() { // re-submits itself until LOW ran: a continuous flood
      @Override
      public void run() {
        highRuns.incrementAndGet();
        if (!lowRan.get()) {
          scheduler.execute(this, Priority.HIGH);
        }
      }
    }, Priority.HIGH);
    release.countDown();

    await().untilTrue(lowRan);
    assertThat(highRunsBeforeLow.get()).isPositive().isLessThanOrEqualTo(2 * K);
  }

  /**
   * A worker runs its own queue newest first, but under HIGH load a fairness pick takes the oldest
   * LOW task of that queue: it starts within 4K picks even with 199 newer LOW tasks above it.
   */
  @Test
  void theOldestLowTaskOfAWorkersOwnQueueStartsWithinFourKPicksUnderAHighFlood() {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    AtomicInteger highRuns = new AtomicInteger();
    AtomicInteger highRunsBeforeOldest = new AtomicInteger(-1);
    AtomicBoolean oldestRan = new AtomicBoolean();
    Runnable flood = new Runnable() { // re-submits itself to the local ring until the oldest ran
      @Override
      public void run() {
        highRuns.incrementAndGet();
        if (!oldestRan.get()) {
          scheduler.execute(this, Priority.HIGH);
        }
      }
    };
    scheduler.execute(() -> { // on the worker: everything below goes to its own ring
      scheduler.execute(() -> {
        highRunsBeforeOldest.set(highRuns.get());
        oldestRan.set(true);
      }, Priority.LOW);
      for (int i = 0; i < 199; i++) {
        scheduler.execute(() -> { }, Priority.LOW);
      }
      scheduler.execute(flood, Priority.HIGH);
    });

    await().untilTrue(oldestRan);
    assertThat(highRunsBeforeOldest.get()).isPositive().isLessThanOrEqualTo(4 * K);
  }

  /**
   * Within one priority, a worker's own queue runs newest first, so a task that keeps
   * re-submitting itself there stays on top; the oldest task below it still starts within
   * {@code AGED_TURN_EVERY} fairness picks (64K picks), not never.
   */
  @Test
  void theOldestTaskOfAWorkersOwnQueueStartsWithinSixtyFourKPicksUnderALocalChainOfItsPriority() {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    AtomicInteger chainRuns = new AtomicInteger();
    AtomicInteger chainRunsBeforeOldest = new AtomicInteger(-1);
    AtomicBoolean oldestRan = new AtomicBoolean();
    Runnable chain = new Runnable() {
      @Override
      public void run() {
        chainRuns.incrementAndGet();
        if (!oldestRan.get()) {
          scheduler.execute(this); // to its own ring, on top
        }
      }
    };
    scheduler.execute(() -> {
      scheduler.execute(() -> {
        chainRunsBeforeOldest.set(chainRuns.get());
        oldestRan.set(true);
      });
      scheduler.execute(chain);
    });

    await().untilTrue(oldestRan);
    assertThat(Worker.AGED_TURN_EVERY).isEqualTo(64);
    assertThat(chainRunsBeforeOldest.get()).isGreaterThan(16 * K).isLessThanOrEqualTo(64 * K);
  }

  @Test
  void anExternalHighTaskDoesNotStarveBehindALocalHighChainWhileLowWaits() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    CountDownLatch release = occupyTheWorker(scheduler);
    for (int i = 0; i < 500; i++) {
      scheduler.execute(() -> { }, Priority.LOW); // fairness picks always find LOW work
    }
    AtomicInteger chainRuns = new AtomicInteger();
    AtomicInteger chainRunsAtSubmit = new AtomicInteger();
    AtomicInteger chainRunsAtStart = new AtomicInteger(-1);
    AtomicBoolean externalRan = new AtomicBoolean();
    Runnable external = () -> {
      chainRunsAtStart.set(chainRuns.get());
      externalRan.set(true);
    };
    scheduler.execute(new Runnable() { // a HIGH chain re-submitting itself to the local ring
      @Override
      public void run() {
        if (chainRuns.incrementAndGet() == 10) { // submit from outside, deterministically now
          chainRunsAtSubmit.set(10);
          Thread submitter = Thread.ofPlatform().start(() -> scheduler.execute(external, Priority.HIGH));
          joinQuietly(submitter);
        }
        if (!externalRan.get()) {
          scheduler.execute(this, Priority.HIGH);
        }
      }
    }, Priority.HIGH);
    release.countDown();

    await().untilTrue(externalRan);
    assertThat(chainRunsAtStart.get() - chainRunsAtSubmit.get()).isLessThanOrEqualTo(K);
  }

  @Test
  void normalAndLowBothProgressUnderAContinuousHighFlood() throws Exception {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    AtomicInteger picks = new AtomicInteger();
    AtomicInteger lowRuns = new AtomicInteger();
    AtomicInteger normalRuns = new AtomicInteger();
    AtomicInteger maxGapLow = new AtomicInteger();
    AtomicInteger maxGapNormal = new AtomicInteger();
    AtomicInteger lastLow = new AtomicInteger();
    AtomicInteger lastNormal = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch release = occupyTheWorker(scheduler);
    for (int i = 0; i < 200; i++) {
      scheduler.execute(() -> {
        int now = picks.incrementAndGet();
        if (lowRuns.incrementAndGet() <= 20) { // the first 20 all run during the flood
          maxGapLow.accumulateAndGet(now - lastLow.getAndSet(now), Math::max);
        }
      }, Priority.LOW);
      scheduler.execute(() -> {
        int now = picks.incrementAndGet();
        if (normalRuns.incrementAndGet() <= 20) {
          maxGapNormal.accumulateAndGet(now - lastNormal.getAndSet(now), Math::max);
        }
      }, Priority.NORMAL);
    }
    scheduler.execute(new Runnable() {
      @Override
      public void run() {
        picks.incrementAndGet();
        if (!stop.get()) {
          scheduler.execute(this, Priority.HIGH);
        }
      }
    }, Priority.HIGH);
    release.countDown();

    await().until(() -> lowRuns.get() >= 20 && normalRuns.get() >= 20);
    stop.set(true);
    assertThat(maxGapLow.get()).isLessThanOrEqualTo(2 * K);
    assertThat(maxGapNormal.get()).isLessThanOrEqualTo(2 * K);
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pass(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
