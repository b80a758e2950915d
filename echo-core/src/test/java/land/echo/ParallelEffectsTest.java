package land.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ParallelEffectsTest {
  private final ApplicationRuntime runtime = TestRuntimes.onSystemTime();

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  @Test
  void aForkOfSeventyThousandChildrenCollectsEveryValueAtItsIndex() {
    // A child writes its value at its own index, kept above the fiber's mode and priority bits.
    List<ActionEffect<String, Integer>> effects = new ArrayList<>();
    for (int i = 0; i < 70_000; i++) {
      int n = i;
      effects.add(ActionEffect.succeed(n));
    }
    List<Integer> values = TestRuntimes.runPromptly(runtime, ActionEffect.all(effects)).getOrThrow();
    for (int i = 0; i < 70_000; i++) {
      assertThat(values.get(i)).isEqualTo(i);
    }
  }

  @Test
  void allCollectsValuesInInputOrder() {
    List<ActionEffect<String, Integer>> effects = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int n = i;
      effects.add(i % 2 == 0 ? ActionEffect.compute(token -> n) : ActionEffect.blocking(token -> n));
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      expected.add(i);
    }
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.all(effects)).getOrThrow()).isEqualTo(expected);
  }

  @Test
  void allFailsWithTheFirstFailureAndCancelsItsSiblings() throws Exception {
    CountDownLatch siblingStarted = new CountDownLatch(1);
    CountDownLatch siblingInterrupted = new CountDownLatch(1);
    ActionEffect<String, Integer> slow = ActionEffect.blocking(token -> {
      siblingStarted.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        siblingInterrupted.countDown();
        throw e;
      }
      return 1;
    });
    ActionEffect<String, Integer> failing = ActionEffect.<String, Integer>blocking(token -> {
      TestRuntimes.awaitPromptly(siblingStarted, "the sibling's start");
      return 0;
    }).flatMap(x -> ActionEffect.fail("broken"));
    Outcome<String, List<Integer>> outcome = TestRuntimes.runPromptly(runtime, ActionEffect.all(List.of(slow, failing)));
    assertThat(outcome).isEqualTo(new Outcome.Failure<>("broken"));
    TestRuntimes.awaitPromptly(siblingInterrupted, "the failed all(..)'s sibling's interrupt");
  }

  @Test
  void allOfASingleEffectIsAListOfOne() {
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.all(List.of(ActionEffect.succeed("x")))).getOrThrow()).containsExactly("x");
  }

  @Test
  void nestedAllsFormATree() {
    List<ActionEffect<String, Integer>> leaves = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      leaves.add(ActionEffect.succeed(1));
    }
    ActionEffect<String, Integer> ten = ActionEffect.<String, Integer>all(leaves).map(l -> l.stream().mapToInt(x -> x).sum());
    List<ActionEffect<String, Integer>> tens = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tens.add(ten);
    }
    ActionEffect<String, Integer> hundred = ActionEffect.<String, Integer>all(tens).map(l -> l.stream().mapToInt(x -> x).sum());
    assertThat(TestRuntimes.runPromptly(runtime, hundred).getOrThrow()).isEqualTo(100);
  }

  @Test
  void raceReturnsTheFirstToFinishAndCancelsTheLoser() throws Exception {
    CountDownLatch loserStarted = new CountDownLatch(1);
    CountDownLatch loserInterrupted = new CountDownLatch(1);
    ActionEffect<String, String> loser = ActionEffect.blocking(token -> {
      loserStarted.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        loserInterrupted.countDown();
        throw e;
      }
      return "loser";
    });
    ActionEffect<String, String> winner = ActionEffect.blocking(token -> {
      TestRuntimes.awaitPromptly(loserStarted, "the loser's start");
      return "winner";
    });
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.race(loser, winner)).getOrThrow()).isEqualTo("winner");
    TestRuntimes.awaitPromptly(loserInterrupted, "the race loser's interrupt");
  }

  @Test
  void raceLoserComputeBodySeesItsToken() throws Exception {
    CountDownLatch loserStarted = new CountDownLatch(1);
    AtomicBoolean sawCancel = new AtomicBoolean();
    CountDownLatch loserDone = new CountDownLatch(1);
    ActionEffect<String, String> loser = ActionEffect.compute(token -> {
      loserStarted.countDown();
      while (!token.isCancelled()) {
        Thread.onSpinWait();
      }
      sawCancel.set(true);
      loserDone.countDown();
      return "loser";
    });
    ActionEffect<String, String> winner = ActionEffect.blocking(token -> {
      TestRuntimes.awaitPromptly(loserStarted, "the loser's start");
      return "winner";
    });
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.race(loser, winner)).getOrThrow()).isEqualTo("winner");
    TestRuntimes.awaitPromptly(loserDone, "the race loser seeing its token cancelled");
    assertThat(sawCancel).isTrue();
  }

  @Test
  void aFailureCanWinARace() {
    ActionEffect<String, String> fails = ActionEffect.fail("first");
    ActionEffect<String, String> never = ActionEffect.blocking(token -> {
      new CountDownLatch(1).await();
      return "never";
    });
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.race(fails, never))).isEqualTo(new Outcome.Failure<>("first"));
  }
}
