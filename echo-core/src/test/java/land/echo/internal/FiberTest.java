package land.echo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.CancellationToken;
import land.echo.EffectHandle;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.RetryListener;
import land.echo.RetryPolicy;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.spi.EffectInfo;
import land.echo.spi.RuntimeListener;
import land.echo.spi.StepInfo;
import land.echo.testing.TestThreads;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pins the interpreter's contracts that the runtime tests reach only in passing (issue 13): a
 * token's name and state, its cancellation actions, how a cancelled body's exception is read, the
 * yield quantum, the failure paths of suspensions, the log lines of swallowed failures, and a
 * cancellation that lands while a fork is being set up.
 */
@Timeout(60)
class FiberTest {
  private final VirtualTime time = new VirtualTime();
  private final EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
  private ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(scheduler).clock(time).timer(time).build();

  @AfterEach
  void tearDown() {
    Fiber.beforeForkPublish = null;
    VirtualTimeRuntimes.shutDown(runtime, time, await());
  }

  private static void awaitQuiescent(ApplicationRuntime runtime) {
    VirtualTimeRuntimes.awaitQuiescent(VirtualTimeRuntimes.coreOf(runtime), await());
  }

  private <E, T> Outcome<E, T> run(ActionEffect<E, T> effect) {
    return TestThreads.runPromptly(runtime, effect);
  }

  /** An effect nested in {@code depth} joins (one-child {@code all}s) that returns its token's toString. */
  private static ActionEffect<String, Object> tokenNameAtDepth(int depth) {
    ActionEffect<String, Object> effect = ActionEffect.compute(token -> token.toString());
    for (int i = 0; i < depth; i++) {
      effect = ActionEffect.<String, Object>all(List.of(effect)).map(list -> list.get(0));
    }
    return effect.named("outer");
  }

  @Test
  void aTokenIsNamedAfterItsRootThroughUpTo64JoinsAndEffectBeyond() {
    assertThat(run(tokenNameAtDepth(0)).getOrThrow()).isEqualTo("Fiber[outer, NORMAL]");
    assertThat(run(tokenNameAtDepth(1)).getOrThrow()).isEqualTo("Fiber[outer, NORMAL]");
    assertThat(run(tokenNameAtDepth(64)).getOrThrow()).isEqualTo("Fiber[outer, NORMAL]");
    assertThat(run(tokenNameAtDepth(65)).getOrThrow()).isEqualTo("Fiber[effect, NORMAL]");
  }

  @Test
  void aFinishedTokenSaysItIsDoneAndNeverRunsACancellationActionRegisteredThen() {
    AtomicReference<CancellationToken> kept = new AtomicReference<>();
    run(ActionEffect.<String, String>compute(token -> {
      kept.set(token);
      return "done";
    }).named("short"));
    AtomicBoolean ran = new AtomicBoolean();

    CancellationToken.Registration registration = kept.get().onCancel(() -> ran.set(true));

    assertThat(kept.get()).hasToString("Fiber[short, NORMAL, done]");
    assertThat(registration).isNotNull();
    registration.close();
    assertThat(ran.get()).isFalse();
    assertThat(kept.get().isCancelled()).isFalse();
  }

  /** A blocking body that waits for an interrupt and then throws what {@code onInterrupt} gives. */
  private static ActionEffect<String, String> interruptedThenThrowing(CountDownLatch started, Supplier<Exception> onInterrupt) {
    return ActionEffect.blocking(token -> {
      started.countDown();
      try {
        new CountDownLatch(1).await(); // only an interrupt ends this
      } catch (InterruptedException e) {
        throw onInterrupt.get();
      }
      return "not interrupted";
    });
  }

  /** Submits {@code effect} with an onExit that records its outcome, cancels it once started, and returns what onExit saw. */
  private Outcome<String, String> exitSeenAfterCancelling(ActionEffect<String, String> effect, CountDownLatch started) throws Exception {
    CompletableFuture<Outcome<String, String>> seen = new CompletableFuture<>();
    EffectHandle<String, String> handle = runtime.submit(effect.onExit(seen::complete));
    TestThreads.awaitPromptly(started, "the body starting");
    assertThat(handle.cancel("stop")).isTrue();
    return TestThreads.joinPromptly(seen, "the onExit finalizer");
  }

