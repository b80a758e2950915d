package land.echo.scheduler;

import static land.echo.scheduler.SchedulerBasicsTest.awaitQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link EchoScheduler#spinWait}: when a thread waiting for a result spins instead of parking at
 * once. Each refusal is checked by counting the calls of the condition: a refusal calls it at most
 * twice, a spin keeps calling it.
 */
@Timeout(30)
class SpinWaitTest {
  private static final Duration LONG_SPIN = SchedulerConfig.MAX_SPIN_BEFORE_PARK;

  private EchoScheduler scheduler;

  @AfterEach
  void stop() throws InterruptedException {
    scheduler.shutdownNow();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  private static EchoScheduler parkedScheduler(int workers, Duration spin) {
    EchoScheduler s = EchoScheduler.create(SchedulerConfig.builder().workers(workers).spinBeforePark(spin).build());
    await().until(() -> s.stats().parkedWorkers() == workers);
    return s;
  }

  /** Asserts that {@code spinWait} on this thread refuses to spin: false after one call of the condition. */
  private void assertRefusesAtOnce() {
    Never never = new Never();
    assertThat(scheduler.spinWait(never)).isFalse();
    assertThat(never.calls.get()).isEqualTo(1);
  }

  /** Counts the calls of a condition that is never true. */
  private static final class Never implements BooleanSupplier {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public boolean getAsBoolean() {
      calls.incrementAndGet();
      return false;
    }
  }

  @Test
  void aPlatformThreadSpinsUntilTheConditionHoldsWhileAWorkerIsParked() throws Exception {
    scheduler = parkedScheduler(1, LONG_SPIN);
    AtomicBoolean flag = new AtomicBoolean();
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch spinning = new CountDownLatch(1);
    Thread setter = new Thread(() -> {
      awaitQuietly(spinning);
      flag.set(true);
    });
    setter.start();

    boolean held = scheduler.spinWait(() -> {
      if (calls.incrementAndGet() == 3) {
        spinning.countDown(); // the third call is inside the spin: the first is the entry check
      }
      return flag.get();
    });

    TestThreads.joinPromptly(setter, "the setter");
    // The setter may be late by the whole 10 ms on a loaded machine; whatever the result, it
    // matches the condition when the spin ended, and the condition was polled while spinning.
    assertThat(calls.get()).isGreaterThanOrEqualTo(3);
    if (held) {
      assertThat(flag.get()).isTrue();
    }
  }

  @Test
  void aSpinWithoutTheConditionEndsAfterTheBudgetAndReturnsFalse() {
    scheduler = parkedScheduler(1, Duration.ofMillis(1));
    Never never = new Never();

    assertThat(scheduler.spinWait(never)).isFalse();

    assertThat(never.calls.get()).isGreaterThan(2);
  }

  @Test
  void aConditionAlreadyTrueReturnsAtOnce() {
    scheduler = parkedScheduler(1, LONG_SPIN);

    assertThat(scheduler.spinWait(() -> true)).isTrue();
  }

  @Test
  void withZeroSpinItNeverSpins() {
    scheduler = parkedScheduler(1, Duration.ZERO);

    assertRefusesAtOnce();
  }

  @Test
  void aVirtualThreadNeverSpins() throws Exception {
    scheduler = parkedScheduler(1, LONG_SPIN);
    Never never = new Never();
    CompletableFuture<Boolean> result = new CompletableFuture<>();

    Thread.ofVirtual().start(() -> result.complete(scheduler.spinWait(never)));

    assertThat(result.get(5, TimeUnit.SECONDS)).isFalse();
    assertThat(never.calls.get()).isEqualTo(1);
  }

  @Test
  void aWorkerNeverSpins() throws Exception {
    scheduler = parkedScheduler(2, LONG_SPIN);
    Never never = new Never();

    boolean result = TestThreads.joinPromptly(scheduler.submit(() -> scheduler.spinWait(never)), "the task");

    assertThat(result).isFalse();
    assertThat(never.calls.get()).isEqualTo(1);
  }

  @Test
  void noThreadSpinsWhileEveryWorkerIsAwakeAndNoProcessorIsSpare() throws Exception {
    int workers = Runtime.getRuntime().availableProcessors(); // no spare processor
    scheduler = parkedScheduler(workers, LONG_SPIN);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(workers);
    for (int i = 0; i < workers; i++) {
      scheduler.execute(() -> {
        started.countDown();
        awaitQuietly(release);
      });
    }
    TestThreads.awaitPromptly(started, "every worker busy");
    try {
      assertRefusesAtOnce();
    } finally {
      release.countDown();
    }
  }

  @Test
  void oneThreadSpinsAtATime() throws Exception {
    scheduler = parkedScheduler(1, LONG_SPIN);
    CountDownLatch firstSpinning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger firstCalls = new AtomicInteger();
    CompletableFuture<Boolean> first = new CompletableFuture<>();
    Thread spinner = new Thread(() -> first.complete(scheduler.spinWait(() -> {
      if (firstCalls.incrementAndGet() == 3) {
        firstSpinning.countDown(); // inside the spin: hold it there
        awaitQuietly(release);
        return true;
      }
      return false;
    })));
    spinner.start();
    TestThreads.awaitPromptly(firstSpinning, "the first thread spinning");
    try {
      assertRefusesAtOnce();
    } finally {
      release.countDown();
    }
    assertThat(first.get(5, TimeUnit.SECONDS)).isTrue();
    TestThreads.joinPromptly(spinner, "the first spinner");
    Never later = new Never();
    scheduler.spinWait(later); // the slot is free again: this one spins
    assertThat(later.calls.get()).isGreaterThan(2);
  }

  @Test
  void aConditionThatThrowsFreesTheSpinnerSlot() {
    scheduler = parkedScheduler(1, LONG_SPIN);
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(() -> scheduler.spinWait(() -> {
      if (calls.incrementAndGet() == 2) {
        throw new IllegalStateException("hostile condition");
      }
      return false;
    })).isInstanceOf(IllegalStateException.class).hasMessage("hostile condition");

    Never later = new Never();
    scheduler.spinWait(later);
    assertThat(later.calls.get()).as("a later caller still spins").isGreaterThan(2);
  }

  @Test
  void anInterruptedCallerOfRunStillGetsTheCancelledOutcomeAfterSpinning() throws Exception {
    scheduler = parkedScheduler(1, LONG_SPIN);
    land.echo.ApplicationRuntime runtime = land.echo.ApplicationRuntime.create(land.echo.Environment.empty(), scheduler);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<land.echo.Outcome<Void, Integer>> outcome = new CompletableFuture<>();
    Thread caller = new Thread(() -> {
      Thread.currentThread().interrupt(); // interrupted before it waits: the spin must not swallow it
      outcome.complete(runtime.run(land.echo.ActionEffect.<Void, Integer>blocking(token -> {
        release.await();
        return 1;
      })));
    });
    caller.start();

    land.echo.Outcome<Void, Integer> result = outcome.get(5, TimeUnit.SECONDS);
    release.countDown();
    TestThreads.joinPromptly(caller, "the caller");

    assertThat(result).isInstanceOf(land.echo.Outcome.Faulted.class);
    assertThat(((land.echo.Outcome.Faulted<Void, Integer>) result).fault()).isInstanceOf(land.echo.Fault.Cancelled.class);
  }

  @Test
  void afterARunOfSpinsThatRanOutTheNextCallsDoNotSpinThenSpinningResumes() {
    scheduler = parkedScheduler(1, Duration.ofNanos(200_000));
    for (int i = 0; i < EchoScheduler.SPIN_MISSES_BEFORE_BACKOFF; i++) {
      Never miss = new Never();
      assertThat(scheduler.spinWait(miss)).isFalse();
      assertThat(miss.calls.get()).as("miss %d spun", i).isGreaterThan(2);
    }

    for (int i = 0; i < EchoScheduler.SPIN_BACKOFF_CALLS; i++) {
      assertRefusesAtOnce();
    }

    Never resumed = new Never();
    scheduler.spinWait(resumed);
    assertThat(resumed.calls.get()).as("spinning resumes after the back-off").isGreaterThan(2);
  }

  @Test
  void aSpinThatSucceedsResetsTheRunOfMisses() {
    scheduler = parkedScheduler(1, Duration.ofNanos(200_000));
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < EchoScheduler.SPIN_MISSES_BEFORE_BACKOFF - 1; i++) {
        assertThat(scheduler.spinWait(new Never())).isFalse();
      }
      AtomicInteger calls = new AtomicInteger();
      assertThat(scheduler.spinWait(() -> calls.incrementAndGet() > 3)).isTrue(); // held within the spin
    }

    Never stillSpins = new Never();
    scheduler.spinWait(stillSpins);
    assertThat(stillSpins.calls.get()).isGreaterThan(2);
  }

  @Test
  void aNullConditionIsRejected() {
    scheduler = parkedScheduler(1, LONG_SPIN);

    assertThatThrownBy(() -> scheduler.spinWait(null)).isInstanceOf(NullPointerException.class).hasMessage("done");
  }
}
