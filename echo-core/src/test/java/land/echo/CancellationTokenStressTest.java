package land.echo;

import static land.echo.testing.TestThreads.failIfAny;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import land.echo.internal.Fiber;
import land.echo.internal.RuntimeCore;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Registrations racing with cancellation: every action registered and not withdrawn runs exactly
 * once, whether it was registered before, during or after the cancel; withdrawn ones never run
 * after their withdrawal; and only one of several racing cancels wins.
 */
@Timeout(60)
class CancellationTokenStressTest {
  private static final int ROUNDS = 500;
  private static final int REGISTRARS = 3;
  private static final int PER_REGISTRAR = 20;

  private final VirtualTime time = new VirtualTime();
  private final RuntimeCore core = new RuntimeCore(TestRuntimes.scheduler(1), Environment.empty(), time, time);

  @AfterEach
  void stop() {
    core.scheduler.shutdown();
  }

  @Test
  void everyKeptRegistrationRunsExactlyOnceAndOneCancelWins() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      Fiber<String, Integer> fiber = new Fiber<>(core, Priority.NORMAL, ActionEffect.succeed(1), null, 0);
      AtomicIntegerArray runs = new AtomicIntegerArray(REGISTRARS * PER_REGISTRAR);
      boolean[] withdrawn = new boolean[REGISTRARS * PER_REGISTRAR];
      AtomicInteger winners = new AtomicInteger();
      CountDownLatch go = new CountDownLatch(1);
      Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
      List<Thread> threads = new ArrayList<>();
      for (int r = 0; r < REGISTRARS; r++) {
        int first = r * PER_REGISTRAR;
        threads.add(Thread.ofPlatform().start(collecting(failures, () -> {
          await(go);
          for (int i = first; i < first + PER_REGISTRAR; i++) {
            int index = i;
            CancellationToken.Registration registration = fiber.onCancel(() -> runs.incrementAndGet(index));
            if (i % 5 == 0) {
              registration.close();
              withdrawn[i] = true;
            }
          }
        })));
      }
      for (int c = 0; c < 2; c++) {
        threads.add(Thread.ofPlatform().start(collecting(failures, () -> {
          await(go);
          if (fiber.signal(new Fault.Cancelled("stress"))) {
            winners.incrementAndGet();
          }
        })));
      }
      go.countDown();
      for (Thread thread : threads) {
        thread.join();
      }
      failIfAny(failures);
      assertThat(winners).hasValue(1);
      assertThat(fiber.isCancelled()).isTrue();
      for (int i = 0; i < runs.length(); i++) {
        if (withdrawn[i]) {
          assertThat(runs.get(i)).as("withdrawn registration %d in round %d", i, round).isLessThanOrEqualTo(1);
        } else {
          assertThat(runs.get(i)).as("registration %d in round %d", i, round).isEqualTo(1);
        }
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code body}, collecting whatever it throws instead of losing it on its thread. */
  private static Runnable collecting(Queue<Throwable> failures, Runnable body) {
    return () -> {
      try {
        body.run();
      } catch (Throwable t) {
        failures.add(t);
      }
    };
  }
}
