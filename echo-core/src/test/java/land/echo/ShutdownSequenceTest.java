package land.echo;

import static land.echo.testing.TestThreads.awaitUninterruptibly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import land.echo.time.VirtualTime;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Pins {@code ShutdownSequence} (issue 13): every wait of the shutdown that a mutant could turn
 * into a hang is watched here with a bound of 2 s on something the unmutated code does at once (no
 * real delay; virtual time for the drain, the grace and the hooks' timeouts), so a lost wake-up
 * fails by assertion instead of by PIT's timeout. It sits in {@code land.echo} (it needs {@code
 * TestRuntimes}), so PIT does not count it as {@code land.echo.internal.ShutdownSequence}'s own test;
 * CI's mutation gate instead leaves out the older shutdown tests whose waits are unbounded.
 */
@Timeout(30)
class ShutdownSequenceTest {
  private static final Duration HOOK_TIMEOUT = Duration.ofSeconds(5);

  private final VirtualTime time = new VirtualTime();
  private final List<String> events = new CopyOnWriteArrayList<>();
  /** Latches a test holds closed; all opened after each test, so that nothing stays stuck. */
  private final List<CountDownLatch> toRelease = new CopyOnWriteArrayList<>();
  private final List<ApplicationRuntime> runtimes = new ArrayList<>();

  @AfterEach
  void releaseEverything() {
    toRelease.forEach(CountDownLatch::countDown);
    for (ApplicationRuntime runtime : runtimes) {
      if (!runtime.isShutdown()) {
        runtime.shutdownAsync(Duration.ZERO);
      }
    }
  }

  private CountDownLatch heldLatch() {
    CountDownLatch latch = new CountDownLatch(1);
    toRelease.add(latch);
    return latch;
  }

