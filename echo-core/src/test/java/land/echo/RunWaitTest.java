package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import land.echo.internal.HandleFuture;
import land.echo.spi.EffectInfo;
import land.echo.spi.RuntimeListener;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code run} parks its caller on the handle itself (no {@code CompletableFuture.get}); the
 * hand-off between the completing thread and the parked caller must never lose a wake-up.
 */
@Timeout(60)
class RunWaitTest {
  private final ApplicationRuntime runtime = TestRuntimes.onSystemTime();

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  @Test
  void runReturnsWhenTheEffectCompletesAfterTheCallerHasParked() throws InterruptedException {
    CompletableFuture<Integer> stage = new CompletableFuture<>();
    Thread caller = Thread.currentThread();
    AtomicReference<Thread.State> seen = new AtomicReference<>();
    Thread completer = Thread.ofPlatform().start(() -> {
      // Forces the order: the caller is parked in run() before the effect completes.
      await().atMost(TestRuntimes.PROMPTLY).until(() -> caller.getState() == Thread.State.WAITING);
      seen.set(caller.getState());
      stage.complete(7);
    });

    Outcome<String, Integer> outcome = runtime.run(ActionEffect.<String, Integer>async(token -> stage));

    assertThat(outcome).isEqualTo(new Outcome.Success<>(7));
    assertThat(seen.get()).isEqualTo(Thread.State.WAITING);
    TestThreads.joinPromptly(completer, "the completer thread's end");
  }

  @Test
  void runReturnsWhenTheEffectCompletedBeforeTheCallerWaited() {
    // succeed(..) usually completes on the worker before run() reaches its wait, or while it is
    // setting itself as the waiter: every one of these hand-offs must return.
    for (int i = 0; i < 20_000; i++) {
      int expected = i;
      assertThat(runtime.run(ActionEffect.<String, Integer>compute(token -> expected)))
          .isEqualTo(new Outcome.Success<>(expected));
    }
  }

  @Test
  void anInterruptedWaiterCancelsTheEffectAndKeepsItsInterruptFlag() throws InterruptedException {
    Thread caller = Thread.currentThread();
    Thread interrupter = Thread.ofPlatform().start(() -> {
      await().atMost(TestRuntimes.PROMPTLY).until(() -> caller.getState() == Thread.State.WAITING);
      caller.interrupt();
    });

    Outcome<String, Integer> outcome = runtime.run(ActionEffect.<String, Integer>never());

    assertThat(outcome).isInstanceOf(Outcome.Faulted.class);
    assertThat(((Outcome.Faulted<String, Integer>) outcome).fault()).isInstanceOf(Fault.Cancelled.class);
    assertThat(Thread.interrupted()).isTrue();
    TestThreads.joinPromptly(interrupter, "the interrupter thread's end");
  }

  @Test
  void aWaiterThatArrivesWhileTheCompleterIsStillBookKeepingIsWoken() throws Exception {
    // Forces the order: the handle is claimed (its completer is inside a listener) before the
    // waiter arrives, so the waiter cannot register itself and must wait for the completion.
    CountDownLatch completing = new CountDownLatch(1);
    AtomicReference<Thread> waiter = new AtomicReference<>();
    RuntimeListener slowBookKeeping = new RuntimeListener() {
      @Override
      public void completed(EffectInfo effect, Outcome<?, ?> outcome) {
        completing.countDown();
        await().atMost(TestRuntimes.PROMPTLY)
            .until(() -> waiter.get() != null && waiter.get().getState() == Thread.State.WAITING);
      }
    };
    ApplicationRuntime listened =
        ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(1)).listener(slowBookKeeping).build();
    try {
      HandleFuture<String, Integer> handle =
          (HandleFuture<String, Integer>) listened.submit(ActionEffect.<String, Integer>succeed(5));
      TestRuntimes.awaitPromptly(completing, "the completion's book-keeping starting");
      assertThat(handle.isDone()).isFalse();
      CompletableFuture<Outcome<String, Integer>> result = new CompletableFuture<>();
      waiter.set(Thread.ofPlatform().start(() -> {
        try {
          result.complete(handle.awaitOutcome());
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      }));

      assertThat(TestRuntimes.joinPromptly(result, "the late waiter's outcome")).isEqualTo(new Outcome.Success<>(5));
    } finally {
      TestRuntimes.stop(listened);
    }
  }

  @Test
  void callersInterruptedAtRandomAlwaysGetAnOutcomeAndNoWakeUpIsLost() throws Exception {
    // Bounded in time: four callers run short effects for about two seconds while a fifth thread
    // interrupts them at random. Every run must return (the class timeout catches a lost wake-up)
    // with a success or, when the interrupt landed while waiting, a cancellation.
    long seed = TestThreads.stressSeed("RunWaitTest");
    Random random = new Random(seed);
    long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    AtomicLong runs = new AtomicLong();
    AtomicLong cancelled = new AtomicLong();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> callers = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      callers.add(Thread.ofPlatform().start(() -> {
        try {
          while (System.nanoTime() < until) {
            Outcome<String, Integer> outcome = runtime.run(ActionEffect.<String, Integer>compute(token -> 1));
            Thread.interrupted(); // run() restores an interrupt it turned into a cancellation
            runs.incrementAndGet();
            if (outcome instanceof Outcome.Faulted<String, Integer>(Fault.Cancelled reason)) {
              cancelled.incrementAndGet();
            } else if (!outcome.equals(new Outcome.Success<>(1))) {
              failures.add(new AssertionError("unexpected outcome " + outcome));
            }
          }
        } catch (Throwable t) {
          failures.add(t);
        }
      }));
    }
    while (callers.stream().anyMatch(Thread::isAlive)) {
      callers.get(random.nextInt(callers.size())).interrupt();
      LockSupport.parkNanos(random.nextInt(50_000));
    }
    for (Thread caller : callers) {
      caller.join();
    }

    assertThat(failures).isEmpty();
    assertThat(runs.get()).isGreaterThan(0);
    await().atMost(TestRuntimes.PROMPTLY).until(() -> runtime.stats().inFlight() == 0);
    RuntimeStats stats = runtime.stats();
    assertThat(stats.submitted()).isEqualTo(runs.get());
    assertThat(stats.succeeded() + stats.cancelled()).isEqualTo(runs.get());
    assertThat(stats.cancelled()).isEqualTo(cancelled.get());
  }
}
