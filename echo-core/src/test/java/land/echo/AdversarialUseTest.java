package land.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hostile but legal uses of the API, found in a stranger's hour with the README. */
@Timeout(60)
class AdversarialUseTest {

  @Test
  void aCancellationActionThatRegistersAnotherAndCancelsAgainRunsBothOnceWithoutRecursion() throws Exception {
    ApplicationRuntime runtime = TestRuntimes.onSystemTime();
    AtomicInteger ran = new AtomicInteger();
    AtomicReference<EffectHandle<String, Integer>> self = new AtomicReference<>();
    CountDownLatch registered = new CountDownLatch(1);
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      token.onCancel(() -> {
        ran.incrementAndGet();
        token.onCancel(ran::incrementAndGet); // already cancelled: runs at once, here
        self.get().cancel("again");           // already complete: a no-op
      });
      registered.countDown();
      new CountDownLatch(1).await();
      return 1;
    }));
    self.set(handle);
    TestRuntimes.awaitPromptly(registered, "registered");

    assertThat(handle.cancel("first")).isTrue();

    assertThat(ran).hasValue(2);
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("first")));
    assertThat(runtime.shutdown(Duration.ofSeconds(5)).stillUnwinding()).isEmpty();
  }

  @Test
  void cancellingTenThousandBlockedChildrenOfAllInterruptsEveryOneBeforeShutdownReturns() throws Exception {
    ApplicationRuntime runtime = TestRuntimes.onSystemTime();
    int n = 10_000;
    CountDownLatch started = new CountDownLatch(n);
    AtomicInteger interrupted = new AtomicInteger();
    List<ActionEffect<String, Integer>> children = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      children.add(ActionEffect.<String, Integer>blocking(token -> {
        started.countDown();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          interrupted.incrementAndGet();
          throw e;
        }
        return 1;
      }));
    }
    EffectHandle<String, List<Integer>> handle = runtime.submit(ActionEffect.all(children));
    TestRuntimes.awaitPromptly(started, "started");

    ShutdownReport report = runtime.shutdown(Duration.ZERO);

    assertThat(handle.isDone()).isTrue();
    assertThat(report.stillUnwinding()).isEmpty();
    assertThat(interrupted).hasValue(n);
  }

  @Test
  void concurrentShutdownsFromManyThreadsShareOneReport() throws Exception {
    ApplicationRuntime runtime = TestRuntimes.onSystemTime();
    for (int i = 0; i < 100; i++) {
      runtime.submit(ActionEffect.<String>sleep(Duration.ofHours(1)));
    }
    List<CompletableFuture<ShutdownReport>> reports = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      CompletableFuture<ShutdownReport> report = new CompletableFuture<>();
      Thread.ofPlatform().start(() -> report.complete(runtime.shutdown(Duration.ZERO)));
      reports.add(report);
    }
    ShutdownReport first = TestRuntimes.joinPromptly(reports.get(0), "the first shutdown's report");
    assertThat(reports).allMatch(r -> TestRuntimes.joinPromptly(r, "a concurrent shutdown's report") == first);
    assertThat(first.cancelled()).isEqualTo(100);
  }

  @Test
  void aFinalizerThatSubmitsDuringShutdownGetsRejectedAndNothingHangs() {
    ApplicationRuntime runtime = TestRuntimes.onSystemTime();
    CompletableFuture<Outcome<String, Integer>> late = new CompletableFuture<>();
    CountDownLatch started = new CountDownLatch(1);
    // The finalizer only runs once the effect has started (one cancelled while still queued runs
    // nothing), so shutdown waits for the start; on a loaded machine it could otherwise win the race.
    runtime.submit(ActionEffect.<String, Integer>compute(token -> {
      started.countDown();
      return 0;
    }).flatMap(x -> ActionEffect.<String>sleep(Duration.ofHours(1))).ensuring(
        () -> late.complete(runtime.submit(ActionEffect.<String, Integer>succeed(1)).join())));
    TestRuntimes.awaitUninterruptibly(started);

    runtime.shutdown(Duration.ZERO);

    assertThat(TestRuntimes.joinPromptly(late, "the late submission's outcome")).isEqualTo(new Outcome.Faulted<>(new Fault.Rejected("the runtime is shut down")));
  }
}