  /** A runtime on virtual time with one hook recording "hook"; plus any {@code extra} hooks first. */
  private ApplicationRuntime runtime(int workers) {
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(workers))
        .clock(time).timer(time)
        .shutdownHook("record", HOOK_TIMEOUT, () -> events.add("hook"))
        .build();
    runtimes.add(runtime);
    return runtime;
  }

  /** A shutdown running on a platform thread of its own: its report and its interrupt status once it returned. */
  private record Call(Thread thread, CompletableFuture<ShutdownReport> report, CompletableFuture<Boolean> interruptedAfter) {}

  /**
   * Waits until {@code call}'s shutdown has returned or is in a timed wait: on virtual time, its only
   * timed wait is the one for the scheduler's threads.
   */
  private static void awaitTheWaitForTheSchedulersThreads(Call call) {
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(1))
        .until(() -> call.report().isDone() || call.thread().getState() == Thread.State.TIMED_WAITING);
  }

  private static Call shutdownOnOwnThread(ApplicationRuntime runtime, Duration deadline) {
    CompletableFuture<ShutdownReport> report = new CompletableFuture<>();
    CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
    Thread thread = Thread.ofPlatform().name("pin-shutdown-caller").daemon().unstarted(() -> {
      try {
        ShutdownReport r = runtime.shutdown(deadline);
        interruptedAfter.complete(Thread.currentThread().isInterrupted());
        report.complete(r);
      } catch (Throwable t) {
        interruptedAfter.complete(Thread.currentThread().isInterrupted());
        report.completeExceptionally(t);
      }
    });
    thread.start();
    return new Call(thread, report, interruptedAfter);
  }

  /**
   * Waits at most 2 s for {@code future}, which the unmutated code completes at once (no real
   * delay); a hang fails by assertion.
   */
  private static <T> T promptly(CompletableFuture<T> future, String what) {
    return TestThreads.within(future, Duration.ofSeconds(2), what + " (the shutdown hangs)");
  }


  /** A long sleep named {@code name} whose finalizer signals {@code entered}, then ignores interrupts until {@code release}. */
  private static ActionEffect<String, Integer> sleepWithStubbornFinalizer(String name, CountDownLatch entered, CountDownLatch release) {
    return ActionEffect.<String>sleep(Duration.ofHours(1)).map(x -> 1).ensuring(() -> {
      entered.countDown();
      awaitUninterruptibly(release);
    }).named(name);
  }

  /** Submits a stubborn unwinder, starts the shutdown and waits until it waits for the grace. */
  private Call shutdownWaitingForTheGrace(ApplicationRuntime runtime, CountDownLatch release) throws InterruptedException {
    CountDownLatch inFinalizer = new CountDownLatch(1);
    runtime.submit(sleepWithStubbornFinalizer("stubborn", inFinalizer, release));
    await().atMost(Duration.ofSeconds(2)).until(() -> time.pendingTimers() == 1); // the sleep
    Call call = shutdownOnOwnThread(runtime, Duration.ZERO);
    assertThat(inFinalizer.await(2, TimeUnit.SECONDS)).as("the cancelled sleep's finalizer started").isTrue();
    // The grace's timer is armed and the caller waits on the quiescence lock.
    await("the shutdown waits on the quiescence lock with the grace's timer armed").atMost(Duration.ofSeconds(2))
        .until(() -> call.report().isDone() || (time.nextDelay().equals(Optional.of(ApplicationRuntime.UNWIND_GRACE))
            && call.thread().getState() == Thread.State.WAITING));
    assertThat(call.report()).as("the shutdown returned before the grace while a tree was still unwinding").isNotDone();
    assertThat(events).as("a hook ran while a cancelled tree was still unwinding").isEmpty();
    return call;
  }

  /**
   * A cancelled tree that finishes unwinding during the grace ends the wait at once: the hooks run
   * without any virtual time passing, the grace's timer is withdrawn and the caller is not left
   * interrupted. Mutations: the quiescence loop's {@code size() > 0} as {@code >= 0} (waits out
   * the grace: hangs on virtual time); the interrupt restored when there was none.
   */
  @Test
  void aTreeThatFinishesUnwindingDuringTheGraceEndsTheWaitAtOnce() throws Exception {
    ApplicationRuntime runtime = runtime(2);
    CountDownLatch release = heldLatch();
    Call call = shutdownWaitingForTheGrace(runtime, release);

    release.countDown();

    ShutdownReport report = promptly(call.report(), "the shutdown's return once the tree finished unwinding");
    assertThat(report.cancelled()).isEqualTo(1);
    assertThat(report.stillUnwinding()).isEmpty();
    assertThat(events).containsExactly("hook");
    assertThat(time.now()).as("virtual time needed").isEqualTo(Duration.ZERO);
    assertThat(time.pendingTimers()).as("the grace's timer is withdrawn").isZero();
    assertThat(promptly(call.interruptedAfter(), "the caller's return")).as("the caller was left interrupted").isFalse();
  }

  /**
   * A tree still unwinding when the grace runs out (on the runtime's timer) is named in the report
   * and the hooks run then, while it is still stuck. Mutations: the timer's {@code notifyAll}
   * removed (the waiter is never woken); the {@code wait()} removed (the waiter spins holding the
   * lock, so the timer cannot mark the grace expired).
   */
  @Test
  void aTreeStillUnwindingWhenTheGraceRunsOutIsNamedAndTheHooksRunThen() throws Exception {
    ApplicationRuntime runtime = runtime(2);
    CountDownLatch release = heldLatch();
    Call call = shutdownWaitingForTheGrace(runtime, release);

    // On a thread of its own: under a spinning waiter the timer's action blocks on the lock.
    Thread.ofPlatform().daemon().start(() -> time.advance(ApplicationRuntime.UNWIND_GRACE));

    await("the hooks run once the grace ran out").atMost(Duration.ofSeconds(2))
        .until(() -> events.contains("hook"));
    release.countDown(); // lets the scheduler's threads terminate
    ShutdownReport report = promptly(call.report(), "the shutdown's return after the grace");
    assertThat(report.stillUnwinding()).containsExactly("stubborn");
    assertThat(report.cancelled()).isEqualTo(1);
    assertThat(promptly(call.interruptedAfter(), "the caller's return")).isFalse();
  }

  /**
   * An interrupt while the caller waits for the grace ends that wait at once (the stuck tree is
   * reported, the hooks still run) and the caller's interrupt status is kept. Mutations: the
   * interrupt not restored, or restored only when there was none.
   */
  @Test
  void anInterruptDuringTheGraceEndsTheWaitAndIsKept() throws Exception {
    ApplicationRuntime runtime = runtime(2);
    CountDownLatch release = heldLatch();
    Call call = shutdownWaitingForTheGrace(runtime, release);

    call.thread().interrupt();

    ShutdownReport report = promptly(call.report(), "the shutdown's return after an interrupt");
    assertThat(report.stillUnwinding()).containsExactly("stubborn");
    assertThat(events).containsExactly("hook");
    assertThat(promptly(call.interruptedAfter(), "the caller's return")).as("the caller's interrupt status was kept").isTrue();
    assertThat(time.pendingTimers()).as("the grace's timer is withdrawn").isZero();
  }

  /**
   * With a deadline, an in-flight effect is left running until the deadline passes on the runtime's
   * timer, then cancelled. Mutations: the drain skipped (cancelled at once); the in-flight array
   * built as null (the shutdown fails).
   */
  @Test
  void anInFlightEffectRunsUntilTheDrainDeadlineAndIsCancelledThen() throws Exception {
    ApplicationRuntime runtime = runtime(2);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    EffectHandle<String, Integer> handle = runtime.submit(TestRuntimes.blockUntilInterrupted(started, interrupted, 1));
    assertThat(started.await(2, TimeUnit.SECONDS)).isTrue();
    Duration deadline = Duration.ofSeconds(5);

    Call call = shutdownOnOwnThread(runtime, deadline);
    await().atMost(Duration.ofSeconds(2))
        .until(() -> time.pendingTimers() == 1 || handle.isDone() || call.report().isDone());
    assertThat(handle.isDone()).as("the in-flight effect ended before its deadline").isFalse();
    assertThat(call.report()).as("the shutdown returned (or failed) before the deadline").isNotDone();
    time.advance(deadline.minusNanos(1));
    assertThat(handle.isDone()).as("cancelled before the deadline").isFalse();
    time.advance(Duration.ofNanos(1));

    ShutdownReport report = promptly(call.report(), "the shutdown's return after the deadline");
    assertThat(report.completed()).isZero();
    assertThat(report.cancelled()).isEqualTo(1);
    assertThat(TestRuntimes.joinPromptly(handle)).isInstanceOfSatisfying(Outcome.Faulted.class,
        f -> assertThat(f.fault()).isInstanceOf(Fault.Cancelled.class));
  }

  /**
   * A zero deadline cancels in-flight effects at once, without arming a drain on the timer.
   * Mutation: the zero-deadline check negated (the drain waits on a timer that virtual time never
   * fires).
   */
  @Test
  void aZeroDeadlineCancelsInFlightEffectsAtOnce() throws Exception {
    ApplicationRuntime runtime = runtime(2);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    runtime.submit(TestRuntimes.blockUntilInterrupted(started, interrupted, 1));
    assertThat(started.await(2, TimeUnit.SECONDS)).isTrue();

    ShutdownReport report = promptly(shutdownOnOwnThread(runtime, Duration.ZERO).report(), "a zero-deadline shutdown");

    assertThat(report.cancelled()).isEqualTo(1);
    assertThat(report.stillUnwinding()).isEmpty();
    assertThat(time.now()).isEqualTo(Duration.ZERO);
  }

  /**
   * A hook still running at its timeout is reported TIMED_OUT and its thread is interrupted.
   * Mutations: the timeout's {@code done.complete(TIMED_OUT)} check negated, or the interrupt
   * removed (the hook's thread is never interrupted).
   */
  @Test
  void aHookOverrunningItsTimeoutIsInterrupted() throws Exception {
    CountDownLatch hanging = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(1))
        .clock(time).timer(time)
        .shutdownHook("stuck", HOOK_TIMEOUT, () -> {
          hanging.countDown();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
        })
        .shutdownHook("next", HOOK_TIMEOUT, () -> events.add("next"))
        .build();
    runtimes.add(runtime);
    Call call = shutdownOnOwnThread(runtime, Duration.ZERO);
    assertThat(hanging.await(2, TimeUnit.SECONDS)).as("the hook started").isTrue();
    await().atMost(Duration.ofSeconds(2)).until(() -> time.nextDelay().equals(Optional.of(HOOK_TIMEOUT)));

    time.advance(HOOK_TIMEOUT);

    ShutdownReport report = promptly(call.report(), "the shutdown's return after the hook's timeout");
    assertThat(report.hooks()).extracting(HookResult::status)
        .containsExactly(HookResult.Status.TIMED_OUT, HookResult.Status.COMPLETED);
    // Interrupted on the timer's action, during advance: only the hook thread's wake-up is left.
    assertThat(interrupted.await(1, TimeUnit.SECONDS)).as("the overrunning hook's thread was interrupted").isTrue();
    assertThat(events).containsExactly("next");
  }

  /**
   * A hook runs (on its own thread, no virtual time passing) and the scheduler has stopped and its
   * threads have terminated when the shutdown returns. Mutations: the hook's thread never started
   * (its timeout, on virtual time, never fires); the scheduler never shut down.
   */
  @Test
  void theHooksRunAndTheSchedulerHasTerminatedWhenShutdownReturns() throws Exception {
    ApplicationRuntime runtime = runtime(1);

    ShutdownReport report = promptly(shutdownOnOwnThread(runtime, Duration.ZERO).report(), "an idle runtime's shutdown");

    assertThat(report.hooks()).extracting(HookResult::status).containsExactly(HookResult.Status.COMPLETED);
    assertThat(events).containsExactly("hook");
    assertThat(runtime.scheduler().isShutdown()).as("scheduler shut down").isTrue();
    assertThat(runtime.scheduler().isTerminated()).as("scheduler terminated").isTrue();
    assertThat(time.pendingTimers()).as("the hook's timeout is withdrawn").isZero();
  }

  /** Occupies the runtime's only worker until {@code release}, ignoring interrupts. */
  private static void occupyTheWorker(ApplicationRuntime runtime, CountDownLatch release) throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    runtime.scheduler().execute(() -> {
      running.countDown();
      awaitUninterruptibly(release);
    });
    assertThat(running.await(2, TimeUnit.SECONDS)).as("the task started").isTrue();
  }

  /**
   * The shutdown waits for the scheduler's threads for what is left of the 1 s grace, which is on
   * real time by design: 200 ms after it began that wait it must still be waiting. Mutation: the
   * time left computed as {@code grace - (now + start)}, which clamps to the 10 ms minimum.
   */
  @Test
  void theShutdownWaitsForTheSchedulersThreadsForWhatIsLeftOfTheGrace() throws Exception {
    ApplicationRuntime runtime = runtime(1);
    CountDownLatch release = heldLatch();
    occupyTheWorker(runtime, release);

    Call call = shutdownOnOwnThread(runtime, Duration.ZERO);
    awaitTheWaitForTheSchedulersThreads(call);
    try {
      assertThatThrownBy(() -> call.report().get(200, TimeUnit.MILLISECONDS))
          .as("the shutdown stopped waiting for the scheduler's threads long before the grace ran out")
          .isInstanceOf(TimeoutException.class);
    } finally {
      release.countDown();
    }

    promptly(call.report(), "the shutdown's return once the scheduler's threads ended");
    assertThat(runtime.scheduler().isTerminated()).isTrue();
  }

  /** Lets {@code duration} of real time pass on the calling thread (what is under test is a real-time bound). */
  private static void spendRealTime(Duration duration) {
    long end = System.nanoTime() + duration.toNanos();
    for (long left = duration.toNanos(); left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  /**
   * What is left of the grace counts the real time the hooks took: after a hook that took longer
   * than the whole grace, the shutdown waits only briefly (its 10 ms minimum) for a scheduler
   * thread that does not end. Mutation: the time left computed as {@code grace + elapsed} (it
   * then waits more than 2 s). Takes about 1.1 s of real time.
   */
  @Test
  void hooksOutlastingTheGraceLeaveOnlyABriefWaitForTheSchedulersThreads() throws Exception {
    CountDownLatch hookDone = new CountDownLatch(1);
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(1))
        .clock(time).timer(time)
        .shutdownHook("slow", HOOK_TIMEOUT, () -> {
          spendRealTime(ApplicationRuntime.UNWIND_GRACE.plusMillis(100));
          hookDone.countDown();
        })
        .build();
    runtimes.add(runtime);
    CountDownLatch release = heldLatch();
    occupyTheWorker(runtime, release);

    Call call = shutdownOnOwnThread(runtime, Duration.ZERO);
    TestRuntimes.awaitPromptly(hookDone, "the slow hook ended");
    ShutdownReport report;
    try {
      report = call.report().get(1, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the shutdown waited for the scheduler's threads long after the grace had run out", e);
    } finally {
      release.countDown();
    }
    assertThat(report.hooks()).extracting(HookResult::status).containsExactly(HookResult.Status.COMPLETED);
  }

  /**
   * An interrupt while the caller waits for the scheduler's threads ends that wait at once and
   * the caller's interrupt status is kept. Mutation: the interrupt not restored.
   */
  @Test
  void anInterruptWhileWaitingForTheSchedulersThreadsEndsTheWaitAndIsKept() throws Exception {
    ApplicationRuntime runtime = runtime(1);
    CountDownLatch release = heldLatch();
    occupyTheWorker(runtime, release);
    Call call = shutdownOnOwnThread(runtime, Duration.ZERO);
    awaitTheWaitForTheSchedulersThreads(call);

    call.thread().interrupt();

    promptly(call.report(), "the shutdown's return after an interrupt");
    assertThat(promptly(call.interruptedAfter(), "the caller's return")).as("the caller's interrupt status was kept").isTrue();
    assertThat(events).containsExactly("hook");
  }

  /**
   * A shutdown whose hooks failed says so in the runtime's error log. Mutation: the closing log
   * line ({@code ifPresentOrElse}) removed.
   */
  @Test
  void aShutdownWithFailedHooksLogsThatItCompletedWithErrors() throws Exception {
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(1))
        .clock(time).timer(time)
        .shutdownHook("broken", HOOK_TIMEOUT, () -> {
          throw new IllegalStateException("sidecar unreachable");
        })
        .build();
    runtimes.add(runtime);

    String log = TestThreads.stderrOf(() -> promptly(shutdownOnOwnThread(runtime, Duration.ZERO).report(), "the shutdown"));

    assertThat(log).contains("Service shutdown completed with errors").contains("sidecar unreachable");
  }

  /**
   * An in-flight effect that finishes during the drain counts as completed, not cancelled (its
   * cancellation, attempted after it finished, did nothing). Mutation: {@code cancelQuietly}
   * returning true whatever the cancellation did.
   */
  @Test
  void anEffectFinishingDuringTheDrainCountsAsCompleted() throws Exception {
    ApplicationRuntime runtime = runtime(2);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = heldLatch();
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      started.countDown();
      awaitUninterruptibly(finish);
      return 1;
    }));
    assertThat(started.await(2, TimeUnit.SECONDS)).isTrue();
    Call call = shutdownOnOwnThread(runtime, Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(2)).until(() -> time.pendingTimers() == 1 || call.report().isDone());

    finish.countDown();

    ShutdownReport report = promptly(call.report(), "the shutdown's return once the drain ended");
    assertThat(report.completed()).isEqualTo(1);
    assertThat(report.cancelled()).isZero();
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Success<>(1));
  }

  /**
   * A shutdown warns about a tree still unwinding after the grace and about scheduler threads
   * that did not terminate, and an orderly one warns about neither. Mutations: either check
   * negated.
   */
  @Test
  void aShutdownWarnsAboutWhatDidNotStopAndOnlyAboutThat() throws Exception {
    ApplicationRuntime orderly = runtime(1);
    String orderlyLog = runtimeWarningsOf(
        () -> promptly(shutdownOnOwnThread(orderly, Duration.ZERO).report(), "an orderly shutdown"));
    assertThat(orderlyLog).doesNotContain("still unwinding after").doesNotContain("did not terminate");

    events.clear(); // the orderly runtime's hook ran
    ApplicationRuntime stuck = runtime(1);
    CountDownLatch release = heldLatch();
    String stuckLog = runtimeWarningsOf(() -> {
      Call call = shutdownWaitingForTheGrace(stuck, release);
      time.advance(ApplicationRuntime.UNWIND_GRACE);
      // The stuck finalizer holds the only worker: the scheduler's wait runs out (what is left of the 1 s grace).
      promptly(call.report(), "the shutdown's return after the grace");
    });
    assertThat(stuckLog).contains("cancelled effects were still unwinding after PT1S")
        .contains("The scheduler's threads did not terminate within the shutdown grace");
  }

  /**
   * What the runtime's logger (at ERROR in this module's tests, see simplelogger.properties) logs
   * at WARN and above while {@code action} runs; slf4j-simple has no API to change a level, so its
   * field is set for the duration.
   */
  private static String runtimeWarningsOf(TestThreads.ThrowingAction action) throws Exception {
    Object logger = LoggerFactory.getLogger(ApplicationRuntime.class);
    Field level = org.slf4j.simple.SimpleLogger.class.getDeclaredField("currentLogLevel");
    level.setAccessible(true);
    int before = level.getInt(logger);
    level.setInt(logger, Level.WARN.toInt());
    try {
      return TestThreads.stderrOf(action);
    } finally {
      level.setInt(logger, before);
    }
  }

  /**
   * A shutdown that cancelled effects at its deadline warns how many. Mutation: the {@code
   * cancelled > 0} check negated (no warning).
   */
  @Test
  void aShutdownThatCancelledEffectsWarnsHowMany() throws Exception {
    ApplicationRuntime runtime = runtime(2);
    CountDownLatch started = new CountDownLatch(1);
    runtime.submit(TestRuntimes.blockUntilInterrupted(started, new CountDownLatch(1), 1));
    assertThat(started.await(2, TimeUnit.SECONDS)).isTrue();

    String log = runtimeWarningsOf(() -> promptly(shutdownOnOwnThread(runtime, Duration.ZERO).report(), "the shutdown"));

    assertThat(log).contains("Shutdown deadline PT0S reached: cancelled 1 unfinished effects");
  }

  /**
   * A shutdown that cancelled nothing does not warn about cancelling. Mutations: the {@code
   * cancelled > 0} check as {@code >= 0} or negated (a warning about 0 cancelled effects).
   */
  @Test
  void aShutdownThatCancelledNothingDoesNotWarnAboutCancelling() throws Exception {
    ApplicationRuntime runtime = runtime(1);

    String log = runtimeWarningsOf(
        () -> promptly(shutdownOnOwnThread(runtime, Duration.ofMillis(4321)).report(), "the shutdown"));

    assertThat(log).doesNotContain("Shutdown deadline PT4.321S reached");
  }


}
