package land.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.spi.EffectInfo;
import land.echo.spi.RuntimeListener;
import land.echo.time.VirtualTime;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code run} evaluates an effect's synchronous prefix on the calling thread (docs/scheduler.md,
 * "The caller's prefix"): what needs no worker completes there without a hand-off; every body and
 * fork is queued at the effect's priority, behind higher-priority work already queued.
 */
@Timeout(30)
class CallerPrefixTest {
  /** The documented bound on the caller's steps ({@code Fiber.CALLER_STEPS}). */
  private static final int DOCUMENTED_CALLER_STEPS = 8 * 1_024;

  private final List<String> started = new CopyOnWriteArrayList<>();
  private final CountDownLatch cancelled = new CountDownLatch(1);
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = ApplicationRuntime.builder()
      .scheduler(TestRuntimes.scheduler(1))
      .clock(time)
      .timer(time)
      .listener(new RuntimeListener() {
        @Override
        public void started(EffectInfo effect) {
          started.add(Thread.currentThread().getName());
        }

        @Override
        public void cancelled(EffectInfo effect, Fault cause) {
          cancelled.countDown();
        }
      })
      .build();

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  /** Occupies the only worker until the returned latch is released. */
  private CountDownLatch occupyTheWorker() throws InterruptedException {
    CountDownLatch release = TestRuntimes.occupyAWorker(runtime, Priority.HIGH);
    started.clear(); // the blocker's own start, on the worker
    return release;
  }

  @Test
  void aPureChainCompletesOnTheCallerWhileEveryWorkerIsBusy() throws Exception {
    CountDownLatch release = occupyTheWorker();
    try {
      List<Thread> threads = new CopyOnWriteArrayList<>();
      ActionEffect<String, Integer> chain = ActionEffect.<String, Integer>succeed(1)
          .map(x -> {
            threads.add(Thread.currentThread());
            return x + 1;
          })
          .flatMap(x -> ActionEffect.suspend(() -> {
            threads.add(Thread.currentThread());
            return ActionEffect.succeed(x * 10);
          }))
          .ensuring(() -> threads.add(Thread.currentThread()));
      Thread[] caller = new Thread[1];
      Outcome<String, Integer> outcome = TestRuntimes.callPromptly(() -> {
        caller[0] = Thread.currentThread();
        return runtime.run(chain, Priority.LOW);
      }, "run of a pure chain with the only worker busy");
      assertThat(outcome).isEqualTo(new Outcome.Success<>(20));
      assertThat(threads).hasSize(3).allMatch(t -> t == caller[0]);
      assertThat(started).containsExactly(caller[0].getName());
    } finally {
      release.countDown();
    }
  }

  @Test
  void everyBodyRunsOnAWorkerAndReportsItsStartThere() throws Exception {
    List<String> where = new CopyOnWriteArrayList<>();
    Thread[] caller = new Thread[1];
    ActionEffect<String, Integer> effect = ActionEffect.<String, Integer>compute(token -> {
      where.add(Thread.currentThread().getName());
      return 1;
    }).map(x -> {
      where.add(Thread.currentThread().getName());
      return x + 1;
    }).recover(e -> 0);
    Outcome<String, Integer> outcome = TestRuntimes.callPromptly(() -> {
      caller[0] = Thread.currentThread();
      return runtime.run(effect);
    }, "run of a compute body");
    assertThat(outcome).isEqualTo(new Outcome.Success<>(2));
    // The body and everything after it ran on the worker; the frames above it were only pushed
    // on the caller, so the effect reports its start where the body began, after its queueing.
    assertThat(where).hasSize(2).doesNotContain(caller[0].getName());
    assertThat(started).containsExactly(where.get(0));
  }

