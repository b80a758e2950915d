package land.echo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Environment;
import land.echo.Fault;
import land.echo.Outcome;
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

/**
 * A fork whose children after the first are all bare {@code blocking} leaves (a fan-out of
 * blocking calls) starts their bodies from the forking fiber, without a worker round trip each
 * (issue 8, the blocking burst). These tests pin that the shortcut behaves as the worker path did:
 * values in order, capabilities looked up, cancellation and shutdown at the fork, permits, steps.
 */
@Timeout(60)
class BlockingFanOutTest {
  /** A capability of these tests only. */
  interface Greeter {
    String greet(String name);
  }

  private final VirtualTime time = new VirtualTime();
  private EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
  private ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(scheduler).clock(time).timer(time).build();

  @AfterEach
  void tearDown() {
    Fiber.beforeForkPublish = null;
    VirtualTimeRuntimes.shutDown(runtime, time, await());
  }

  /** Replaces the runtime (shutting down the old one shuts its scheduler down too) by one on {@code config}. */
  private void rebuild(ApplicationRuntime.Builder builder, SchedulerConfig config) {
    VirtualTimeRuntimes.shutDown(runtime, time, await());
    scheduler = EchoScheduler.create(config);
    runtime = builder.scheduler(scheduler).clock(time).timer(time).build();
  }

  private void rebuild(ApplicationRuntime.Builder builder) {
    rebuild(builder, SchedulerConfig.builder().workers(1).build());
  }

  @Test
  void blockingChildrenStartWhileTheOnlyWorkerIsBusyWithTheFirstChild() {
    // The first child holds the only worker until both blocking bodies have started. Through the
    // worker's queue they could only start after it, so it would wait in vain.
    CountDownLatch started = new CountDownLatch(2);
    ActionEffect<Void, Object> holdsTheWorker = ActionEffect.compute(token -> started.await(2, TimeUnit.SECONDS));
    ActionEffect<Void, Object> first = ActionEffect.blocking(token -> {
      started.countDown();
      return Thread.currentThread().isVirtual() && !scheduler.isWorkerThread();
    });
    ActionEffect<Void, Object> second = ActionEffect.blocking(token -> {
      started.countDown();
      return "second";
    });

    Outcome<Void, List<Object>> outcome = TestThreads.runPromptly(runtime, ActionEffect.all(List.of(holdsTheWorker, first, second)));

    assertThat(outcome).isEqualTo(new Outcome.Success<>(List.of(true, true, "second")));
  }

  @Test
  void aFanOutOfAThousandBlockingCallsReturnsEveryValueInOrder() {
    List<ActionEffect<Void, Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      int value = i;
      calls.add(ActionEffect.blocking(token -> value));
    }

    Outcome<Void, List<Integer>> outcome = TestThreads.runPromptly(runtime, ActionEffect.all(calls));

