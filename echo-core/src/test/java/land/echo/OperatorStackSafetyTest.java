package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The frame kinds of transformWith, onExit, gatedBy, acquireRelease, timeoutTo and firstSuccess, 100,000 deep. */
@Timeout(120)
class OperatorStackSafetyTest {
  private static final int DEPTH = 100_000;
  private static final Duration LONG = Duration.ofHours(1);
  private static final Effects<String> APP = Effects.failingWith(String.class);

  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = TestRuntimes.onVirtualTime(time);

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  @Test
  void deeplyNestedGatesRunAndExitEveryOne() {
    AtomicInteger open = new AtomicInteger();
    land.echo.spi.Gate counting = new land.echo.spi.Gate() {
      @Override
      public Object enter(land.echo.spi.Gate.Run run) {
        open.incrementAndGet();
        return this;
      }

      @Override
      public void exit(Object token, Outcome<?, ?> outcome) {
        open.decrementAndGet();
      }
    };
    ActionEffect<String, Integer> effect = APP.compute(token -> open.get());
    for (int i = 0; i < DEPTH; i++) {
      effect = effect.gatedBy(counting);
    }
    assertThat(TestRuntimes.runPromptly(runtime, effect)).isEqualTo(Outcome.success(DEPTH));
    assertThat(open).hasValue(0);
  }

  @Test
  void aDeepTransformWithChainRuns() {
    ActionEffect<String, Integer> chain = APP.succeed(0);
    for (int i = 0; i < DEPTH; i++) {
      chain = chain.transformWith(o -> APP.succeed(o.getOrThrow() + 1));
    }
    assertThat(TestRuntimes.runPromptly(runtime, chain).getOrThrow()).isEqualTo(DEPTH);
  }

  @Test
  void aDeepTransformWithRecursionRuns() {
    assertThat(TestRuntimes.runPromptly(runtime, countDown(DEPTH)).getOrThrow()).isEqualTo(DEPTH);
  }

  /** Non-tail recursion through transformWith: each level leaves a frame until the bottom. */
  private static ActionEffect<String, Integer> countDown(int n) {
    if (n == 0) {
      return APP.succeed(0);
    }
    return APP.suspend(() -> countDown(n - 1)).transformWith(o -> APP.succeed(o.getOrThrow() + 1));
  }

  @Test
  void deepOnExitFinalizersEachRunOnceOnCancellation() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch unwound = new CountDownLatch(1);
    ActionEffect<String, Integer> chain = APP.blocking(token -> {
      started.countDown();
      new CountDownLatch(1).await();
      return 1;
    });
    for (int i = 0; i < DEPTH; i++) {
      chain = chain.onExit(o -> {
        if (o instanceof Outcome.Faulted<String, Integer>(Fault.Cancelled c)) {
          ran.incrementAndGet();
        }
      });
    }
    EffectHandle<String, Integer> handle = runtime.submit(chain.ensuring(unwound::countDown));
    TestRuntimes.awaitPromptly(started, "started");
    handle.cancel("stop");
    TestRuntimes.awaitPromptly(unwound, "unwound");
    assertThat(ran).hasValue(DEPTH);
  }

  @Test
  void deeplyNestedResourcesAreEachReleasedOnceOnCancellation() throws Exception {
    List<Integer> released = new ArrayList<>();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch unwound = new CountDownLatch(1);
    ActionEffect<String, Integer> innermost = APP.blocking(token -> {
      started.countDown();
      new CountDownLatch(1).await();
      return 1;
    });
    EffectHandle<String, Integer> handle =
        runtime.submit(nested(0, innermost, released).ensuring(unwound::countDown));
    TestRuntimes.awaitPromptly(started, "started");
    handle.cancel("stop");
    TestRuntimes.awaitPromptly(unwound, "unwound");
    // Releases run on the one fiber unwinding, innermost first: no synchronization needed to read.
    assertThat(released).hasSize(DEPTH);
    assertThat(released.get(0)).isEqualTo(DEPTH - 1);
    assertThat(released.get(DEPTH - 1)).isZero();
  }

  /** Level {@code level} acquires its number with a compute body (a forked, shielded acquisition). */
  private static ActionEffect<String, Integer> nested(int level, ActionEffect<String, Integer> innermost, List<Integer> released) {
    if (level == DEPTH) {
      return innermost;
    }
    return APP.acquireRelease(APP.compute(token -> level),
        n -> nested(level + 1, innermost, released), (n, outcome) -> released.add(n));
  }

  @Test
  void deeplyNestedTimeoutToPassesTheValueThroughAndLeavesNoTimer() {
    ActionEffect<String, Integer> chain = APP.succeed(7);
    for (int i = 0; i < DEPTH; i++) {
      chain = chain.timeoutTo(LONG, APP.succeed(-1));
    }
    assertThat(TestRuntimes.runPromptly(runtime, chain).getOrThrow()).isEqualTo(7);
    await().until(() -> time.pendingTimers() == 0);
  }

  @Test
  void deeplyNestedFirstSuccessRuns() {
    ActionEffect<String, Integer> chain = APP.succeed(7);
    ActionEffect<String, Integer> failing = APP.fail("no");
    for (int i = 0; i < DEPTH; i++) {
      chain = APP.firstSuccess(List.of(failing, chain));
    }
    assertThat(TestRuntimes.runPromptly(runtime, chain).getOrThrow()).isEqualTo(7);
  }
}
