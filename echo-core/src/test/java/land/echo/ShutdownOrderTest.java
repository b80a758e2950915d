package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shutdown waits, within a bound, for cancelled effects to finish unwinding before it runs the
 * hooks, and keeps to its documented total bound (issue: shutdown order).
 */
@Timeout(60)
class ShutdownOrderTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final Duration HOOK_TIMEOUT = Duration.ofSeconds(5);

  private final VirtualTime time = new VirtualTime();
  private final List<String> events = new CopyOnWriteArrayList<>();

  private ApplicationRuntime runtime() {
    return ApplicationRuntime.builder()
        .scheduler(TestRuntimes.scheduler(2))
        .clock(time)
        .timer(time)
        .shutdownHook("close pool", HOOK_TIMEOUT, () -> events.add("hook"))
        .build();
  }

  /** A long sleep whose finalizer signals {@code entered}, then ignores interrupts until {@code release}. */
  private static ActionEffect<String, Integer> sleepWithStubbornFinalizer(CountDownLatch entered, CountDownLatch release) {
    return ActionEffect.<String>sleep(Duration.ofHours(1)).map(x -> 1).ensuring(() -> {
      entered.countDown();
      TestRuntimes.awaitUninterruptibly(release);
    });
  }

  @Test
  void finalizersOfCancelledEffectsRunBeforeTheHooks() throws Exception {
    ApplicationRuntime runtime = runtime();
    CountDownLatch started = new CountDownLatch(1);
    // A finalizer that takes a while (on a blocking body's thread, released by the interrupt).
    runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      started.countDown();
      new CountDownLatch(1).await();
      return 1;
    }).ensuring(() -> events.add("finalizer")));
    TestRuntimes.awaitPromptly(started, "started");

    ShutdownReport report = runtime.shutdown(Duration.ZERO);

    assertThat(events).containsExactly("finalizer", "hook");
    assertThat(report.cancelled()).isEqualTo(1);
    assertThat(report.stillUnwinding()).isEmpty();
  }

  @Test
  void anEffectThatDoesNotStopUnwindingIsReportedAndTheHooksRunAfterTheGrace() throws Exception {
    ApplicationRuntime runtime = runtime();
    CountDownLatch stuckInFinalizer = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    runtime.submit(sleepWithStubbornFinalizer(stuckInFinalizer, release).named("stubborn"));
    await().until(() -> time.pendingTimers() == 1);

    CompletableFuture<ShutdownReport> report = new CompletableFuture<>();
    Thread.ofPlatform().start(() -> report.complete(runtime.shutdown(Duration.ZERO)));
    TestRuntimes.awaitPromptly(stuckInFinalizer, "stuck in finalizer");
    await().until(() -> time.pendingTimers() == 1); // the grace's timer
    assertThat(events).isEmpty();
    time.advance(ApplicationRuntime.UNWIND_GRACE);

    assertThat(TestRuntimes.joinPromptly(report, "the shutdown's report").stillUnwinding()).containsExactly("stubborn");
    assertThat(events).containsExactly("hook");
    release.countDown();
  }

  @Test
  void shutdownTakesTheDeadlinePlusTheGraceAtMostNotTwiceTheDeadline() throws Exception {
    ApplicationRuntime runtime = runtime();
    CountDownLatch stuckInFinalizer = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    runtime.submit(sleepWithStubbornFinalizer(stuckInFinalizer, release));
    await().until(() -> time.pendingTimers() == 1);
    CompletableFuture<ShutdownReport> report = new CompletableFuture<>();
    Thread.ofPlatform().start(() -> report.complete(runtime.shutdown(DEADLINE)));
    await().until(() -> time.pendingTimers() == 2); // the sleep and the drain deadline

    time.advance(DEADLINE);
    TestRuntimes.awaitPromptly(stuckInFinalizer, "stuck in finalizer");
    await().until(() -> time.pendingTimers() == 1); // the grace's timer
    time.advance(ApplicationRuntime.UNWIND_GRACE);

    // Nothing more than DEADLINE + UNWIND_GRACE of virtual time was needed, and nothing is left pending.
    assertThat(TestRuntimes.joinPromptly(report, "the shutdown's report").cancelled()).isEqualTo(1);
    assertThat(time.pendingTimers()).isZero();
    release.countDown();
  }

  @Test
  void aDeadlineOfForeverIsAcceptedAndWaitsForTheEffects() throws Exception {
    ApplicationRuntime runtime = runtime();
    CountDownLatch release = new CountDownLatch(1);
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      release.await();
      return 1;
    }));
    CompletableFuture<ShutdownReport> report = new CompletableFuture<>();
    Thread.ofPlatform().start(() -> report.complete(runtime.shutdown(ChronoUnit.FOREVER.getDuration())));
    await().until(runtime::isShutdown);
    release.countDown();

    assertThat(TestRuntimes.joinPromptly(report, "the shutdown's report").completed()).isEqualTo(1);
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Success<>(1));
    assertThat(events).containsExactly("hook");
  }
}
