package land.echo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.spi.EffectInfo;
import land.echo.spi.RuntimeListener;
import land.echo.time.Clock;
import land.echo.time.Timer;
import land.echo.time.VirtualTime;
import org.awaitility.core.ConditionFactory;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pins the behaviour of {@link Join} (issue 13): {@code all}, {@code race}, {@code firstSuccess},
 * {@code timeout}/{@code timeoutTo} and the shielded acquisition of {@code acquireRelease}.
 *
 * <p>Every wait here is for something the unmutated runtime does in microseconds with no real
 * delay (delays are on virtual time, which only the test moves), so each is bounded by {@link
 * #BOUND}: a lost wake-up, a join never resumed or a child never cancelled fails by assertion
 * within two seconds instead of hanging until a mutation-testing run kills the JVM. One worker
 * makes the order of a join's children fixed: the first child runs at once on the forking worker,
 * the others after it. The class is named after {@link Join}, in its package: PIT orders the tests
 * that cover a mutant by their measured time, less a second for the test named after the mutated
 * class, so for a mutant of {@code Join} itself these usually run before a test that waits without
 * a bound can hang on it (nested classes such as {@code Join$All} get no such weighting).
 */
@Timeout(30)
class JoinTest {
  /** How long a test waits for something the runtime does at once. */
  private static final Duration BOUND = Duration.ofSeconds(2);
  private static final Duration SECOND = Duration.ofSeconds(1);
  private static final Duration HOUR = Duration.ofHours(1);

  private final VirtualTime time = new VirtualTime();
  private final List<ApplicationRuntime> runtimes = new ArrayList<>();
  private final Map<ApplicationRuntime, RuntimeCore> cores = new HashMap<>();
  private final ApplicationRuntime runtime = newRuntime(builder -> {});

  @AfterEach
  void stop() {
    for (ApplicationRuntime r : runtimes) {
      VirtualTimeRuntimes.shutDown(r, time, within());
    }
  }

  private ApplicationRuntime newRuntime(Consumer<ApplicationRuntime.Builder> configure) {
    ApplicationRuntime.Builder builder = ApplicationRuntime.builder()
        .scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(1).build()))
        .clock(time)
        .timer(time);
    configure.accept(builder);
    ApplicationRuntime built = builder.build();
    runtimes.add(built);
    return built;
  }

  private static ConditionFactory within() {
    return await().atMost(BOUND).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2));
  }

  /** The outcome of {@code handle}, which must complete within {@link #BOUND}. */
  private static <E, T> Outcome<E, T> outcomeOf(EffectHandle<E, T> handle) {
    return TestThreads.within(handle.outcome(), BOUND, "the effect's completion (its join resumed)");
  }


  private static void awaitLatch(CountDownLatch latch, String what) throws InterruptedException {
    TestThreads.awaitWithin(latch, BOUND, what);
  }


  /**
   * Waits until the whole tree of every root of {@code r} has stopped running, every child of every
   * join included: each root has left the registry ({@code inFlight()} only lists roots whose
   * handles are not complete).
   */
  private void awaitQuiescent(ApplicationRuntime r) {
    VirtualTimeRuntimes.awaitQuiescent(cores.computeIfAbsent(r, VirtualTimeRuntimes::coreOf), within());
  }

  // ---------------------------------------------------------------- race

  /** race: an immediate winner decides at once, and the sleeping loser is cancelled (its timer withdrawn, its onExit told). */
  @Test
  void aRaceEndsWithItsImmediateWinnerAndCancelsTheSleepingLoserWithoutTimePassing() {
    AtomicReference<Outcome<String, String>> loserExit = new AtomicReference<>();
    ActionEffect<String, String> loser = ActionEffect.<String>sleep(HOUR).map(v -> "loser").onExit(loserExit::set);
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.race(loser, ActionEffect.succeed("winner")));

    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Success<>("winner"));
    within().untilAsserted(() -> assertThat(loserExit.get()).as("the loser's onExit")
        .isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("lost the race"))));
    assertThat(time.pendingTimers()).as("the loser's sleep was withdrawn").isZero();
    assertThat(time.now()).isEqualTo(Duration.ZERO);
    awaitQuiescent(runtime);
  }

  /** A parent is resumed by exactly one child: of two immediate winners only the first continues the effect, once. */
  @Test
  void aRaceOfTwoImmediateWinnersContinuesTheEffectExactlyOnce() {
    AtomicInteger continuations = new AtomicInteger();
    EffectHandle<String, String> handle = runtime.submit(
        ActionEffect.<String, String>race(ActionEffect.succeed("first"), ActionEffect.succeed("second"))
            .map(v -> {
              continuations.incrementAndGet();
              return v;
            }));

    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Success<>("first"));
    awaitQuiescent(runtime);
    assertThat(continuations).hasValue(1);
  }

  // ---------------------------------------------------------------- all

  /** all: the first failure is the outcome at once, and the sleeping sibling is cancelled. */
  @Test
  void allFailsAtOnceWithTheFirstFailureAndCancelsItsSleepingSibling() {
    AtomicReference<Outcome<String, Integer>> siblingExit = new AtomicReference<>();
    ActionEffect<String, Integer> sibling = ActionEffect.<String>sleep(HOUR).map(v -> 1).onExit(siblingExit::set);
    EffectHandle<String, List<Integer>> handle =
        runtime.submit(ActionEffect.all(List.of(sibling, ActionEffect.<String, Integer>fail("broken"))));

    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Failure<>("broken"));
    within().untilAsserted(() -> assertThat(siblingExit.get()).as("the sibling's onExit")
        .isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("a sibling in all() failed"))));
    assertThat(time.pendingTimers()).as("the sibling's sleep was withdrawn").isZero();
    assertThat(time.now()).isEqualTo(Duration.ZERO);
  }

  /** all: succeeds only once every child has, with the values in input order, not in finishing order. */
  @Test
  void allSucceedsOnlyWhenEveryChildHasWithTheValuesInInputOrder() {
    EffectHandle<String, List<String>> handle = runtime.submit(ActionEffect.all(List.of(
        ActionEffect.<String>sleep(SECOND.multipliedBy(2)).map(v -> "a"),
        ActionEffect.<String>sleep(SECOND).map(v -> "b"),
        ActionEffect.<String, String>succeed("c"))));

    within().until(() -> time.pendingTimers() == 2);
    time.advance(SECOND);
    assertThat(handle.isDone()).as("done with one child still sleeping").isFalse();
    time.advance(SECOND);
    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Success<>(List.of("a", "b", "c")));
  }

  /** all: null values are values too; a list of nulls is the outcome. */
  @Test
  void allOfNullValuesSucceedsWithAListOfNulls() {
    EffectHandle<String, List<Object>> handle = runtime.submit(ActionEffect.all(List.of(
        ActionEffect.<String, Object>compute(token -> null), ActionEffect.<String, Object>succeed(null))));

    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Success<>(Arrays.asList(null, null)));
  }

  // ---------------------------------------------------------------- firstSuccess

  /** firstSuccess: an immediate success decides at once, and the sleeping other child is cancelled. */
  @Test
  void firstSuccessTakesAnImmediateValueAndCancelsTheOthers() {
    AtomicReference<Outcome<String, String>> slowExit = new AtomicReference<>();
    ActionEffect<String, String> slow = ActionEffect.<String>sleep(HOUR).map(v -> "slow").onExit(slowExit::set);
    EffectHandle<String, String> handle =
        runtime.submit(ActionEffect.firstSuccess(List.of(slow, ActionEffect.succeed("fast"))));

    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Success<>("fast"));
    within().untilAsserted(() -> assertThat(slowExit.get()).as("the other child's onExit")
        .isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("another effect succeeded first"))));
    assertThat(time.pendingTimers()).as("the other child's sleep was withdrawn").isZero();
    assertThat(time.now()).isEqualTo(Duration.ZERO);
  }

  /** firstSuccess: a failure only takes its child out of the contest; a later success still wins. */
  @Test
  void firstSuccessWaitsPastAFailureForALaterSuccess() {
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.firstSuccess(List.of(
        ActionEffect.<String, String>fail("early"), ActionEffect.<String>sleep(SECOND).map(v -> "late"))));

    within().until(() -> time.pendingTimers() == 1);
    time.advance(SECOND);
    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Success<>("late"));
  }

  /** firstSuccess: when no child succeeds, the last one to finish decides. */
  @Test
  void firstSuccessWithoutASuccessEndsWithTheLastFailure() {
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.firstSuccess(List.of(
        ActionEffect.<String, String>fail("first"),
        ActionEffect.<String>sleep(SECOND).flatMap(v -> ActionEffect.<String, String>fail("last")))));

    within().until(() -> time.pendingTimers() == 1);
    time.advance(SECOND);
    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Failure<>("last"));
  }

  // ---------------------------------------------------------------- timeout

  /** An async body that records its start and never completes unless cancelled. */
  private static ActionEffect<String, String> pending(CountDownLatch started) {
    return ActionEffect.async(token -> {
      started.countDown();
      return new CompletableFuture<>();
    });
  }

  /** timeout: its timer is armed while the effect runs; at the deadline the outcome is TimedOut and the effect is cancelled with it. */
  @Test
  void aTimeoutExpiresAtItsDeadlineAndCancelsItsEffect() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Outcome<String, String>> innerExit = new AtomicReference<>();
    EffectHandle<String, String> handle = runtime.submit(pending(started).onExit(innerExit::set).timeout(SECOND));

    awaitLatch(started, "the timed effect started");
    assertThat(time.pendingTimers()).as("the timeout's timer is armed").isEqualTo(1);
    time.advance(SECOND);
    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(SECOND)));
    within().untilAsserted(() -> assertThat(innerExit.get()).as("the timed effect's onExit")
        .isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(SECOND))));
    awaitQuiescent(runtime);
    assertThat(time.pendingTimers()).isZero();
  }

  /** timeoutTo: at the deadline the fallback is the outcome, and the effect is still cancelled with TimedOut. */
  @Test
  void aTimeoutWithAFallbackRunsTheFallbackAndCancelsItsEffect() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Outcome<String, String>> innerExit = new AtomicReference<>();
    EffectHandle<String, String> handle = runtime.submit(
        pending(started).onExit(innerExit::set).timeoutTo(SECOND, ActionEffect.succeed("fallback")));

    awaitLatch(started, "the timed effect started");
    time.advance(SECOND);
    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Success<>("fallback"));
    within().untilAsserted(() -> assertThat(innerExit.get()).as("the timed effect's onExit")
        .isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(SECOND))));
  }

  /** timeout with a listener: the listener is told of the expiry before the outcome, and the effect is still cancelled. */
  @Test
  void aListenerIsToldOfAnExpiredTimeoutAndTheEffectIsStillCancelled() throws Exception {
    List<Duration> expiries = new CopyOnWriteArrayList<>();
    ApplicationRuntime observed = newRuntime(builder -> builder.listener(new RuntimeListener() {
      @Override
      public void timedOut(EffectInfo effect, long stepId, Duration after) {
        expiries.add(after);
      }
    }));
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Outcome<String, String>> innerExit = new AtomicReference<>();
    EffectHandle<String, String> handle = observed.submit(pending(started).onExit(innerExit::set).timeout(SECOND));

    awaitLatch(started, "the timed effect started");
    time.advance(SECOND);
    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(SECOND)));
    assertThat(expiries).as("timedOut calls seen when the outcome was").containsExactly(SECOND);
    within().untilAsserted(() -> assertThat(innerExit.get()).as("the timed effect's onExit")
        .isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(SECOND))));
  }

  /** timeout: a timer that refuses the deadline makes the outcome a Panic, and the timed effect never starts. */
  @Test
  void aTimeoutWhoseTimerRefusesItFaultsAndNeverStartsItsEffect() {
    Duration refusedDelay = Duration.ofSeconds(7);
    IllegalStateException refusal = new IllegalStateException("the timer refused");
    Timer refusing = (delay, action) -> {
      if (delay.equals(refusedDelay)) {
        throw refusal;
      }
      return time.schedule(delay, action);
    };
    ApplicationRuntime refused = newRuntime(builder -> builder.timer(refusing));
    AtomicBoolean ran = new AtomicBoolean();
    EffectHandle<String, String> handle = refused.submit(ActionEffect.<String, String>async(token -> {
      ran.set(true);
      return new CompletableFuture<>();
    }).timeout(refusedDelay));

    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(refusal)));
    assertThat(ran).as("the timed effect ran").isFalse();
    awaitQuiescent(refused);
    assertThat(ran).as("the timed effect ran").isFalse();
  }

  /**
   * timeout: a cancellation that lands after the effect's last check and before the timeout has
   * forked (here from the clock the timeout reads its deadline from) ends the effect with the
   * cause; the timed effect never starts, no timer is left behind and the tree settles.
   */
  @Test
  void aTimeoutForkedByAnEffectCancelledJustBeforeTheForkNeverStartsItsEffect() {
    AtomicReference<Thread> trapThread = new AtomicReference<>();
    AtomicReference<Runnable> trap = new AtomicReference<>();
    Clock trapping = () -> {
      if (Thread.currentThread() == trapThread.get()) {
        Runnable action = trap.getAndSet(null);
        if (action != null) {
          action.run();
        }
      }
      return time.nanoTime();
    };
    ApplicationRuntime trapped = newRuntime(builder -> builder.clock(trapping));
    AtomicBoolean ran = new AtomicBoolean();
    ActionEffect<String, String> timed = ActionEffect.<String, String>compute(token -> {
      ran.set(true);
      return "ran";
    }).timeout(SECOND);
    EffectHandle<String, String> handle = trapped.submit(ActionEffect.<String, String>compute(token -> {
      // The next clock read on this thread is the timeout's deadline, as it forks; the token is
      // the root's fiber, so this cancels the effect as its handle's cancel would.
      trap.set(() -> ((Fiber<?, ?>) token).cancelWith(new Fault.Cancelled("at the fork")));
      trapThread.set(Thread.currentThread());
      return "set";
    }).flatMap(v -> timed));

    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("at the fork")));
    awaitQuiescent(trapped);
    assertThat(trap.get()).as("the trap, still armed").isNull();
    assertThat(ran).as("the timed effect ran").isFalse();
    assertThat(time.pendingTimers()).as("timers left behind").isZero();
  }

  // ---------------------------------------------------------------- acquireRelease

  /** acquireRelease: an acquisition its effect received is released once, by the effect, with the use's outcome. */
  @Test
  void anAcquiredResourceIsReleasedOnceWithTheUsesOutcome() {
    List<Map.Entry<String, Outcome<String, String>>> releases = new CopyOnWriteArrayList<>();
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.acquireRelease(
        ActionEffect.<String, String>compute(token -> "resource"),
        resource -> ActionEffect.<String, String>succeed(resource + " used"),
        (resource, outcome) -> releases.add(Map.entry(resource, outcome))));

    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Success<>("resource used"));
    awaitQuiescent(runtime);
    assertThat(releases).containsExactly(Map.entry("resource", new Outcome.Success<>("resource used")));
  }

  /** acquireRelease: a resource acquired after its effect was cancelled is released at once, with the cancellation, and never used. */
  @Test
  void aResourceAcquiredAfterItsEffectWasCancelledIsReleasedWithTheCancellation() throws Exception {
    CompletableFuture<String> acquisition = new CompletableFuture<>();
    CountDownLatch acquiring = new CountDownLatch(1);
    AtomicBoolean used = new AtomicBoolean();
    List<Map.Entry<String, Outcome<String, String>>> releases = new CopyOnWriteArrayList<>();
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.acquireRelease(
        ActionEffect.<String, String>async(token -> {
          acquiring.countDown();
          return acquisition;
        }),
        resource -> {
          used.set(true);
          return ActionEffect.<String, String>succeed(resource);
        },
        (resource, outcome) -> releases.add(Map.entry(resource, outcome))));

    awaitLatch(acquiring, "the acquisition started");
    handle.cancel("stop");
    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("stop")));
    assertThat(acquisition).as("the shielded acquisition's stage").isNotCancelled();
    acquisition.complete("resource");
    within().untilAsserted(() -> assertThat(releases)
        .containsExactly(Map.entry("resource", new Outcome.Faulted<>(new Fault.Cancelled("stop")))));
    awaitQuiescent(runtime);
    assertThat(releases).hasSize(1);
    assertThat(used).as("the use ran").isFalse();
  }

  /** acquireRelease: an acquisition that fails after its effect was cancelled releases nothing. */
  @Test
  void anAcquisitionFailingAfterItsEffectWasCancelledReleasesNothing() throws Exception {
    CompletableFuture<String> acquisition = new CompletableFuture<>();
    CountDownLatch acquiring = new CountDownLatch(1);
    List<Object> releases = new CopyOnWriteArrayList<>();
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.acquireRelease(
        ActionEffect.<String, String>async(token -> {
          acquiring.countDown();
          return acquisition;
        }),
        ActionEffect::<String, String>succeed,
        (resource, outcome) -> releases.add(resource)));

    awaitLatch(acquiring, "the acquisition started");
    handle.cancel("stop");
    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("stop")));
    acquisition.completeExceptionally(new IllegalStateException("no resource"));
    awaitQuiescent(runtime);
    assertThat(releases).as("released after a failed acquisition").isEmpty();
  }

  /** acquireRelease: a release that throws for a late acquisition is counted as a finalizer failure and logged. */
  @Test
  void aThrowingReleaseOfALateAcquisitionIsCountedAndLogged() throws Exception {
    CompletableFuture<String> acquisition = new CompletableFuture<>();
    CountDownLatch acquiring = new CountDownLatch(1);
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.acquireRelease(
        ActionEffect.<String, String>async(token -> {
          acquiring.countDown();
          return acquisition;
        }),
        ActionEffect::<String, String>succeed,
        (resource, outcome) -> {
          throw new IllegalStateException("the release broke");
        }));
    awaitLatch(acquiring, "the acquisition started");
    handle.cancel("stop");
    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("stop")));

    String log = TestThreads.stderrOf(() -> {
      acquisition.complete("resource");
      awaitQuiescent(runtime);
    });
    assertThat(runtime.stats().finalizerFailures()).as("finalizer failures").isEqualTo(1);
    assertThat(log)
        .contains("Releasing a resource acquired after its effect was cancelled failed")
        .contains("the release broke");
  }

  // ---------------------------------------------------------------- cancellation and quiescence

  /** Cancelling an effect suspended on all() cancels every child at once (nothing shields them). */
  @Test
  void cancellingAnEffectCancelsEveryChildOfItsJoin() {
    List<Outcome<String, Integer>> childExits = new CopyOnWriteArrayList<>();
    ActionEffect<String, Integer> child = ActionEffect.<String>sleep(HOUR).map(v -> 1).onExit(childExits::add);
    EffectHandle<String, List<Integer>> handle = runtime.submit(ActionEffect.all(List.of(child, child)));

    within().until(() -> time.pendingTimers() == 2);
    handle.cancel("stop");
    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("stop")));
    Outcome<String, Integer> cancelled = new Outcome.Faulted<>(new Fault.Cancelled("stop"));
    within().untilAsserted(() -> assertThat(childExits).as("the children's onExit").containsExactly(cancelled, cancelled));
    assertThat(time.pendingTimers()).as("the children's sleeps were withdrawn").isZero();
    awaitQuiescent(runtime);
  }

  /** An effect that forked a join stays in flight while it runs on after the join, and leaves once it has finished. */
  @Test
  void anEffectStaysInFlightAfterItsJoinUntilItHasFinished() throws Exception {
    CompletableFuture<String> gate = new CompletableFuture<>();
    CountDownLatch afterJoin = new CountDownLatch(1);
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.<String, Integer>all(List.of(
            ActionEffect.succeed(1), ActionEffect.succeed(2), ActionEffect.succeed(3)))
        .flatMap(values -> ActionEffect.<String, String>async(token -> {
          afterJoin.countDown();
          return gate;
        })));

    awaitLatch(afterJoin, "the effect went on after its join");
    assertThat(runtime.inFlight()).as("in flight while it runs after its join").hasSize(1);
    gate.complete("done");
    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Success<>("done"));
    awaitQuiescent(runtime);
  }

  /**
   * A child that settled before its cancelled parent finished must not count as the last one: the
   * root stays registered until its stubborn sibling (a blocking body that ignores the interrupt)
   * has stopped too. One case per way a child settles: a leaf of {@code all} (its value and its
   * settling in one step), a forked child of {@code all} (settled by its own subtree), and a
   * failing leaf of {@code firstSuccess} (the general path).
   */
  @Test
  void aCancelledRootStaysRegisteredUntilItsLastChildHasStopped() throws Exception {
    assertStaysRegisteredUntilTheStubbornChildStops(
        stubborn -> ActionEffect.all(List.of(ActionEffect.compute(token -> 1), stubborn)), "a leaf of all");
    assertStaysRegisteredUntilTheStubbornChildStops(
        stubborn -> ActionEffect.all(List.of(
            ActionEffect.<String, Integer>all(List.of(ActionEffect.compute(token -> 1))).map(v -> v.get(0)), stubborn)),
        "a forked child of all");
    assertStaysRegisteredUntilTheStubbornChildStops(
        stubborn -> ActionEffect.firstSuccess(List.of(ActionEffect.fail("no"), stubborn)), "a leaf of firstSuccess");
  }

  /** The same for a failing leaf of all(), which resumes its parent itself and settles before its stubborn sibling. */
  @Test
  void aRootWhoseAllFailedStaysRegisteredUntilItsLastChildHasStopped() throws Exception {
    assertStaysRegisteredUntilTheStubbornChildStops(
        (stubborn, running) -> ActionEffect.all(List.of(stubborn,
            ActionEffect.<String, Integer>blocking(token -> {
              running.await(); // fails only once its sibling's body runs, so the body does run
              return 0;
            }).flatMap(x -> ActionEffect.fail("no")))),
        "a failing leaf of all", new Outcome.Failure<>("no"));
  }

  /** all() of children that themselves forked succeeds with their values in order, once the last of them has. */
  @Test
  void allOfForkedChildrenSucceedsWithTheirValuesInOrder() {
    ActionEffect<String, Integer> one = ActionEffect.<String, Integer>all(List.of(ActionEffect.compute(token -> 1))).map(v -> v.get(0));
    ActionEffect<String, Integer> two = ActionEffect.<String, Integer>all(List.of(ActionEffect.compute(token -> 2))).map(v -> v.get(0));

    assertThat(outcomeOf(runtime.submit(ActionEffect.all(List.of(one, two))))).isEqualTo(new Outcome.Success<>(List.of(1, 2)));
    awaitQuiescent(runtime);
  }

  private void assertStaysRegisteredUntilTheStubbornChildStops(
      java.util.function.Function<ActionEffect<String, Integer>, ActionEffect<String, ?>> parent, String kind)
      throws Exception {
    assertStaysRegisteredUntilTheStubbornChildStops((stubborn, running) -> parent.apply(stubborn), kind, null);
  }

  /** As above; with {@code ended} null the root is cancelled, else it must end so by itself. */
  private void assertStaysRegisteredUntilTheStubbornChildStops(
      java.util.function.BiFunction<ActionEffect<String, Integer>, CountDownLatch, ActionEffect<String, ?>> parent,
      String kind, Outcome<String, ?> ended) throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch rootExited = new CountDownLatch(1);
    ActionEffect<String, Integer> stubborn = ActionEffect.blocking(token -> {
      running.countDown();
      while (true) {
        try {
          release.await();
          return 2;
        } catch (InterruptedException e) {
          // ignores the cancellation's interrupt: it runs on after its parent has finished
        }
      }
    });
    EffectHandle<String, ?> handle = runtime.submit(parent.apply(stubborn, running).onExit(o -> rootExited.countDown()));
    // One worker: the first child ran (and settled) before the stubborn one started, or the
    // stubborn one is first and its sibling fails after it started.
    awaitLatch(running, kind + ": the stubborn child running");
    if (ended == null) {
      handle.cancel("stop");
    }
    assertThat(outcomeOf(handle)).isEqualTo(ended != null ? ended : new Outcome.Faulted<>(new Fault.Cancelled("stop")));
    awaitLatch(rootExited, kind + ": the root unwound");
    RuntimeCore core = cores.computeIfAbsent(runtime, VirtualTimeRuntimes::coreOf);
    within().during(Duration.ofMillis(300)).until(() -> core.registry.size() == 1); // a miscount drops it in microseconds
    release.countDown();
    awaitQuiescent(runtime);
  }

  /** A timeout's single child settling releases its parent: the finished effect leaves nothing in flight and no timer. */
  @Test
  void aTimedEffectThatFinishedInTimeLeavesNothingInFlightNorATimer() {
    EffectHandle<String, String> handle =
        runtime.submit(ActionEffect.<String, String>compute(token -> "done").timeout(HOUR));

    assertThat(outcomeOf(handle)).isEqualTo(new Outcome.Success<>("done"));
    awaitQuiescent(runtime);
    assertThat(time.pendingTimers()).as("the timeout's timer was withdrawn").isZero();
  }
}
