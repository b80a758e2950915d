package land.echo.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Effects;
import land.echo.Outcome;
import land.echo.RetryPolicy;
import land.echo.RunOptions;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.testing.TestThreads;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The step tree of the listener SPI: {@link StepInfo}, retries and timeouts with their step, and the capture order. */
@Timeout(60)
class StepEventsTest {
  private static final Effects<String> APP = Effects.failingWith(String.class);

  private final VirtualTime time = new VirtualTime();
  private ApplicationRuntime runtime;

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.shutdown(Duration.ZERO);
    }
  }

  private ApplicationRuntime.Builder builder() {
    return ApplicationRuntime.builder()
        .scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(2).build()))
        .clock(time).timer(time);
  }

  /** Records steps by id, and retries and timeouts with the name of their step. */
  static class Tree implements RuntimeListener {
    final Map<Long, StepInfo> steps = new ConcurrentHashMap<>();
    final Map<Long, Outcome<?, ?>> ended = new ConcurrentHashMap<>();
    final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void stepStarted(EffectInfo effect, StepInfo step) {
      steps.put(step.id(), step);
    }

    @Override
    public void stepEnded(EffectInfo effect, StepInfo step, Outcome<?, ?> outcome) {
      ended.put(step.id(), outcome);
    }

    @Override
    public void retrying(EffectInfo effect, long stepId, int attempt, Outcome<?, ?> failed, Duration delay) {
      events.add("retry " + attempt + " in " + nameOf(stepId));
    }

    @Override
    public void timedOut(EffectInfo effect, long stepId, Duration after) {
      events.add("timeout " + after.toMillis() + " in " + nameOf(stepId));
    }

    String nameOf(long id) {
      return id == StepInfo.ROOT ? "root" : id == StepInfo.UNTRACKED ? "untracked" : steps.get(id).name();
    }

    /** "parent > child (kind, attempt)" per step, sorted. */
    List<String> shape() {
      return steps.values().stream()
          .map(s -> nameOf(s.parentId()) + " > " + s.name() + " (" + s.kind() + ", " + s.attempt() + ")")
          .sorted().toList();
    }
  }

  @Test
  void namedStepsAndForkedChildrenFormATreeAcrossFlatMap() {
    Tree tree = new Tree();
    runtime = builder().listener(tree).build();
    ActionEffect<String, List<Integer>> pair = APP.all(List.of(APP.succeed(1).named("left"), APP.succeed(2)));
    TestThreads.runPromptly(runtime, APP.succeed(0).named("first").flatMap(n -> pair.named("pair")).named("job"));
    assertThat(tree.shape()).containsExactly(
        "all[0] > left (NAMED, 1)", "job > first (NAMED, 1)", "job > pair (NAMED, 1)",
        "pair > all[0] (FORKED, 1)", "pair > all[1] (FORKED, 1)", "root > job (NAMED, 1)");
    assertThat(tree.ended.keySet()).isEqualTo(tree.steps.keySet());
    assertThat(tree.steps.keySet()).doesNotContain(StepInfo.ROOT);
  }

  @Test
  void stepsInsideARetryCarryTheirAttemptAndTheRetryNamesItsStep() {
    Tree tree = new Tree();
    runtime = builder().listener(tree).build();
    AtomicInteger calls = new AtomicInteger();
    ActionEffect<String, Integer> call = APP.<Integer>compute(token -> {
      if (calls.incrementAndGet() < 3) {
        throw new IllegalStateException("flaky");
      }
      return 1;
    }).named("call");
    TestThreads.runPromptly(runtime, call.retry(RetryPolicy.of(5, Duration.ZERO)).named("fetch"));
    assertThat(tree.shape()).containsExactly(
        "fetch > call (NAMED, 1)", "fetch > call (NAMED, 2)", "fetch > call (NAMED, 3)", "root > fetch (NAMED, 1)");
    assertThat(tree.events).containsExactly("retry 1 in fetch", "retry 2 in fetch");
  }

  @Test
  void anInnerTimeoutIsReportedWithItsEnclosingStepWhileThatStepIsOpen() {
    AtomicReference<Boolean> openAtTimeout = new AtomicReference<>();
    Tree tree = new Tree() {
      @Override
      public void timedOut(EffectInfo effect, long stepId, Duration after) {
        super.timedOut(effect, stepId, after);
        openAtTimeout.set(!ended.containsKey(stepId));
      }
    };
    runtime = builder().listener(tree).build();
    EffectHandle<String, String> handle = runtime.submit(
        APP.<String>never().timeout(Duration.ofMillis(40)).named("lookup"));
    await().until(() -> time.pendingTimers() >= 1);
    time.advance(Duration.ofMillis(40));
    TestThreads.joinPromptly(handle);
    assertThat(tree.events).containsExactly("timeout 40 in lookup");
    assertThat(openAtTimeout.get()).isTrue();
  }

  /** A {@link Tree} that declares it does not observe steps. */
  static class RootsOnly extends Tree {
    @Override
    public boolean observesSteps() {
      return false;
    }
  }

  @Test
  void whenNoListenerObservesStepsNoStepEventsAreSentAndOnlyTheRootsOwnRetryReportsTheRoot() {
    RootsOnly tree = new RootsOnly();
    runtime = builder().listener(tree).build();
    AtomicInteger calls = new AtomicInteger();
    ActionEffect<String, Integer> call = APP.<Integer>compute(token -> {
      if (calls.incrementAndGet() % 2 == 1) {
        throw new IllegalStateException("flaky");
      }
      return 1;
    }).named("call");
    RetryPolicy once = RetryPolicy.of(3, Duration.ZERO);

    Outcome<String, List<Integer>> outcome =
        TestThreads.runPromptly(runtime, APP.all(List.of(call.retry(once).named("fetch"), APP.succeed(2))));
    TestThreads.runPromptly(runtime, call.retry(once));                                 // the root effect itself
    TestThreads.runPromptly(runtime, call.retry(once).named("outer").named("job"));     // the root, under its names
    TestThreads.runPromptly(runtime, APP.succeed(0).flatMap(x -> call.retry(once)));    // inside the root: not its own

    assertThat(outcome).isEqualTo(new Outcome.Success<>(List.of(1, 2)));
    assertThat(tree.steps).isEmpty();
    assertThat(tree.ended).isEmpty();
    assertThat(tree.events).containsExactly(
        "retry 1 in untracked", "retry 1 in root", "retry 1 in root", "retry 1 in untracked");
  }

  @Test
  void oneListenerThatObservesStepsTurnsTheTreeOnForEveryListener() {
    RootsOnly rootsOnly = new RootsOnly();
    Tree tree = new Tree();
    runtime = builder().listener(rootsOnly).listener(tree).build();
    TestThreads.runPromptly(runtime, APP.succeed(0).named("first").named("job"));
    assertThat(tree.shape()).containsExactly("job > first (NAMED, 1)", "root > job (NAMED, 1)");
    assertThat(rootsOnly.steps).hasSize(2); // declining steps saves work only when nobody wants them
  }

  @Test
  void aListenerOfTheNameOnlyMethodsSeesNamedStepsAsBefore() {
    ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
    runtime = builder().listener(new RuntimeListener() {
      @Override
      public void stepStarted(EffectInfo effect, String name) {
        seen.add("started " + name);
      }

      @Override
      public void stepEnded(EffectInfo effect, String name, Outcome<?, ?> outcome) {
        seen.add("ended " + name);
      }

      @Override
      public void retrying(EffectInfo effect, int attempt, Outcome<?, ?> failed, Duration delay) {
        seen.add("retry " + attempt);
      }
    }).build();
    TestThreads.runPromptly(runtime, APP.all(List.of(APP.succeed(1).named("only"))).named("outer"));
    TestThreads.runPromptly(runtime, APP.<Integer>fail("no").retry(RetryPolicy.of(1, Duration.ZERO)));
    assertThat(seen).containsExactly("started outer", "started only", "ended only", "ended outer", "retry 1");
  }

  @Test
  void aPropagatorThatWantsTheEffectCapturesAfterTheListenersWereTold() {
    List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    runtime = builder()
        .listener(new RuntimeListener() {
          @Override
          public void submitted(EffectInfo effect) {
            order.add("submitted " + effect.name());
          }
        })
        .contextPropagator(new ContextPropagator() {
          @Override
          public Captured capture() {
            order.add("capture()");
            return () -> () -> { };
          }

          @Override
          public Captured capture(EffectInfo effect) {
            order.add("capture " + effect.name());
            return () -> () -> { };
          }
        })
        .contextPropagator(() -> {
          order.add("plain capture()");
          return () -> () -> { };
        })
        .build();
    TestThreads.runPromptly(runtime, APP.succeed(1), RunOptions.defaults().withName("job"));
    assertThat(order).containsExactly("submitted job", "capture job", "plain capture()");
  }
}
