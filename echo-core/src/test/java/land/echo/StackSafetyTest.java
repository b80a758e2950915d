package land.echo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class StackSafetyTest {
  private static final int DEPTH = 1_000_000;
  private final ApplicationRuntime runtime = TestRuntimes.onSystemTime();

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  @Test
  void aMillionStepFlatMapChainRuns() {
    ActionEffect<String, Integer> chain = ActionEffect.succeed(0);
    for (int i = 0; i < DEPTH; i++) {
      chain = chain.flatMap(x -> ActionEffect.succeed(x + 1));
    }
    assertThat(TestRuntimes.runPromptly(runtime, chain).getOrThrow()).isEqualTo(DEPTH);
  }

  @Test
  void aMillionStepMapChainRuns() {
    ActionEffect<String, Integer> chain = ActionEffect.succeed(0);
    for (int i = 0; i < DEPTH; i++) {
      chain = chain.map(x -> x + 1);
    }
    assertThat(TestRuntimes.runPromptly(runtime, chain).getOrThrow()).isEqualTo(DEPTH);
  }

  @Test
  void aMillionDeepRecursionThroughSuspendAndMapRuns() {
    assertThat(TestRuntimes.runPromptly(runtime, countDown(DEPTH)).getOrThrow()).isEqualTo(DEPTH);
  }

  @Test
  void aMillionDeepTailRecursionThroughFlatMapRuns() {
    assertThat(TestRuntimes.runPromptly(runtime, loop(DEPTH, 0)).getOrThrow()).isEqualTo(DEPTH);
  }

  @Test
  void aMillionNestedEnsuringFinalizersAllRun() {
    int[] ran = {0};
    ActionEffect<String, Integer> chain = ActionEffect.succeed(1);
    for (int i = 0; i < DEPTH; i++) {
      chain = chain.ensuring(() -> ran[0]++);
    }
    assertThat(TestRuntimes.runPromptly(runtime, chain).getOrThrow()).isEqualTo(1);
    assertThat(ran[0]).isEqualTo(DEPTH);
  }

  /** Non-tail recursion: every level leaves a map frame on the interpreter's own stack. */
  private static ActionEffect<String, Integer> countDown(int n) {
    if (n == 0) {
      return ActionEffect.succeed(0);
    }
    return ActionEffect.<String, Integer>suspend(() -> countDown(n - 1)).map(x -> x + 1);
  }

  private static ActionEffect<String, Integer> loop(int n, int acc) {
    if (n == 0) {
      return ActionEffect.succeed(acc);
    }
    return ActionEffect.<String, Integer>succeed(acc + 1).flatMap(next -> loop(n - 1, next));
  }
}
