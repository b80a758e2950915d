package land.echo;

import static land.echo.testing.TestThreads.failIfAny;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import land.echo.internal.HandleFuture;
import land.echo.internal.InFlightRegistry;
import land.echo.internal.RuntimeCore;
import land.echo.testing.TestThreads;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class InFlightRegistryTest {
  private final VirtualTime time = new VirtualTime();
  private final RuntimeCore core = new RuntimeCore(TestRuntimes.scheduler(1), Environment.empty(), time, time);
  private final InFlightRegistry registry = new InFlightRegistry();

  @AfterEach
  void stop() {
    core.scheduler.shutdown();
  }

  private HandleFuture<String, Integer> fiber() {
    return new HandleFuture<>(ActionEffect.succeed(1));
  }

  /** A registered fiber and the slot it got. */
  private record Entry(HandleFuture<String, Integer> fiber, int slot) {}

  @Test
  void concurrentAddsBeyondTheTableSizeAreAllSeenAndAllRemovable() throws Exception {
    int threads = 4;
    int perThread = InFlightRegistry.SLOTS; // four times the table: most overflow
    ConcurrentLinkedQueue<Entry> added = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> adders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      adders.add(Thread.ofPlatform().start(() -> {
        try {
          go.await();
          for (int i = 0; i < perThread; i++) {
            HandleFuture<String, Integer> fiber = fiber();
            added.add(new Entry(fiber, registry.add(fiber)));
          }
        } catch (Throwable failure) {
          failures.add(failure);
        }
      }));
    }
    go.countDown();
    for (Thread adder : adders) {
      TestThreads.joinPromptly(adder, "an adder thread's end");
    }
    failIfAny(failures);
    List<HandleFuture<?, ?>> snapshot = registry.snapshot();
    assertThat(snapshot).hasSize(threads * perThread);
    assertThat(snapshot).doesNotHaveDuplicates();
    assertThat(added).anyMatch(e -> e.slot() == InFlightRegistry.OVERFLOW);
    assertThat(added).anyMatch(e -> e.slot() >= 0);
    for (Entry entry : added) {
      registry.remove(entry.fiber(), entry.slot());
    }
    assertThat(registry.snapshot()).isEmpty();
    assertThat(registry.size()).isZero();
  }
}
