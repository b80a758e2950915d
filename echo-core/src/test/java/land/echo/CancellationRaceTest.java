package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import land.echo.spi.EffectInfo;
import land.echo.spi.RuntimeListener;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cancels effects of every suspending shape at random moments: whatever the interleaving, each
 * handle completes exactly once (counted by a listener, since a future's callbacks fire at most
 * once), and every effect whose body started runs its finalizer, once.
 */
@Timeout(120)
class CancellationRaceTest {
  private static final int ROUNDS = 10_000;

  /**
   * Counts, per effect, the runtime's completions: the listener's {@code completed} runs once for
   * every time the runtime completes a handle and books its outcome. {@code whenComplete} on the
   * handle's future cannot count this, since a future's callbacks fire at most once however often
   * completion is attempted.
   */
  private final CompletionCounter counter = new CompletionCounter();
  private final ApplicationRuntime runtime =
      ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(2)).listener(counter).build();
  private final AtomicIntegerArray entered = new AtomicIntegerArray(ROUNDS);
  private final AtomicIntegerArray finalized = new AtomicIntegerArray(ROUNDS);

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  private ActionEffect<String, Integer> shape(int index, int kind) {
    ActionEffect<String, Integer> inner = switch (kind) {
      case 0 -> ActionEffect.blocking(token -> {
        LockSupport.parkNanos(10_000);
        return 1;
      });
      case 1 -> ActionEffect.async(token -> CompletableFuture.supplyAsync(() -> 1));
      case 2 -> ActionEffect.<String, Integer>all(List.of(ActionEffect.compute(token -> 1), ActionEffect.blocking(token -> 2)))
          .map(List::size);
      case 3 -> ActionEffect.race(ActionEffect.<String>sleep(Duration.ofMillis(1)).map(x -> 1), ActionEffect.compute(token -> 2));
      case 4 -> ActionEffect.<String>sleep(Duration.ofMillis(1)).map(x -> 1).timeout(Duration.ofMillis(1));
      default -> ActionEffect.<String, Integer>fail("x").retry(RetryPolicy.of(2, Duration.ofNanos(100_000)));
    };
    // The ensuring frame is pushed before the first body runs: a body that started implies a finalizer.
    return ActionEffect.<String, Integer>compute(token -> entered.incrementAndGet(index))
        .flatMap(x -> inner)
        .ensuring(() -> finalized.incrementAndGet(index));
  }

  @Test
  void everyInterleavingCompletesOnceAndRunsStartedFinalizersOnce() {
    long seed = TestThreads.stressSeed("CancellationRaceTest");
    SplittableRandom random = new SplittableRandom(seed);
    AtomicIntegerArray completions = new AtomicIntegerArray(ROUNDS);
    for (int i = 0; i < ROUNDS; i++) {
      int index = i;
      EffectHandle<String, Integer> handle = runtime.submit(shape(i, random.nextInt(6)));
      handle.outcome().whenComplete((outcome, error) -> completions.incrementAndGet(index));
      for (int spin = random.nextInt(3_000); spin > 0; spin--) {
        Thread.onSpinWait();
      }
      handle.cancel("race " + i);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> allOnce(completions));
    // After shutdown nothing new can start; wait until every started effect has unwound.
    runtime.shutdown(Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(30)).until(() -> finalizersCaughtUp());
    for (int i = 0; i < ROUNDS; i++) {
      assertThat(completions.get(i)).as("handle %d completed (seed %d)", i, seed).isEqualTo(1);
      assertThat(finalized.get(i)).as("finalizer runs of effect %d (seed %d)", i, seed).isLessThanOrEqualTo(1);
    }
    counter.assertEachSubmittedEffectCompletedOnce(ROUNDS, seed);
    assertThat(runtime.stats().inFlight()).isZero();
    assertThat(runtime.stats().finalizerFailures()).isZero();
  }

  /** Every effect whose body started has run its finalizer. */
  private boolean finalizersCaughtUp() {
    for (int i = 0; i < ROUNDS; i++) {
      if (entered.get(i) == 1 && finalized.get(i) == 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean allOnce(AtomicIntegerArray completions) {
    for (int i = 0; i < completions.length(); i++) {
      if (completions.get(i) != 1) {
        return false;
      }
    }
    return true;
  }

  /** Counts the runtime's submissions and completions of each effect, by the effect's id. */
  static final class CompletionCounter implements RuntimeListener {
    private final Set<Long> submitted = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<Long, AtomicInteger> completed = new ConcurrentHashMap<>();

    @Override
    public boolean observesSteps() {
      return false;
    }

    @Override
    public void submitted(EffectInfo effect) {
      submitted.add(effect.id());
    }

    @Override
    public void completed(EffectInfo effect, Outcome<?, ?> outcome) {
      completed.computeIfAbsent(effect.id(), id -> new AtomicInteger()).incrementAndGet();
    }

    void assertEachSubmittedEffectCompletedOnce(int effects, long seed) {
      assertThat(submitted).as("effects submitted (seed %d)", seed).hasSize(effects);
      assertThat(completed.keySet()).as("effects completed (seed %d)", seed).isEqualTo(submitted);
      completed.forEach((id, count) ->
          assertThat(count.get()).as("completions of effect #%d (seed %d)", id, seed).isEqualTo(1));
    }
  }
}
