package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized: 100,000 effects mixing success, failure, panic, timeout, cancellation, fan-out and
 * effects that only end when interrupted, submitted from several threads while the runtime shuts
 * down in the middle. Every handle must complete exactly once and the counts must reconcile.
 */
class ShutdownStressTest {
  private static final int EFFECTS = 100_000;
  private static final int SUBMITTERS = 4;

  private enum Kind { SUCCESS, FAILURE, PANIC, BLOCKING, TIMEOUT, CANCEL, ALL, RACE, UNTIL_INTERRUPTED }

  private static final Kind[] KINDS = Kind.values();

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void everyHandleCompletesExactlyOnceWhenShutdownHitsTheMiddleOfTheLoad() throws Exception {
    // Counts the runtime's completions per effect: whenComplete below fires at most once per
    // handle whatever the runtime does, so it shows only that each handle completed at all.
    CancellationRaceTest.CompletionCounter counter = new CancellationRaceTest.CompletionCounter();
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(2)).listener(counter).build();
    AtomicReferenceArray<EffectHandle<String, ?>> handles = new AtomicReferenceArray<>(EFFECTS);
    AtomicIntegerArray completions = new AtomicIntegerArray(EFFECTS);
    AtomicLongArray outcomeKinds = new AtomicLongArray(3); // success, failure, fault
    AtomicInteger submittedSoFar = new AtomicInteger();
    CountDownLatch halfway = new CountDownLatch(1);
    long seed = TestThreads.stressSeed("ShutdownStressTest");

    Thread[] submitters = new Thread[SUBMITTERS];
    for (int s = 0; s < SUBMITTERS; s++) {
      int first = s * (EFFECTS / SUBMITTERS);
      SplittableRandom random = new SplittableRandom(seed + s);
      submitters[s] = Thread.ofPlatform().name("submitter-" + s).start(() -> {
        int quota = EFFECTS / SUBMITTERS;
        for (int i = first; i < first + quota; i++) {
          if (i == first + quota * 3 / 4) {
            // The last quarter races with shutdown for certain, however the threads are scheduled.
            while (!runtime.isShutdown()) {
              Thread.onSpinWait();
            }
          }
          int index = i;
          EffectHandle<String, ?> handle = submit(runtime, KINDS[random.nextInt(KINDS.length)], random, i);
          handles.set(i, handle);
          handle.outcome().whenComplete((outcome, error) -> {
            completions.incrementAndGet(index);
            outcomeKinds.incrementAndGet(switch (outcome) {
              case Outcome.Success<?, ?> ok -> 0;
              case Outcome.Failure<?, ?> bad -> 1;
              case Outcome.Faulted<?, ?> fault -> 2;
            });
          });
          if (submittedSoFar.incrementAndGet() == EFFECTS / 2) {
            halfway.countDown();
          }
        }
      });
    }

    halfway.await();
    ShutdownReport report = runtime.shutdown(Duration.ofMillis(200));
    for (Thread submitter : submitters) {
      submitter.join();
    }

    for (int i = 0; i < EFFECTS; i++) {
      assertThat(handles.get(i).isDone()).as("handle %d (seed %d)", i, seed).isTrue();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> sum(outcomeKinds) == EFFECTS);
    for (int i = 0; i < EFFECTS; i++) {
      assertThat(completions.get(i)).as("handle %d completed (seed %d)", i, seed).isEqualTo(1);
    }
    counter.assertEachSubmittedEffectCompletedOnce(EFFECTS, seed);
    RuntimeStats stats = runtime.stats();
    assertThat(stats.submitted()).as("seed %d", seed).isEqualTo(EFFECTS);
    assertThat(stats.succeeded()).as("seed %d", seed).isEqualTo(outcomeKinds.get(0));
    assertThat(stats.failed()).as("seed %d", seed).isEqualTo(outcomeKinds.get(1));
    assertThat(stats.faulted()).as("seed %d", seed).isEqualTo(outcomeKinds.get(2));
    assertThat(stats.inFlight()).as("seed %d", seed).isZero();
    assertThat(stats.rejected()).as("submissions after shutdown were rejected (seed %d)", seed).isPositive();
    assertThat(report.cancelled()).as("effects that only end when interrupted were cancelled (seed %d)", seed).isPositive();
    assertThat(runtime.scheduler().isShutdown()).isTrue();
  }

  private static long sum(AtomicLongArray counts) {
    long total = 0;
    for (int i = 0; i < counts.length(); i++) {
      total += counts.get(i);
    }
    return total;
  }

  private static EffectHandle<String, ?> submit(ApplicationRuntime runtime, Kind kind, SplittableRandom random, int i) {
    Priority priority = Priority.ofOrdinal(random.nextInt(Priority.COUNT));
    return switch (kind) {
      case SUCCESS -> runtime.submit(ActionEffect.<String, Integer>compute(token -> i).map(x -> x + 1), priority);
      case FAILURE -> runtime.submit(ActionEffect.<String, Integer>succeed(i).flatMap(x -> ActionEffect.fail("no " + x)), priority);
      case PANIC -> runtime.submit(ActionEffect.<String, Integer>compute(token -> {
        throw new IllegalStateException("panic " + i);
      }), priority);
      case BLOCKING -> runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
        LockSupport.parkNanos(20_000);
        return i;
      }), priority);
      case TIMEOUT -> runtime.submitWithTimeout(ActionEffect.<String, Integer>blocking(token -> {
        LockSupport.parkNanos(random(i) * 1_000L);
        return i;
      }), Duration.ofNanos(random(i + 7) * 1_000L), priority);
      case CANCEL -> {
        EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
          new CountDownLatch(1).await();
          return i;
        }).ensuring(() -> { }), priority);
        handle.cancel("stress");
        yield handle;
      }
      case ALL -> runtime.submit(ActionEffect.<String, Integer>all(List.of(
          ActionEffect.compute(token -> 1), ActionEffect.blocking(token -> 2), ActionEffect.succeed(3))), priority);
      case RACE -> runtime.submit(ActionEffect.<String, Integer>race(
          ActionEffect.compute(token -> 1), ActionEffect.<String>sleep(Duration.ofMillis(5)).map(x -> 2)), priority);
      case UNTIL_INTERRUPTED -> runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
        new CountDownLatch(1).await();
        return i;
      }), priority);
    };
  }

  /** A cheap deterministic pseudo-random number in [0, 2000) for durations in microseconds. */
  private static long random(int i) {
    return (i * 2654435761L >>> 7) % 2000;
  }
}
