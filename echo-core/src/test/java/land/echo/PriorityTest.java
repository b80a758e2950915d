package land.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PriorityTest {
  /** The yield quantum the docs promise ({@code Fiber.YIELD_AFTER}): a fiber yields after this many steps. */
  private static final int DOCUMENTED_QUANTUM = 1_024;

  private final ApplicationRuntime runtime = ApplicationRuntime.create(Environment.empty(), TestRuntimes.scheduler(1));

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  /** Occupies the only worker until the returned latch is released. */
  private CountDownLatch occupyTheWorker() throws InterruptedException {
    return TestRuntimes.occupyAWorker(runtime, Priority.NORMAL);
  }

  @Test
  void queuedHighRunsBeforeQueuedNormalBeforeQueuedLow() throws Exception {
    CountDownLatch release = occupyTheWorker();
    List<Priority> order = new CopyOnWriteArrayList<>();
    EffectHandle<String, Boolean> low = runtime.submit(ActionEffect.compute(token -> order.add(Priority.LOW)), Priority.LOW);
    EffectHandle<String, Boolean> normal = runtime.submit(ActionEffect.compute(token -> order.add(Priority.NORMAL)));
    EffectHandle<String, Boolean> high = runtime.submit(ActionEffect.compute(token -> order.add(Priority.HIGH)), Priority.HIGH);
    release.countDown();
    TestRuntimes.joinPromptly(low);
    TestRuntimes.joinPromptly(normal);
    TestRuntimes.joinPromptly(high);
    assertThat(order).containsExactly(Priority.HIGH, Priority.NORMAL, Priority.LOW);
  }

  @Test
  void runHonoursItsPriorityArgument() throws Exception {
    CountDownLatch release = occupyTheWorker();
    List<String> order = new CopyOnWriteArrayList<>();
    EffectHandle<String, Boolean> low = runtime.submit(ActionEffect.compute(token -> order.add("low")), Priority.LOW);
    // What the caller thread gets, or what it threw, instead of losing either on that thread.
    CompletableFuture<Outcome<String, Boolean>> highOutcome = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        highOutcome.complete(runtime.run(ActionEffect.compute(token -> order.add("high")), Priority.HIGH));
      } catch (Throwable t) {
        highOutcome.completeExceptionally(t);
      }
    });
    org.awaitility.Awaitility.await().until(() -> highOutcome.isDone() || runtime.scheduler().stats().queued(Priority.HIGH) == 1);
    release.countDown();
    assertThat(TestRuntimes.joinPromptly(highOutcome, "the HIGH caller's outcome")).isEqualTo(new Outcome.Success<>(true));
    assertThat(TestRuntimes.joinPromptly(low)).isEqualTo(new Outcome.Success<>(true));
    assertThat(order).containsExactly("high", "low");
  }

  @Test
  void aLongLowPriorityChainYieldsToHighPriorityWork() throws Exception {
    CountDownLatch lowStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger lowSteps = new java.util.concurrent.atomic.AtomicInteger();
    ActionEffect<String, Integer> chain = ActionEffect.<String, Integer>compute(token -> {
      lowStarted.countDown();
      release.await();
      return 0;
    });
    // Eight quanta: long enough that running the whole chain first is told apart from yielding.
    // A literal, not Fiber.YIELD_AFTER, so that a changed quantum cannot move the bound with it.
    int steps = 8 * DOCUMENTED_QUANTUM;
    for (int i = 0; i < steps; i++) {
      chain = chain.map(x -> {
        lowSteps.incrementAndGet();
        return x + 1;
      });
    }
    EffectHandle<String, Integer> low = runtime.submit(chain, Priority.LOW);
    TestRuntimes.awaitPromptly(lowStarted, "low started");
    // The HIGH body records how far the LOW chain had got when the single worker ran it: it can
    // only run when the LOW fiber yields its worker, which must happen long before the chain ends.
    EffectHandle<String, Integer> high =
        runtime.submit(ActionEffect.compute(token -> lowSteps.get()), Priority.HIGH);
    release.countDown();
    // Once released, the LOW fiber runs at most one quantum of steps (and every map is a step)
    // before it re-submits itself, and the queued HIGH effect then goes first.
    assertThat(TestRuntimes.joinPromptly(high).getOrThrow())
        .as("LOW steps done when HIGH ran: the low chain yields within one %d-step quantum", DOCUMENTED_QUANTUM)
        .isLessThanOrEqualTo(DOCUMENTED_QUANTUM);
    assertThat(TestRuntimes.joinPromptly(low).getOrThrow()).isEqualTo(steps);
  }
}
