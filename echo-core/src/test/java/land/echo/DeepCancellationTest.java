package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cancellation through effects nested 100,000 deep: it must never overflow the stack, must reach
 * the innermost blocking body, and must complete every handle (issue: deep cancellation).
 */
@Timeout(120)
class DeepCancellationTest {
  private static final int DEPTH = 100_000;
  private static final Duration LONG = Duration.ofHours(1);

  private final VirtualTime time = new VirtualTime();
  private ApplicationRuntime runtime = TestRuntimes.onVirtualTime(time);

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  /** How one level of nesting wraps the effect inside it. */
  enum Nesting {
    TIMEOUT(e -> e.timeout(LONG)),
    ALL(e -> ActionEffect.all(List.of(e)).map(list -> list.get(0))),
    RACE(e -> ActionEffect.race(List.of(e, ActionEffect.<String>sleep(LONG).map(x -> 0))));

    final UnaryOperator<ActionEffect<String, Integer>> wrap;

    Nesting(UnaryOperator<ActionEffect<String, Integer>> wrap) {
      this.wrap = wrap;
    }
  }

  private static ActionEffect<String, Integer> nest(Nesting nesting, ActionEffect<String, Integer> inner) {
    ActionEffect<String, Integer> effect = inner;
    for (int i = 0; i < DEPTH; i++) {
      effect = nesting.wrap.apply(effect);
    }
    return effect;
  }

  @ParameterizedTest
  @EnumSource(Nesting.class)
  void cancellingAnEffectNested100000DeepInterruptsTheInnermostBody(Nesting nesting) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    EffectHandle<String, Integer> handle = runtime.submit(nest(nesting, TestRuntimes.blockUntilInterrupted(started, interrupted, 1)));
    TestRuntimes.awaitPromptly(started, "started");

    assertThat(handle.cancel("deep")).isTrue();

    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("deep")));
    TestRuntimes.awaitPromptly(interrupted, "interrupted");
  }

  @ParameterizedTest
  @EnumSource(Nesting.class)
  void aDeadlineOfAnEffectNested100000DeepInterruptsTheInnermostBody(Nesting nesting) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    Duration budget = Duration.ofSeconds(5);
    EffectHandle<String, Integer> handle =
        runtime.submitWithTimeout(nest(nesting, TestRuntimes.blockUntilInterrupted(started, interrupted, 1)), budget, Priority.NORMAL);
    TestRuntimes.awaitPromptly(started, "started");

    time.advance(budget);

    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(budget)));
    TestRuntimes.awaitPromptly(interrupted, "interrupted");
  }

  @ParameterizedTest
  @EnumSource(Nesting.class)
  void shutdownCancelsAnEffectNested100000DeepAndStillCompletesEveryOtherHandleAndRunsEveryHook(Nesting nesting)
      throws Exception {
    AtomicInteger hooksRun = new AtomicInteger();
    runtime.shutdown(Duration.ZERO);
    runtime = ApplicationRuntime.builder()
        .scheduler(TestRuntimes.scheduler(2))
        .clock(time)
        .timer(time)
        .shutdownHook("first", LONG, hooksRun::incrementAndGet)
        .shutdownHook("second", LONG, hooksRun::incrementAndGet)
        .build();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    EffectHandle<String, Integer> deep = runtime.submit(nest(nesting, TestRuntimes.blockUntilInterrupted(started, interrupted, 1)));
    List<EffectHandle<String, Integer>> others = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      others.add(runtime.submit(ActionEffect.<String>sleep(LONG).map(x -> 1)));
    }
    TestRuntimes.awaitPromptly(started, "started");

    ShutdownReport report = runtime.shutdown(Duration.ZERO);

    assertThat(deep.isDone()).isTrue();
    assertThat(others).allMatch(EffectHandle::isDone);
    assertThat(hooksRun).hasValue(2);
    assertThat(report.hooks()).extracting(HookResult::status).containsOnly(HookResult.Status.COMPLETED);
    assertThat(report.cancelled()).isEqualTo(51);
    assertThat(report.stillUnwinding()).isEmpty();
    assertThat(interrupted.getCount()).isZero();
  }

  @Test
  void closingAfterADeepShutdownIsHarmless() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    runtime.submit(nest(Nesting.TIMEOUT, TestRuntimes.blockUntilInterrupted(started, new CountDownLatch(1), 1)));
    TestRuntimes.awaitPromptly(started, "started");
    ShutdownReport first = runtime.shutdown(Duration.ZERO);
    runtime.close();
    assertThat(runtime.shutdown(Duration.ZERO)).isSameAs(first);
    await().until(() -> time.pendingTimers() == 0);
  }
}