  @Test
  void aLowBodyReachedFromTheCallerStillWaitsBehindQueuedHighWork() throws Exception {
    CountDownLatch release = occupyTheWorker();
    List<String> order = new CopyOnWriteArrayList<>();
    List<EffectHandle<String, Boolean>> highs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      highs.add(runtime.submit(ActionEffect.compute(token -> order.add("high")), Priority.HIGH));
    }
    AtomicInteger prefixSteps = new AtomicInteger();
    ActionEffect<String, Boolean> low = ActionEffect.<String, Integer>succeed(0)
        .map(x -> prefixSteps.incrementAndGet())
        .flatMap(x -> ActionEffect.compute(token -> order.add("low")));
    CompletableFuture<Outcome<String, Boolean>> lowOutcome = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        lowOutcome.complete(runtime.run(low, Priority.LOW));
      } catch (Throwable t) {
        lowOutcome.completeExceptionally(t);
      }
    });
    // The prefix ran on the caller; the body is queued at LOW behind the three HIGH bodies.
    Awaitility.await().until(() -> runtime.scheduler().stats().queued(Priority.LOW) == 1);
    assertThat(prefixSteps).hasValue(1);
    assertThat(order).isEmpty();
    release.countDown();
    assertThat(TestRuntimes.joinPromptly(lowOutcome, "the LOW caller's outcome")).isEqualTo(new Outcome.Success<>(true));
    highs.forEach(TestRuntimes::joinPromptly);
    assertThat(order).containsExactly("high", "high", "high", "low");
  }

  @Test
  void theCallerTakesAtMostItsDocumentedStepsThenHandsOver() throws Exception {
    Thread[] caller = new Thread[1];
    AtomicInteger onCaller = new AtomicInteger();
    AtomicInteger total = new AtomicInteger();
    int links = DOCUMENTED_CALLER_STEPS; // each link takes at least two steps, so the chain outlasts the bound
    ActionEffect<String, Integer> chain = ActionEffect.succeed(0);
    for (int i = 0; i < links; i++) {
      chain = chain.map(x -> {
        total.incrementAndGet();
        if (Thread.currentThread() == caller[0]) {
          onCaller.incrementAndGet();
        }
        return x + 1;
      });
    }
    ActionEffect<String, Integer> effect = chain;
    Outcome<String, Integer> outcome = TestRuntimes.callPromptly(() -> {
      caller[0] = Thread.currentThread();
      return runtime.run(effect);
    }, "run of a long chain");
    assertThat(outcome).isEqualTo(new Outcome.Success<>(links));
    assertThat(total).hasValue(links);
    // Pushing the chain's frames is itself structure, taken before the first step is counted; the
    // functions then run one step each, until the bound hands the rest to the worker.
    assertThat(onCaller.get()).isGreaterThan(0).isLessThanOrEqualTo(DOCUMENTED_CALLER_STEPS);
    assertThat(onCaller.get()).isLessThan(links);
  }

  @Test
  void aCancellationDuringThePrefixStopsItThereAndRunsItsFinalizersOnTheCaller() throws Exception {
    List<Thread> finalizedOn = new CopyOnWriteArrayList<>();
    AtomicInteger steps = new AtomicInteger();
    // An endless pure loop whose 100th step lets the deadline pass and waits for the cancellation.
    ActionEffect<String, Integer> loop = ActionEffect.<String, Integer>succeed(0)
        .flatMap(x -> endless(steps))
        .ensuring(() -> finalizedOn.add(Thread.currentThread()));
    Thread[] caller = new Thread[1];
    Outcome<String, Integer> outcome = TestRuntimes.callPromptly(() -> {
      caller[0] = Thread.currentThread();
      return runtime.runWithTimeout(loop, Duration.ofSeconds(1), Priority.NORMAL);
    }, "run of an endless loop");
    assertThat(outcome).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(Duration.ofSeconds(1))));
    assertThat(steps).hasValue(100);
    assertThat(finalizedOn).containsExactly(caller[0]);
  }

  private ActionEffect<String, Integer> endless(AtomicInteger steps) {
    return ActionEffect.suspend(() -> {
      if (steps.incrementAndGet() == 100) {
        time.advance(Duration.ofSeconds(1));
        try {
          TestRuntimes.awaitPromptly(cancelled, "the deadline's cancellation");
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      return endless(steps);
    });
  }

  @Test
  void aSleepInThePrefixWaitsOnTheTimerNotOnAWorker() throws Exception {
    CountDownLatch release = occupyTheWorker();
    CompletableFuture<Outcome<String, Integer>> outcome = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        outcome.complete(runtime.run(ActionEffect.<String, Integer>succeed(1).flatMap(
            x -> ActionEffect.<String>sleep(Duration.ofMillis(1)).map(v -> x + 1))));
      } catch (Throwable t) {
        outcome.completeExceptionally(t);
      }
    });
    // The caller reached the sleep itself: the only worker is busy the whole time.
    Awaitility.await().until(() -> time.pendingTimers() == 1);
    time.advance(Duration.ofMillis(1));
    // What follows the sleep is queued for the worker.
    Awaitility.await().until(() -> runtime.scheduler().stats().queued(Priority.NORMAL) == 1);
    assertThat(outcome).isNotDone();
    release.countDown();
    assertThat(TestRuntimes.joinPromptly(outcome, "the caller's outcome")).isEqualTo(new Outcome.Success<>(2));
  }

  @Test
  void aBlockingRunInsideTheCallersStepsIsRefusedAsOnAWorker() {
    // The same function, reached on the caller (pure prefix) and on a worker (after a body).
    java.util.function.Function<Integer, Integer> nested =
        x -> runtime.run(ActionEffect.<String, Integer>succeed(x)).getOrThrow();
    ActionEffect<String, Integer> onCaller = ActionEffect.<String, Integer>succeed(1).map(nested);
    ActionEffect<String, Integer> onWorker = ActionEffect.<String, Integer>compute(token -> 1).map(nested);

    for (ActionEffect<String, Integer> effect : List.of(onCaller, onWorker)) {
      Outcome<String, Integer> outcome = TestRuntimes.callPromptly(() -> runtime.run(effect), "the outer run");
      assertThat(outcome).isInstanceOfSatisfying(Outcome.Faulted.class, f -> assertThat(f.fault())
          .isInstanceOfSatisfying(Fault.Panic.class, p -> assertThat(p.cause())
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("run() blocks, and was called inside an effect of this runtime")));
    }
    // So is a shutdown, which would wait for the effect that calls it.
    Outcome<String, Integer> shutdownInside = TestRuntimes.callPromptly(() -> runtime.run(
        ActionEffect.<String, Integer>succeed(1).map(x -> {
          runtime.shutdown(Duration.ZERO);
          return x;
        })), "the run that shuts down");
    assertThat(shutdownInside).isInstanceOfSatisfying(Outcome.Faulted.class, f -> assertThat(f.fault())
        .isInstanceOf(Fault.Panic.class));
    assertThat(runtime.isShutdown()).isFalse();
  }

  @Test
  void anotherRuntimesRunInsideTheCallersStepsIsAllowed() {
    ApplicationRuntime other = TestRuntimes.onSystemTime();
    try {
      Outcome<String, Integer> outcome = TestRuntimes.callPromptly(() -> runtime.run(
          ActionEffect.<String, Integer>succeed(1).map(x -> other.run(ActionEffect.<String, Integer>succeed(x + 1)).getOrThrow())
              .map(x -> runtime.submit(ActionEffect.<String, Integer>succeed(x)) != null ? x : -1)
              .map(x -> {
                // Back in this runtime's steps after the other runtime's run: refused again.
                try {
                  runtime.run(ActionEffect.<String, Integer>succeed(0));
                  return -1;
                } catch (IllegalStateException expected) {
                  return x;
                }
              })),
          "a run of another runtime inside the caller's steps");
      assertThat(outcome).isEqualTo(new Outcome.Success<>(2));
    } finally {
      TestRuntimes.stop(other);
    }
  }
}