  @ParameterizedTest
  @ValueSource(strings = {"interrupted", "interrupted-io", "closed-by-interrupt", "cancellation"})
  void anInterruptionExceptionFromACancelledBodyIsTheCancellationItself(String kind) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Supplier<Exception> thrown = () -> switch (kind) {
      case "interrupted" -> new InterruptedException("test");
      case "interrupted-io" -> new InterruptedIOException("test");
      case "closed-by-interrupt" -> new ClosedByInterruptException();
      default -> new java.util.concurrent.CancellationException("test");
    };

    Outcome<String, String> seen = exitSeenAfterCancelling(interruptedThenThrowing(started, thrown), started);

    assertThat(seen).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("stop")));
  }

  @Test
  void anyOtherExceptionFromACancelledBodyIsSeenAsThePanicItIs() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    IllegalStateException failure = new IllegalStateException("cleanup failed");

    Outcome<String, String> seen = exitSeenAfterCancelling(interruptedThenThrowing(started, () -> failure), started);

    assertThat(seen).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(failure)));
  }

  @Test
  void anInterruptionExceptionFromABodyNobodyCancelledIsAPanic() {
    InterruptedIOException failure = new InterruptedIOException("a socket timed out");

    Outcome<String, String> outcome = run(ActionEffect.<String, String>compute(token -> {
      throw failure;
    }));

    assertThat(outcome).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(failure)));
  }

  @Test
  void aCancellationActionRegisteredOnALiveTokenWaitsForTheCancellation() throws Exception {
    CountDownLatch registered = new CountDownLatch(1);
    List<String> ran = new CopyOnWriteArrayList<>();
    AtomicReference<CancellationToken.Registration> first = new AtomicReference<>();
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.<String, String>blocking(token -> {
      first.set(token.onCancel(() -> ran.add("first")));
      token.onCancel(() -> ran.add("second"));
      registered.countDown();
      new CountDownLatch(1).await();
      return "never";
    }));
    TestThreads.awaitPromptly(registered, "both actions registered");
    assertThat(ran).isEmpty();
    assertThat(first.get()).isNotNull();

    handle.cancel();

    await().until(() -> ran.size() == 2);
    assertThat(ran).containsExactlyInAnyOrder("first", "second");
  }

  @Test
  void aCancellationActionRegisteredOnACancelledTokenRunsAtOnceOnTheRegisteringThread() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<List<Object>> seen = new CompletableFuture<>();
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.<String, String>blocking(token -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        // Cancelled: an action registered now runs before onCancel returns, here.
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CancellationToken.Registration registration = token.onCancel(() -> ranOn.set(Thread.currentThread()));
        List<Object> result = new ArrayList<>();
        result.add(ranOn.get() == Thread.currentThread());
        result.add(registration != null);
        seen.complete(result);
      }
      return "cancelled";
    }));
    TestThreads.awaitPromptly(started, "the body starting");

    handle.cancel();

    assertThat(TestThreads.joinPromptly(seen, "the body registering after its cancellation")).containsExactly(true, true);
  }

  /**
   * A fiber that used up its quantum goes behind the work queued at its priority, not on top of
   * its worker's own queue (which the worker serves newest first): two long effects on one worker
   * take turns, quantum by quantum. With a yield onto the worker's own queue, the first would run
   * all its quanta before the second started.
   */
  @Test
  void fibersThatYieldTakeTurnsOnOneWorker() throws InterruptedException {
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    scheduler.execute(() -> {
      blocked.countDown();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    TestThreads.awaitPromptly(blocked, "the worker blocked");
    List<String> log = new CopyOnWriteArrayList<>();
    EffectHandle<String, Integer> a = runtime.submit(marking(log, "a", 3_000));
    EffectHandle<String, Integer> b = runtime.submit(marking(log, "b", 3_000));
    gate.countDown();

    assertThat(TestThreads.joinPromptly(a).getOrThrow()).isEqualTo(3_000);
    assertThat(TestThreads.joinPromptly(b).getOrThrow()).isEqualTo(3_000);
    int switches = 0;
    for (int i = 1; i < log.size(); i++) {
      if (!log.get(i).equals(log.get(i - 1))) {
        switches++;
      }
    }
    // Each effect takes 6,002 steps, six quanta, and marks during its last three: they alternate.
    assertThat(switches).as("turns between the two effects").isGreaterThanOrEqualTo(3);
  }

  private static ActionEffect<String, Integer> marking(List<String> log, String mark, int maps) {
    ActionEffect<String, Integer> effect = ActionEffect.succeed(0);
    for (int i = 0; i < maps; i++) {
      effect = effect.map(x -> {
        log.add(mark);
        return x + 1;
      });
    }
    return effect;
  }

  /** How many tasks the scheduler ran for one effect of {@code maps} chained maps. */
  private long tasksFor(int maps) {
    ActionEffect<String, Integer> effect = ActionEffect.succeed(0);
    for (int i = 0; i < maps; i++) {
      effect = effect.map(x -> x + 1);
    }
    long before = scheduler.stats().completed();
    assertThat(run(effect).getOrThrow()).isEqualTo(maps);
    await().until(() -> scheduler.stats().running() == 0);
    return scheduler.stats().completed() - before;
  }

  /**
   * A quantum is {@link Fiber#YIELD_AFTER} loop steps, evaluations and frame pops alike: {@code n}
   * maps take 2n + 2 (n evaluations and n pops of the maps, the value, the finish). An effect of
   * 1,024 steps runs in one quantum; one more step and it yields its worker once.
   */
  @Test
  void aFiberYieldsItsWorkerAfterExactly1024Steps() {
    assertThat(Fiber.YIELD_AFTER).isEqualTo(1024);
    assertThat(tasksFor(511)).as("1,024 steps: one quantum").isEqualTo(1);
    assertThat(tasksFor(512)).as("1,026 steps: two").isEqualTo(2);
    assertThat(tasksFor(1023)).as("2,048 steps: two").isEqualTo(2);
    assertThat(tasksFor(1024)).as("2,050 steps: three").isEqualTo(3);
  }

  @Test
  void aStageWhoseWhenCompleteThrowsFailsTheEffectWithThatPanic() {
    IllegalStateException refused = new IllegalStateException("test: this stage takes no callbacks");
    CompletableFuture<String> stage = new CompletableFuture<>() {
      @Override
      public CompletableFuture<String> whenComplete(BiConsumer<? super String, ? super Throwable> action) {
        throw refused;
      }
    };

    Outcome<String, String> outcome = run(ActionEffect.<String, String>async(token -> stage));

    assertThat(outcome).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(refused)));
  }

  @Test
  void aBlockingBodyTheSchedulerRefusesEndsTheEffectAsRejected() {
    Outcome<String, String> outcome = run(ActionEffect.<String, String>compute(token -> {
      scheduler.shutdown(); // the running effect goes on, but new blocking work is refused
      return "shut";
    }).flatMap(x -> ActionEffect.blocking(token -> "never runs")));

    assertThat(outcome).isInstanceOfSatisfying(Outcome.Faulted.class, faulted ->
        assertThat(faulted.fault()).isInstanceOfSatisfying(Fault.Rejected.class, rejected ->
            assertThat(rejected.message()).contains("the scheduler refused a blocking body: Echo scheduler is shut down")));
  }

  @Test
  void aFailingRetryListenerIsLoggedAndTheRetriesGoOn() throws Exception {
    RetryListener failing = new RetryListener() {
      @Override
      public void onRetry(int attempt, Outcome<?, ?> failed, Duration delay) {
        throw new IllegalStateException("test: onRetry fails");
      }

      @Override
      public void onExhausted(int attempts, Outcome<?, ?> last) {
        throw new IllegalStateException("test: onExhausted fails");
      }
    };
    RetryPolicy policy = RetryPolicy.builder().maxRetries(1).initialDelay(Duration.ZERO).onRetry(failing).build();
    java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
    AtomicReference<Outcome<String, String>> outcome = new AtomicReference<>();

    String log = TestThreads.stderrOf(() -> outcome.set(run(ActionEffect.<String, String>compute(token -> {
      attempts.incrementAndGet();
      return "attempt";
    }).flatMap(x -> ActionEffect.<String, String>fail("busy")).retry(policy))));

    assertThat(attempts.get()).isEqualTo(2);
    assertThat(outcome.get()).isEqualTo(new Outcome.Failure<>("busy"));
    assertThat(log).contains("A retry listener failed; the retry goes on")
        .contains("test: onRetry fails")
        .contains("A retry listener failed; the effect ends as it would have")
        .contains("test: onExhausted fails");
  }

  @Test
  void aFailingCancellationActionIsLoggedAndTheOthersStillRun() throws Exception {
    CountDownLatch registered = new CountDownLatch(1);
    AtomicBoolean otherRan = new AtomicBoolean();
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.<String, String>blocking(token -> {
      token.onCancel(() -> {
        throw new IllegalStateException("test: a cancellation action fails");
      });
      token.onCancel(() -> otherRan.set(true));
      registered.countDown();
      new CountDownLatch(1).await();
      return "never";
    }));
    TestThreads.awaitPromptly(registered, "the actions registered");

    String log = TestThreads.stderrOf(handle::cancel);

    assertThat(otherRan.get()).isTrue();
    assertThat(log).contains("A cancellation action failed").contains("test: a cancellation action fails");
  }

  @Test
  void aFailureOutsideTheGuardsIsLoggedAndTheEffectStillCompletes() throws Exception {
    AtomicReference<Outcome<String, String>> outcome = new AtomicReference<>();

    // The finalizer's failure is logged with its stack trace, whose printing throws: a failure of
    // the interpreter itself, outside the guards around user code.
    String log = TestThreads.stderrOf(() -> outcome.set(run(ActionEffect.<String, String>never()
        .timeout(Duration.ZERO)
        .ensuring(() -> {
          throw new land.echo.testing.HostileException();
        }))));

    assertThat(log).contains("Interpreter failure in an effect; unwinding it");
    assertThat(outcome.get()).isInstanceOfSatisfying(Outcome.Faulted.class, faulted ->
        assertThat(faulted.fault()).isInstanceOf(Fault.Panic.class));
  }

  @Test
  void theChildrenOfARaceAndOfAFirstSuccessOpenStepsNamedAfterTheirKind() {
    List<String> steps = new CopyOnWriteArrayList<>();
    runtime = ApplicationRuntime.builder().scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(1).build()))
        .clock(time).timer(time).listener(new RuntimeListener() {
          @Override
          public void stepStarted(EffectInfo effect, StepInfo step) {
            steps.add(step.name());
          }
        }).build();

    run(ActionEffect.<String, Integer>race(List.of(ActionEffect.succeed(1), ActionEffect.succeed(2))));
    run(ActionEffect.<String, Integer>firstSuccess(List.of(ActionEffect.succeed(1), ActionEffect.succeed(2))));
    run(ActionEffect.<String, Integer>all(List.of(ActionEffect.succeed(1))));

    assertThat(steps).containsExactly("race[0]", "race[1]", "firstSuccess[0]", "firstSuccess[1]", "all[0]");
  }

  @Test
  void cancellingAnEffectInsideATimeoutWithdrawsTheTimeoutsTimer() {
    CountDownLatch started = new CountDownLatch(1);
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.<String, String>async(token -> {
      started.countDown();
      return new CompletableFuture<>();
    }).timeout(Duration.ofMinutes(1)));
    await().until(() -> started.getCount() == 0 && time.pendingTimers() == 1);

    handle.cancel();

    await().until(() -> time.pendingTimers() == 0);
    awaitQuiescent(runtime);
  }

  @Test
  void aStepInsideATimeoutIsNestedUnderTheStepEnclosingTheTimeout() {
    List<StepInfo> steps = new CopyOnWriteArrayList<>();
    runtime = ApplicationRuntime.builder().scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(1).build()))
        .clock(time).timer(time).listener(new RuntimeListener() {
          @Override
          public void stepStarted(EffectInfo effect, StepInfo step) {
            steps.add(step);
          }
        }).build();

    run(ActionEffect.<String, String>succeed("x").named("inner").timeout(Duration.ofMinutes(1)).named("outer"));

    assertThat(steps).extracting(StepInfo::name).containsExactly("outer", "inner");
    assertThat(steps.get(1).parentId()).isEqualTo(steps.get(0).id());
  }

  @Test
  void cancellingATimeoutWhoseEffectIgnoresTheInterruptWithdrawsTheTimerAtOnce() {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.<String, String>blocking(token -> {
      started.countDown();
      TestThreads.awaitUninterruptibly(release); // runs on after the cancellation
      return "late";
    }).timeout(Duration.ofMinutes(1)));
    await().until(() -> started.getCount() == 0 && time.pendingTimers() == 1);

    handle.cancel();

    await("the timeout's timer withdrawn while its effect still runs").until(() -> time.pendingTimers() == 0);
    assertThat(release.getCount()).isEqualTo(1);
    release.countDown();
    awaitQuiescent(runtime);
  }

  @ParameterizedTest
  @ValueSource(strings = {"all", "race", "firstSuccess", "timeout"})
  void aCancellationLandingAsAForkIsSetUpResumesTheParentAndSettlesEveryChild(String kind) {
    AtomicBoolean childRan = new AtomicBoolean();
    ActionEffect<String, String> child = ActionEffect.compute(token -> {
      childRan.set(true);
      return "child";
    });
    ActionEffect<String, String> fork = switch (kind) {
      case "all" -> ActionEffect.<String, String>all(List.of(child, child)).map(List::toString);
      case "race" -> ActionEffect.race(List.of(child, child));
      case "firstSuccess" -> ActionEffect.firstSuccess(List.of(child, child));
      default -> child.timeout(Duration.ofMinutes(1));
    };
    CountDownLatch finalized = new CountDownLatch(1);
    AtomicReference<EffectHandle<String, String>> handle = new AtomicReference<>();
    CountDownLatch submitted = new CountDownLatch(1);
    Fiber.beforeForkPublish = () -> {
      Fiber.beforeForkPublish = null;
      TestThreads.awaitUninterruptibly(submitted);
      handle.get().cancel("as it forks");
    };

    handle.set(runtime.submit(fork.ensuring(finalized::countDown)));
    submitted.countDown();

    assertThat(TestThreads.joinPromptly(handle.get())).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("as it forks")));
    await().until(() -> finalized.getCount() == 0);
    awaitQuiescent(runtime);
    assertThat(childRan.get()).isFalse();
    assertThat(time.pendingTimers()).isZero();
  }

  @Test
  void onlyTheFirstSignalCancelsAFiberAndAFinishedOneCannotBeSignalled() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Fiber<?, ?>> fiber = new AtomicReference<>();
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.<String, String>blocking(token -> {
      fiber.set((Fiber<?, ?>) token);
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        return "interrupted";
      }
      return "never";
    }));
    TestThreads.awaitPromptly(started, "the body starting");

    assertThat(fiber.get().signal(new Fault.Cancelled("first"))).isTrue();
    assertThat(fiber.get().signal(new Fault.Cancelled("second"))).isFalse();
    assertThat(fiber.get().reason()).contains("first");
    assertThat(fiber.get().isCancelled()).isTrue();
    handle.cancel();

    AtomicReference<Fiber<?, ?>> finished = new AtomicReference<>();
    run(ActionEffect.<String, String>compute(token -> {
      finished.set((Fiber<?, ?>) token);
      return "done";
    }));
    assertThat(finished.get().signal(new Fault.Cancelled("too late"))).isFalse();
    assertThat(finished.get().isCancelled()).isFalse();
  }
}
