package land.echo.internal;

import static land.echo.testing.TestThreads.awaitUninterruptibly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.CancellationToken;
import land.echo.EffectHandle;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.ShutdownReport;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.testing.TestThreads;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deterministic tests of the interpreter's race guards (issue 13): each forces the racy
 * interleaving, through a package-private hook that runs a step at the racy point or through a
 * body that acts at that point itself, and fails when the guard is removed.
 */
@Timeout(30)
class RaceGuardTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = ApplicationRuntime.builder()
      .scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(2).build()))
      .clock(time)
      .timer(time)
      .build();

  @AfterEach
  void tearDown() {
    RuntimeCore.afterRegisterHook = null;
    Fiber.beforeCancelCas = null;
    HandleFuture.beforeClaimCas = null;
    VirtualTimeRuntimes.shutDown(runtime, time, await().atMost(TestThreads.PROMPTLY));
  }

  /**
   * Start/shutdown race: a root registers, then shutdown closes the runtime and starts draining
   * before the submitter re-reads {@code closed}. The submission must be Rejected and its body must
   * never run. Mutation: the second {@code closed} check in {@code RuntimeCore.start} removed (the
   * fiber is then scheduled and its body runs while the drain waits).
   */
  @Test
  void aRootRegisteredAsShutdownBeginsIsRejectedAndNeverRuns() throws Exception {
    AtomicReference<CompletableFuture<ShutdownReport>> shutdown = new AtomicReference<>();
    Thread submitter = Thread.currentThread();
    RuntimeCore.afterRegisterHook = () -> {
      if (Thread.currentThread() != submitter || shutdown.get() != null) {
        return;
      }
      shutdown.set(runtime.shutdownAsync(Duration.ofMinutes(1)));
      // Shutdown is closed and draining: it saw this registered root and armed its deadline.
      await().atMost(TestThreads.PROMPTLY).until(() -> runtime.isShutdown() && time.pendingTimers() == 1);
    };
    AtomicBoolean ran = new AtomicBoolean();
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.<String, String>compute(token -> {
      ran.set(true);
      return "ran";
    }));
    RuntimeCore.afterRegisterHook = null;
    assertThat(TestThreads.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Rejected("the runtime is shut down")));
    // The rejected root left the registry, so the drain ends without the deadline passing.
    ShutdownReport report = TestThreads.joinPromptly(shutdown.get(), "the shutdown's report");
    assertThat(ran).isFalse();
    assertThat(report.stillUnwinding()).isEmpty();
  }

  /**
   * The cancel in {@code awaitStage}: the effect is cancelled after its last cancellation check and
   * before it publishes the async suspension (here by the async body itself), so the canceller
   * found nothing to resume. The fiber must see the cause after suspending, cancel the stage and
   * unwind. Mutation: the {@code cancelCause()} check after {@code whenComplete} removed (the fiber
   * then waits forever on a stage that never completes, and its finalizer never runs).
   */
  @Test
  void aCancellationJustBeforeTheAsyncSuspensionResumesTheFiber() throws Exception {
    CompletableFuture<String> never = new CompletableFuture<>();
    CountDownLatch finalized = new CountDownLatch(1);
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.<String, String>async(token -> {
      ((Fiber<?, ?>) token).cancelWith(new Fault.Cancelled("while starting the call"));
      return never;
    }).ensuring(finalized::countDown));
    assertThat(TestThreads.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("while starting the call")));
    TestThreads.awaitPromptly(finalized, "the fiber unwound (its finalizer ran)");
    // The canceller resumes the fiber first ("a cancelled effect resumes with its cause at once")
    // and cancels the stage after, so the fiber may finish on another worker before the stage is
    // cancelled (clean-clone CI at 8de2db0 caught that interleaving).
    await().atMost(TestThreads.PROMPTLY).until(never::isCancelled);
  }

  /**
   * One cancel wins: a canceller that read the live state is overtaken by another before its CAS.
   * Its CAS must fail and it must report false, and the winner's cause stays. Mutations: the CAS
   * replaced by a plain write, or the "already cancelled" check dropped.
   */
  @Test
  void ofTwoInterleavedCancelsExactlyTheFirstToCasWins() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<CancellationToken> token = new AtomicReference<>();
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.<String, String>blocking(t -> {
      token.set(t);
      started.countDown();
      awaitUninterruptibly(release);
      return "done";
    }));
    TestThreads.awaitPromptly(started, "started");
    Fiber<?, ?> fiber = (Fiber<?, ?>) token.get();

    CountDownLatch overtaken = new CountDownLatch(1);
    AtomicReference<Thread> slow = new AtomicReference<>();
    Fiber.beforeCancelCas = () -> {
      if (Thread.currentThread() == slow.get()) {
        awaitUninterruptibly(overtaken); // park between the read of the state and the CAS
      }
    };
    AtomicBoolean slowWon = new AtomicBoolean();
    Thread slowThread = Thread.ofPlatform().unstarted(
        () -> slowWon.set(fiber.markCancelled(new Fault.Cancelled("slow"))));
    slow.set(slowThread);
    slowThread.start();
    await().atMost(TestThreads.PROMPTLY).until(() -> slowThread.getState() == Thread.State.WAITING);
    boolean fastWon = fiber.markCancelled(new Fault.Cancelled("fast"));
    overtaken.countDown();
    TestThreads.joinPromptly(slowThread, "the overtaken thread's end");
    Fiber.beforeCancelCas = null;

    assertThat(fastWon).isTrue();
    assertThat(slowWon).as("the overtaken canceller").isFalse();
    assertThat(fiber.reason()).contains("fast");
    // A later cancel, sequential this time, loses as well.
    assertThat(fiber.markCancelled(new Fault.Cancelled("late"))).isFalse();
    assertThat(fiber.reason()).contains("fast");
    release.countDown();
    TestThreads.joinPromptly(handle);
  }

  /**
   * One cancel of a handle wins: a canceller that read the unclaimed state is overtaken by another
   * before its CAS. It must report false and the winner's reason is the outcome. Mutation: the
   * claim's compare-and-exchange replaced by a plain write.
   */
  @Test
  void ofTwoInterleavedHandleCancelsOnlyTheFirstToClaimReportsTrue() throws Exception {
    EffectHandle<String, Object> handle = runtime.submit(ActionEffect.never());
    CountDownLatch overtaken = new CountDownLatch(1);
    AtomicReference<Thread> slow = new AtomicReference<>();
    HandleFuture.beforeClaimCas = () -> {
      if (Thread.currentThread() == slow.get()) {
        awaitUninterruptibly(overtaken); // park between the read of the state and the CAS
      }
    };
    AtomicBoolean slowWon = new AtomicBoolean();
    Thread slowThread = Thread.ofPlatform().unstarted(() -> slowWon.set(handle.cancel("slow")));
    slow.set(slowThread);
    slowThread.start();
    await().atMost(TestThreads.PROMPTLY).until(() -> slowThread.getState() == Thread.State.WAITING);
    boolean fastWon = handle.cancel("fast");
    overtaken.countDown();
    TestThreads.joinPromptly(slowThread, "the overtaken thread's end");
    HandleFuture.beforeClaimCas = null;

    assertThat(fastWon).isTrue();
    assertThat(slowWon).as("the overtaken canceller").isFalse();
    assertThat(TestThreads.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("fast")));
  }
}