    assertThat(outcome.getOrThrow()).containsExactlyElementsOf(IntStream.range(0, 1_000).boxed().toList());
    VirtualTimeRuntimes.awaitQuiescent(VirtualTimeRuntimes.coreOf(runtime), await());
  }

  @Test
  void aChildsCapabilityIsLookedUpAndAMissingOneFaultsAsOnAWorker() {
    ActionEffect<Void, String> greets = ActionEffect.blocking(Greeter.class, (greeter, token) -> greeter.greet("echo"));
    ActionEffect<Void, String> plain = ActionEffect.blocking(token -> "plain");

    assertThat(TestThreads.runPromptly(runtime, ActionEffect.all(List.of(plain, greets))))
        .isEqualTo(new Outcome.Faulted<>(new Fault.CapabilityMissing(Greeter.class.getName())));

    rebuild(ApplicationRuntime.builder()
        .environment(Environment.builder().with(Greeter.class, name -> "hello " + name).build()));
    assertThat(TestThreads.runPromptly(runtime, ActionEffect.all(List.of(plain, greets))).getOrThrow())
        .containsExactly("plain", "hello echo");
  }

  @Test
  void cancellingTheRootInterruptsEveryRunningBody() {
    int n = 50;
    CountDownLatch started = new CountDownLatch(n);
    AtomicInteger interrupted = new AtomicInteger();
    List<ActionEffect<Void, String>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(ActionEffect.blocking(token -> {
        started.countDown();
        try {
          new CountDownLatch(1).await();
          return "never";
        } catch (InterruptedException e) {
          interrupted.incrementAndGet();
          throw e;
        }
      }));
    }
    EffectHandle<Void, List<String>> handle = runtime.submit(ActionEffect.all(calls));
    await().until(() -> started.getCount() == 0);

    handle.cancel("enough");

    assertThat(TestThreads.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("enough")));
    await().untilAsserted(() -> assertThat(interrupted).hasValue(n));
    VirtualTimeRuntimes.awaitQuiescent(VirtualTimeRuntimes.coreOf(runtime), await());
  }

  /** Ten blocking calls, each of which counts its run in {@code ran}. */
  private static List<ActionEffect<Void, Integer>> countingCalls(AtomicInteger ran) {
    List<ActionEffect<Void, Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(ActionEffect.blocking(token -> ran.incrementAndGet()));
    }
    return calls;
  }

  @Test
  void aCancellationAsTheFanOutForksStartsNoBody() {
    AtomicInteger ran = new AtomicInteger();
    List<ActionEffect<Void, Integer>> calls = countingCalls(ran);
    CountDownLatch submitted = new CountDownLatch(1);
    List<EffectHandle<Void, List<Integer>>> handle = new CopyOnWriteArrayList<>();
    Fiber.beforeForkPublish = () -> {
      Fiber.beforeForkPublish = null;
      TestThreads.awaitUninterruptibly(submitted);
      handle.get(0).cancel("as it forks");
    };

    handle.add(runtime.submit(ActionEffect.all(calls)));
    submitted.countDown();

    assertThat(TestThreads.joinPromptly(handle.get(0))).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("as it forks")));
    VirtualTimeRuntimes.awaitQuiescent(VirtualTimeRuntimes.coreOf(runtime), await());
    assertThat(ran).hasValue(0);
  }

  @Test
  void aShutdownAsTheFanOutForksRefusesEveryBodyAndLeavesNoChildBehind() {
    AtomicInteger ran = new AtomicInteger();
    List<ActionEffect<Void, Integer>> calls = countingCalls(ran);
    RuntimeCore core = VirtualTimeRuntimes.coreOf(runtime);
    Fiber.beforeForkPublish = () -> {
      Fiber.beforeForkPublish = null;
      scheduler.shutdown(); // the scheduler under the runtime: it refuses every blocking body from now on
    };

    Outcome<Void, List<Integer>> outcome = TestThreads.runPromptly(runtime, ActionEffect.all(calls));

    assertThat(outcome).isInstanceOfSatisfying(Outcome.Faulted.class,
        faulted -> assertThat(faulted.fault()).isInstanceOf(Fault.Rejected.class));
    VirtualTimeRuntimes.awaitQuiescent(core, await());
    assertThat(ran).hasValue(0);
  }

  @Test
  void aBlockingLimitStillAdmitsTheFanOutOneBodyAtATime() {
    rebuild(ApplicationRuntime.builder(), SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<ActionEffect<Void, Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int value = i;
      calls.add(ActionEffect.blocking(token -> {
        most.accumulateAndGet(running.incrementAndGet(), Math::max);
        Thread.yield();
        running.decrementAndGet();
        return value;
      }));
    }

    assertThat(TestThreads.runPromptly(runtime, ActionEffect.all(calls)).getOrThrow())
        .containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
    assertThat(most).hasValue(1);
  }

  @Test
  void eachChildsStepIsReportedAroundItsBodyWhenStepsAreObserved() {
    List<String> events = new CopyOnWriteArrayList<>();
    rebuild(ApplicationRuntime.builder().listener(new RuntimeListener() {
      @Override
      public void stepStarted(EffectInfo effect, StepInfo step) {
        events.add("started " + step.name());
      }

      @Override
      public void stepEnded(EffectInfo effect, StepInfo step, Outcome<?, ?> outcome) {
        events.add("ended " + step.name() + " " + outcome);
      }
    }));
    List<ActionEffect<Void, Integer>> calls = List.of(
        ActionEffect.blocking(token -> 0), ActionEffect.blocking(token -> 1), ActionEffect.blocking(token -> 2));

    assertThat(TestThreads.runPromptly(runtime, ActionEffect.all(calls)).getOrThrow()).containsExactly(0, 1, 2);

    await().untilAsserted(() -> assertThat(events).containsExactlyInAnyOrder(
        "started all[0]", "started all[1]", "started all[2]",
        "ended all[0] Success[value=0]", "ended all[1] Success[value=1]", "ended all[2] Success[value=2]"));
  }
}
