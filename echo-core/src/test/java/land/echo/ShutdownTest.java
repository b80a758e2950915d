package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ShutdownTest {
  private static final Duration DEADLINE = Duration.ofSeconds(1);
  private final VirtualTime time = new VirtualTime();

  private ApplicationRuntime.Builder builder(int workers) {
    return ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(workers)).clock(time).timer(time);
  }

  private static ActionEffect<String, Integer> blockUntil(CountDownLatch release, CountDownLatch started) {
    return ActionEffect.blocking(token -> {
      started.countDown();
      release.await();
      return 1;
    });
  }

  @Test
  void submissionsAfterShutdownCompleteAtOnceWithRejected() {
    ApplicationRuntime runtime = builder(1).build();
    runtime.shutdown(Duration.ZERO);
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.succeed(1));
    assertThat(handle.isDone()).isTrue();
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Rejected("the runtime is shut down")));
    assertThat(runtime.isShutdown()).isTrue();
    assertThat(runtime.stats().rejected()).isEqualTo(1);
  }

  @Test
  void inFlightEffectsMayFinishBeforeTheDeadline() throws Exception {
    ApplicationRuntime runtime = builder(2).build();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    EffectHandle<String, Integer> handle = runtime.submit(blockUntil(release, started));
    TestRuntimes.awaitPromptly(started, "started");
    CompletableFuture<ShutdownReport> report = CompletableFuture.supplyAsync(() -> runtime.shutdown(DEADLINE));
    await().until(() -> time.pendingTimers() == 1);
    assertThat(report).isNotDone();
    release.countDown();
    assertThat(TestRuntimes.joinPromptly(report, "the shutdown's report").completed()).isEqualTo(1);
    assertThat(TestRuntimes.joinPromptly(report, "the shutdown's report").cancelled()).isZero();
    assertThat(TestRuntimes.joinPromptly(handle).getOrThrow()).isEqualTo(1);
  }

  @Test
  void whateverRemainsAtTheDeadlineIsCancelledAndInterrupted() throws Exception {
    ApplicationRuntime runtime = builder(2).build();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
      return 1;
    }));
    TestRuntimes.awaitPromptly(started, "started");
    CompletableFuture<ShutdownReport> report = CompletableFuture.supplyAsync(() -> runtime.shutdown(DEADLINE));
    await().until(() -> time.pendingTimers() == 1);
    time.advance(DEADLINE.minusNanos(1));
    assertThat(handle.isDone()).isFalse();
    time.advance(Duration.ofNanos(1));
    assertThat(TestRuntimes.joinPromptly(report, "the shutdown's report").cancelled()).isEqualTo(1);
    assertThat(TestRuntimes.joinPromptly(handle)).isInstanceOfSatisfying(Outcome.Faulted.class,
        f -> assertThat(f.fault()).isInstanceOf(Fault.Cancelled.class));
    TestRuntimes.awaitPromptly(interrupted, "interrupted");
  }

  @Test
  void aQueuedEffectCancelledAtTheDeadlineNeverStarts() throws Exception {
    ApplicationRuntime runtime = builder(1).build();
    CountDownLatch release = TestRuntimes.occupyAWorker(runtime, Priority.NORMAL);
    AtomicBoolean queuedRan = new AtomicBoolean();
    EffectHandle<String, Integer> queued = runtime.submit(ActionEffect.compute(token -> {
      queuedRan.set(true);
      return 2;
    }));
    CompletableFuture<ShutdownReport> report = CompletableFuture.supplyAsync(() -> runtime.shutdown(DEADLINE));
    await().until(() -> time.pendingTimers() == 1);
    time.advance(DEADLINE);
    await().until(queued::isDone);
    release.countDown();
    assertThat(TestRuntimes.joinPromptly(report, "the shutdown's report").cancelled()).isEqualTo(2);
    assertThat(runtime.scheduler().isTerminated()).isTrue();
    assertThat(queuedRan).isFalse();
  }

  @Test
  void hooksRunInRegistrationOrderAfterTheEffectsAndBeforeTheSchedulerStops() {
    List<String> order = new CopyOnWriteArrayList<>();
    ApplicationRuntime[] holder = new ApplicationRuntime[1];
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(1))
        .shutdownHook("first", DEADLINE, () -> order.add("first, scheduler stopped=" + holder[0].scheduler().isShutdown()))
        .shutdownHook("second", DEADLINE, () -> order.add("second"))
        .shutdownHook("third", DEADLINE, () -> order.add("third"))
        .build();
    holder[0] = runtime;
    ShutdownReport report = runtime.shutdown(DEADLINE);
    assertThat(order).containsExactly("first, scheduler stopped=false", "second", "third");
    assertThat(report.hooks()).extracting(HookResult::name).containsExactly("first", "second", "third");
    assertThat(report.hooks()).extracting(HookResult::status).containsOnly(HookResult.Status.COMPLETED);
    assertThat(report.failure()).isEmpty();
    assertThat(runtime.scheduler().isShutdown()).isTrue();
  }

  @Test
  void everyHookIsAttemptedAndFailuresAreGatheredIntoOneError() {
    List<String> ran = new CopyOnWriteArrayList<>();
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(1))
        .shutdownHook("cocoon", DEADLINE, () -> {
          ran.add("cocoon");
          throw new IllegalStateException("sidecar unreachable");
        })
        .shutdownHook("terminals", DEADLINE, () -> ran.add("terminals"))
        .shutdownHook("state", DEADLINE, () -> {
          ran.add("state");
          throw new java.io.IOException("disk full");
        })
        .build();
    ShutdownReport report = runtime.shutdown(DEADLINE);
    assertThat(ran).containsExactly("cocoon", "terminals", "state");
    assertThat(report.hooks()).extracting(HookResult::status).containsExactly(
        HookResult.Status.FAILED, HookResult.Status.COMPLETED, HookResult.Status.FAILED);
    Fault.ShutdownFailed failure = report.failure().orElseThrow();
    assertThat(failure.failures()).hasSize(2);
    assertThat(failure.failures().get(0)).contains("cocoon").contains("sidecar unreachable");
    assertThat(failure.failures().get(1)).contains("state").contains("disk full");
    assertThat(failure.message()).startsWith("Shutdown completed with 2 errors");
  }

  @Test
  void aHookThatOverrunsItsTimeoutIsInterruptedAndTheNextOneStillRuns() throws Exception {
    CountDownLatch hanging = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    List<String> ran = new CopyOnWriteArrayList<>();
    Duration hookTimeout = Duration.ofSeconds(5);
    ApplicationRuntime runtime = builder(1)
        .shutdownHook("terminals", hookTimeout, () -> {
          hanging.countDown();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
        })
        .shutdownHook("flush", hookTimeout, () -> ran.add("flush"))
        .build();
    CompletableFuture<ShutdownReport> report = CompletableFuture.supplyAsync(() -> runtime.shutdown(DEADLINE));
    TestRuntimes.awaitPromptly(hanging, "hanging");
    await().until(() -> time.nextDelay().equals(Optional.of(hookTimeout)));
    time.advance(hookTimeout.minusNanos(1));
    assertThat(report).isNotDone();
    time.advance(Duration.ofNanos(1));
    ShutdownReport done = TestRuntimes.joinPromptly(report, "the shutdown's report");
    TestRuntimes.awaitPromptly(interrupted, "interrupted");
    assertThat(done.hooks()).extracting(HookResult::status)
        .containsExactly(HookResult.Status.TIMED_OUT, HookResult.Status.COMPLETED);
    assertThat(done.failure().orElseThrow().failures()).containsExactly(
        "Shutdown hook 'terminals' timed out after PT5S");
    assertThat(ran).containsExactly("flush");
  }

  @Test
  void shuttingDownTwiceIsHarmlessAndReturnsTheSameReport() {
    List<String> ran = new CopyOnWriteArrayList<>();
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(1))
        .shutdownHook("once", DEADLINE, () -> ran.add("once")).build();
    ShutdownReport first = runtime.shutdown(DEADLINE);
    ShutdownReport second = runtime.shutdown(Duration.ZERO);
    runtime.close();
    assertThat(second).isSameAs(first);
    assertThat(ran).containsExactly("once");
  }

  @Test
  void concurrentShutdownCallsShareOneRun() throws Exception {
    CountDownLatch hookEntered = new CountDownLatch(1);
    CountDownLatch releaseHook = new CountDownLatch(1);
    List<String> ran = new CopyOnWriteArrayList<>();
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(1))
        .shutdownHook("slow", Duration.ofMinutes(1), () -> {
          ran.add("slow");
          hookEntered.countDown();
          releaseHook.await();
        }).build();
    CompletableFuture<ShutdownReport> first = new CompletableFuture<>();
    Thread.ofPlatform().name("first-shutdown").start(() -> completeWith(first, () -> runtime.shutdown(DEADLINE)));
    TestRuntimes.awaitPromptly(hookEntered, "hook entered");
    // The first run is held inside its hook; the second call starts now and must wait for it.
    CompletableFuture<ShutdownReport> second = new CompletableFuture<>();
    Thread secondCaller = Thread.ofPlatform().name("second-shutdown")
        .start(() -> completeWith(second, () -> runtime.shutdown(Duration.ZERO)));
    await().until(() -> second.isDone() || secondCaller.getState() == Thread.State.WAITING);
    assertThat(second).as("the second call returned while the first run was still in its hook").isNotDone();
    assertThat(first).isNotDone();
    releaseHook.countDown();
    assertThat(TestRuntimes.joinPromptly(second, "the second shutdown's report")).isSameAs(TestRuntimes.joinPromptly(first, "the first shutdown's report"));
    assertThat(ran).as("hook runs").containsExactly("slow");
  }

  private static <T> void completeWith(CompletableFuture<T> future, java.util.function.Supplier<T> call) {
    try {
      future.complete(call.get());
    } catch (Throwable t) {
      future.completeExceptionally(t);
    }
  }

  @Test
  void aSleepingEffectWhoseSchedulerWasStoppedCompletesAsRejectedWhenItWakes() {
    ApplicationRuntime runtime = builder(1).build();
    AtomicBoolean finalized = new AtomicBoolean();
    EffectHandle<String, String> handle = runtime.submit(
        ActionEffect.<String>sleep(DEADLINE).map(x -> "woke").ensuring(() -> finalized.set(true)));
    await().until(() -> time.pendingTimers() == 1);
    runtime.scheduler().shutdown();
    time.advance(DEADLINE);
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Rejected("the scheduler is shut down")));
    // It unwinds on a fresh virtual thread, never on the timer's thread that woke it.
    await().untilTrue(finalized);
    runtime.shutdown(Duration.ZERO);
  }

  @Test
  void aBlockingEffectWhoseSchedulerWasStoppedCompletesAsRejectedWhenTheBodyReturns() throws Exception {
    ApplicationRuntime runtime = builder(1).build();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    EffectHandle<String, Integer> handle = runtime.submit(blockUntil(release, started).map(x -> x + 1));
    TestRuntimes.awaitPromptly(started, "started");
    runtime.scheduler().shutdown();
    release.countDown();
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Rejected("the scheduler is shut down")));
    runtime.shutdown(Duration.ZERO);
  }

  @Test
  void shutdownCalledFromInsideAComputeBodyIsRefusedAtOnceSayingWhatToDoInstead() {
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(1)).build();
    Outcome<String, ShutdownReport> outcome =
        TestRuntimes.runPromptly(runtime, ActionEffect.<String, ShutdownReport>compute(token -> runtime.shutdown(Duration.ZERO)));
    assertThat(outcome).isInstanceOfSatisfying(Outcome.Faulted.class, f -> assertThat(f.fault())
        .isInstanceOfSatisfying(Fault.Panic.class, p -> assertThat(p.cause())
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("shutdownAsync")));
    assertThat(runtime.isShutdown()).isFalse();
    runtime.shutdown(Duration.ZERO);
  }

  @Test
  void shutdownCalledFromInsideABlockingBodyIsRefusedAtOnce() {
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(1)).build();
    Outcome<String, ShutdownReport> outcome =
        TestRuntimes.runPromptly(runtime, ActionEffect.<String, ShutdownReport>blocking(token -> runtime.shutdown(Duration.ZERO)));
    assertThat(outcome).isInstanceOfSatisfying(Outcome.Faulted.class, f -> assertThat(f.fault())
        .isInstanceOfSatisfying(Fault.Panic.class, p -> assertThat(p.cause())
            .isInstanceOf(IllegalStateException.class)));
    runtime.shutdown(Duration.ZERO);
  }

  @Test
  void shutdownAsyncFromInsideAnEffectDrainsThatEffectAndRunsTheHooks() {
    AtomicBoolean hookRan = new AtomicBoolean();
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(1))
        .shutdownHook("flag", Duration.ofSeconds(10), () -> hookRan.set(true)).build();
    CompletableFuture<ShutdownReport> report = new CompletableFuture<>();
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>compute(token -> {
      runtime.shutdownAsync(Duration.ofSeconds(30)).whenComplete((r, e) -> report.complete(r));
      return 1;
    }));
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Success<>(1));
    assertThat(TestRuntimes.joinPromptly(report, "the shutdown's report").cancelled()).isZero();
    assertThat(hookRan).isTrue();
  }

  @Test
  void aNegativeDeadlineIsRejected() {
    ApplicationRuntime runtime = builder(1).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> runtime.shutdown(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadline");
    runtime.shutdown(Duration.ZERO);
  }

  @Test
  void hookRegistrationValidatesItsArguments() {
    ApplicationRuntime.Builder builder = ApplicationRuntime.builder();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.shutdownHook(" ", DEADLINE, () -> { }))
        .hasMessageContaining("name");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.shutdownHook("x", Duration.ZERO, () -> { }))
        .hasMessageContaining("timeout");
  }

  @Test
  void aHookFailingWithAnExceptionWhoseToStringThrowsIsReportedAndTheNextHookStillRuns() {
    AtomicBoolean secondRan = new AtomicBoolean();
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(1))
        .shutdownHook("hostile", Duration.ofSeconds(10), () -> {
          throw new land.echo.testing.HostileException();
        })
        .shutdownHook("next", Duration.ofSeconds(10), () -> secondRan.set(true))
        .build();

    ShutdownReport report = runtime.shutdown(Duration.ZERO);

    assertThat(secondRan).isTrue();
    assertThat(report.hooks()).extracting(HookResult::status)
        .containsExactly(HookResult.Status.FAILED, HookResult.Status.COMPLETED);
    assertThat(report.failure()).isPresent();
    assertThat(report.failure().get().failures().get(0))
        .contains("hostile").contains(land.echo.testing.HostileException.class.getName());
  }
}
