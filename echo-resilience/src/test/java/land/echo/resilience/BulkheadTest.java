package land.echo.resilience;

import static land.echo.resilience.Runtimes.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.resilience.internal.Gradient2;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BulkheadTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = Runtimes.onVirtualTime(time, 4);

  @AfterEach
  void stop() {
    Runtimes.stop(runtime);
  }

  /** An effect that records its name when it starts, then waits for {@code release}. */
  private static ActionEffect<String, String> recorded(String name, List<String> started, CountDownLatch release) {
    return APP.suspend(() -> {
      started.add(name);
      return Runtimes.gated(release, name);
    });
  }

  @Test
  void aFullBulkheadQueuesAndAFullQueueRejectsClearly() {
    Bulkhead bulkhead = Bulkhead.builder("db").maxConcurrent(2).maxQueued(1).build();
    CountDownLatch release = new CountDownLatch(1);
    List<String> started = new CopyOnWriteArrayList<>();
    EffectHandle<String, String> a = runtime.submit(recorded("a", started, release).via(bulkhead.policy()));
    EffectHandle<String, String> b = runtime.submit(recorded("b", started, release).via(bulkhead.policy()));
    Runtimes.within2s("2 calls started", () -> started.size() == 2);
    EffectHandle<String, String> c = runtime.submit(recorded("c", started, release).via(bulkhead.policy()));
    Runtimes.within2s("1 call queued", () -> bulkhead.snapshot().queued() == 1);

    Outcome<String, String> d = Runtimes.done(runtime.submit(recorded("d", started, release).via(bulkhead.policy())), "the call");

    assertThat(Runtimes.rejectionOf(d)).isEqualTo(new BulkheadFull("db", Priority.NORMAL, 2, 1, false));
    assertThat(((Outcome.Faulted<?, ?>) d).fault().message())
        .isEqualTo("Effect rejected: bulkhead 'db' is full for a NORMAL call (limit 2, 1 queued)");
    release.countDown();
    assertThat(List.of(Runtimes.done(a, "a"), Runtimes.done(b, "b"), Runtimes.done(c, "c"))).allSatisfy(o -> assertThat(o.isSuccess()).isTrue());
    assertThat(started).containsExactlyInAnyOrder("a", "b", "c");
    Runtimes.within2s("every slot is given back", () -> bulkhead.snapshot().inUse() == 0);
  }

  @Test
  void aDrainedBulkheadRefusesNewCallsAndLetsRunningAndQueuedOnesFinishUntilResumed() {
    Bulkhead bulkhead = Bulkhead.builder("db").maxConcurrent(1).maxQueued(5).build();
    CountDownLatch release = new CountDownLatch(1);
    List<String> started = new CopyOnWriteArrayList<>();
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    bulkhead.onEvent(events::add);
    EffectHandle<String, String> running = runtime.submit(recorded("running", started, release).via(bulkhead.policy()));
    Runtimes.within2s("1 call started", () -> started.size() == 1);
    EffectHandle<String, String> queued = runtime.submit(recorded("queued", started, release).via(bulkhead.policy()));
    Runtimes.within2s("1 call queued", () -> bulkhead.snapshot().queued() == 1);

    bulkhead.drain();

    assertThat(bulkhead.isDrained()).isTrue();
    Outcome<String, String> refused =
        Runtimes.done(runtime.submit(recorded("new", started, release).via(bulkhead.policy()), Priority.HIGH), "the new call");
    assertThat(Runtimes.rejectionOf(refused)).isEqualTo(new BulkheadDrained("db", Priority.HIGH));
    assertThat(((Outcome.Faulted<?, ?>) refused).fault().message())
        .isEqualTo("Effect rejected: bulkhead 'db' is drained: it admits no new HIGH call until it is resumed");
    assertThat(events).containsExactly(new PolicyEvent.CallRejected("db", new BulkheadDrained("db", Priority.HIGH)));
    assertThat(bulkhead.snapshot().rejected()).isEqualTo(1);
    release.countDown();
    assertThat(List.of(Runtimes.done(running, "running"), Runtimes.done(queued, "queued")))
        .allSatisfy(o -> assertThat(o.isSuccess()).isTrue());
    assertThat(started).containsExactly("running", "queued");

    bulkhead.resume();

    assertThat(bulkhead.isDrained()).isFalse();
    assertThat(Runtimes.done(runtime.submit(recorded("after", started, release).via(bulkhead.policy())), "after").isSuccess())
        .isTrue();
    Runtimes.within2s("every slot is given back", () -> bulkhead.snapshot().inUse() == 0);
  }

  @Test
  void drainAndResumeAreIdempotent() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 0);
    bulkhead.drain();
    bulkhead.drain();
    assertThat(bulkhead.isDrained()).isTrue();
    bulkhead.resume();
    bulkhead.resume();
    assertThat(bulkhead.isDrained()).isFalse();
    assertThat(Runtimes.done(runtime.submit(APP.succeed("ok").via(bulkhead.policy())), "the call").isSuccess()).isTrue();
  }

  @Test
  void aReleasedSlotGoesToTheWaitingHighCallBeforeTheEarlierLowOne() {
    Bulkhead bulkhead = Bulkhead.builder("db").maxConcurrent(1).maxQueued(10).build();
    CountDownLatch holdFirst = new CountDownLatch(1);
    CountDownLatch releaseRest = new CountDownLatch(1);
    List<String> started = new CopyOnWriteArrayList<>();
    EffectHandle<String, String> holder = runtime.submit(recorded("holder", started, holdFirst).via(bulkhead.policy()));
    Runtimes.within2s("1 call started", () -> started.size() == 1);
    EffectHandle<String, String> low =
        runtime.submit(recorded("low", started, releaseRest).via(bulkhead.policy()), Priority.LOW);
    Runtimes.within2s("1 call queued", () -> bulkhead.snapshot().queued() == 1);
    EffectHandle<String, String> high =
        runtime.submit(recorded("high", started, releaseRest).via(bulkhead.policy()), Priority.HIGH);
    Runtimes.within2s("2 calls queued", () -> bulkhead.snapshot().queued() == 2);

    holdFirst.countDown();

    Runtimes.within2s("2 calls started", () -> started.size() == 2);
    assertThat(started).containsExactly("holder", "high");
    assertThat(Runtimes.done(holder, "holder").isSuccess()).isTrue();
    releaseRest.countDown();
    assertThat(Runtimes.done(high, "high").isSuccess()).isTrue();
    assertThat(Runtimes.done(low, "low").isSuccess()).isTrue();
    assertThat(started).containsExactly("holder", "high", "low");
  }

  @Test
  void underOverloadAQueuedLowCallIsShedForAHighOne() {
    Bulkhead bulkhead = Bulkhead.builder("db").maxConcurrent(1).maxQueued(1).build();
    CountDownLatch release = new CountDownLatch(1);
    List<String> started = new CopyOnWriteArrayList<>();
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    bulkhead.onEvent(events::add);
    runtime.submit(recorded("holder", started, release).via(bulkhead.policy()));
    Runtimes.within2s("1 call started", () -> started.size() == 1);
    EffectHandle<String, String> low = runtime.submit(recorded("low", started, release).via(bulkhead.policy()), Priority.LOW);
    Runtimes.within2s("1 call queued", () -> bulkhead.snapshot().queued() == 1);

    EffectHandle<String, String> high = runtime.submit(recorded("high", started, release).via(bulkhead.policy()), Priority.HIGH);

    assertThat(Runtimes.rejectionOf(Runtimes.done(low, "low"))).isEqualTo(new BulkheadFull("db", Priority.LOW, 1, 1, true));
    // A second LOW arriving now finds a HIGH queued: it is refused, nothing is shed.
    Outcome<String, String> lateLow = Runtimes.done(runtime.submit(recorded("late", started, release).via(bulkhead.policy()), Priority.LOW), "the call");
    assertThat(Runtimes.rejectionOf(lateLow)).isEqualTo(new BulkheadFull("db", Priority.LOW, 1, 1, false));
    release.countDown();
    assertThat(Runtimes.done(high, "high").isSuccess()).isTrue();
    assertThat(started).containsExactly("holder", "high");
    assertThat(events).filteredOn(PolicyEvent.CallRejected.class::isInstance).hasSize(2);
  }

  @Test
  void aCancelledWaiterLeavesTheQueue() {
    Bulkhead bulkhead = Bulkhead.builder("db").maxConcurrent(1).maxQueued(1).build();
    CountDownLatch release = new CountDownLatch(1);
    List<String> started = new CopyOnWriteArrayList<>();
    runtime.submit(recorded("holder", started, release).via(bulkhead.policy()));
    Runtimes.within2s("1 call started", () -> started.size() == 1);
    EffectHandle<String, String> waiting = runtime.submit(recorded("w", started, release).via(bulkhead.policy()));
    Runtimes.within2s("1 call queued", () -> bulkhead.snapshot().queued() == 1);

    waiting.cancel();

    assertThat(Runtimes.done(waiting, "waiting")).isInstanceOf(Outcome.Faulted.class);
    Runtimes.within2s("no call queued", () -> bulkhead.snapshot().queued() == 0);
    EffectHandle<String, String> next = runtime.submit(recorded("next", started, release).via(bulkhead.policy()));
    Runtimes.within2s("1 call queued", () -> bulkhead.snapshot().queued() == 1);
    release.countDown();
    assertThat(Runtimes.done(next, "next")).isEqualTo(Outcome.success("next"));
    assertThat(started).containsExactly("holder", "next");
    Runtimes.within2s("every slot is given back", () -> bulkhead.snapshot().inUse() == 0);
  }

  @Test
  void manyThreadsThroughOneBulkheadNeverExceedItsLimit() throws Exception {
    Bulkhead bulkhead = Bulkhead.builder("db").maxConcurrent(3).maxQueued(1_000).build();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    ActionEffect<String, Integer> call = APP.blocking(token -> {
      int now = inside.incrementAndGet();
      maxInside.accumulateAndGet(now, Math::max);
      Thread.onSpinWait();
      inside.decrementAndGet();
      return now;
    });
    List<EffectHandle<String, Integer>> handles = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      Priority priority = Priority.values()[t % 3];
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 50; i++) {
          handles.add(runtime.submit(call.via(bulkhead.policy()), priority));
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join(5_000);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> handles.size() == 300 && handles.stream().allMatch(EffectHandle::isDone));
    assertThat(handles).allSatisfy(h -> assertThat(h.join().isSuccess()).isTrue());
    assertThat(maxInside.get()).isBetween(1, 3);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(3, 0, 0, 0));
  }

  @Test
  void gradientShrinksTheLimitWhenLatencyRisesAndGrowsItWhenLatencyIsSteady() {
    Gradient2 gradient = new Gradient2(20, 2, 100);
    for (int i = 0; i < 50; i++) {
      gradient.sample(10_000_000, 20);
    }
    int steady = gradient.limit();
    assertThat(steady).isGreaterThan(20);
    for (int i = 0; i < 20; i++) {
      gradient.sample(100_000_000, steady);
    }
    assertThat(gradient.limit()).isLessThan(steady);
    for (int i = 0; i < 40; i++) {
      gradient.sample(100_000_000, 100);
    }
    assertThat(gradient.limit()).isLessThan(steady / 2);
  }

  @Test
  void anAdaptiveBulkheadMovesItsLimitWithLatencyAndPublishesIt() {
    Bulkhead bulkhead = Bulkhead.builder("db").maxConcurrent(4).maxQueued(16).adaptive(1, 16).build();
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    bulkhead.onEvent(events::add);
    // With one call at a time the bulkhead is far from full: the limit does not grow.
    for (int i = 0; i < 30; i++) {
      runtime.run(pair(Duration.ofMillis(10), 1).get(0).via(bulkhead.policy()));
    }
    assertThat(bulkhead.snapshot().limit()).isEqualTo(4);
    // Three at a time (over half the limit) is load enough for the estimator to act.
    for (int i = 0; i < 30; i++) {
      runtime.run(APP.all(pair(Duration.ofMillis(10), 3).stream().map(e -> e.via(bulkhead.<String>policy())).toList()));
    }
    int grown = bulkhead.snapshot().limit();
    assertThat(grown).isGreaterThan(4);
    // Latency jumps a hundred-fold under load: the limit shrinks at once (held there, it grows back
    // as the long-term average catches up: steady latency, however high, is not queueing).
    for (int i = 0; i < 3; i++) {
      runtime.run(APP.all(pair(Duration.ofMillis(400), bulkhead.snapshot().limit()).stream().map(e -> e.via(bulkhead.<String>policy())).toList()));
    }
    assertThat(bulkhead.snapshot().limit()).isLessThan(grown);
    assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(PolicyEvent.LimitChanged.class));
  }

  /** {@code n} effects that all wait until each has started, then each moves time by {@code latency}. */
  private List<ActionEffect<String, Integer>> pair(Duration latency, int n) {
    CountDownLatch together = new CountDownLatch(n);
    List<ActionEffect<String, Integer>> effects = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      effects.add(APP.blocking(token -> {
        together.countDown();
        together.await();
        time.advance(latency);
        return 1;
      }));
    }
    return effects;
  }

  @Test
  void badConfigurationIsRejectedNamingTheField() {
    assertThatThrownBy(() -> Bulkhead.of("b", 0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxConcurrent");
    assertThatThrownBy(() -> Bulkhead.of("b", 1, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxQueued");
    assertThatThrownBy(() -> Bulkhead.builder("b").adaptive(5, 2).maxConcurrent(3).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLimit");
    assertThatThrownBy(() -> Bulkhead.builder("b").adaptive(1, 2).maxConcurrent(3).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxConcurrent");
  }

  // ---- Pinned for issue 13: admission, queueing, shedding and hand-over on virtual time. Every
  // wait below is for something the unmutated bulkhead does at once, bounded at 2 s, so that a lost
  // slot or a waiter never woken fails by assertion instead of hanging.

  private static final Duration HOLD = Duration.ofSeconds(1);

  /** An effect that holds its slot for {@link #HOLD} of virtual time, then returns {@code name}. */
  private static ActionEffect<String, String> holding(String name) {
    return APP.sleep(HOLD).map(ignored -> name);
  }

  /** Starts a call that holds the only slot, and waits until it does. */
  private EffectHandle<String, String> hold(Bulkhead bulkhead) {
    EffectHandle<String, String> holder = runtime.submit(holding("holder").via(bulkhead.policy()));
    Runtimes.within2s("the holder takes the slot", () -> bulkhead.snapshot().inUse() == 1 && time.pendingTimers() == 1);
    return holder;
  }

  /** Ends the holder's sleep. */
  private void releaseHolder() {
    time.advance(HOLD);
  }

  /** A call that finds a free slot runs at once and gives the slot back when it ends. */
  @Test
  void aCallWithAFreeSlotRunsAndGivesItBack() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 1);
    assertThat(Runtimes.done(runtime.submit(APP.succeed("a").via(bulkhead.policy())), "a call")).isEqualTo(Outcome.success("a"));
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 0, 0, 0));
    assertThat(Runtimes.done(runtime.submit(APP.<String>fail("down").via(bulkhead.policy())), "a call")).isEqualTo(Outcome.failure("down"));
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 0, 0, 0));
  }

  /** With every slot taken a call queues (it neither runs beside the holder nor is refused). */
  @Test
  void aCallFindingEverySlotTakenQueues() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 1);
    EffectHandle<String, String> holder = hold(bulkhead);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 1, 0, 0));

    EffectHandle<String, String> waiter = runtime.submit(APP.succeed("w").via(bulkhead.policy()));
    Runtimes.within2s("the call queues or gets in", () -> bulkhead.snapshot().queued() == 1 || waiter.isDone());

    assertThat(waiter.isDone()).as("ran beside the holder").isFalse();
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 1, 1, 0));
    releaseHolder();
    assertThat(Runtimes.done(holder, "the holder")).isEqualTo(Outcome.success("holder"));
    assertThat(Runtimes.done(waiter, "the waiter")).isEqualTo(Outcome.success("w"));
    Runtimes.within2s("the waiter gives the slot back", () -> bulkhead.snapshot().inUse() == 0);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 0, 0, 0));
  }

  /** A call finding the queue exactly full is refused at once, the holder keeping its slot. */
  @Test
  void aCallFindingTheQueueExactlyFullIsRefused() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 1);
    EffectHandle<String, String> holder = hold(bulkhead);
    EffectHandle<String, String> waiter = runtime.submit(APP.succeed("w").via(bulkhead.policy()));
    Runtimes.within2s("the call queues", () -> bulkhead.snapshot().queued() == 1);

    Outcome<String, String> refused = Runtimes.done(runtime.submit(APP.succeed("late").via(bulkhead.policy())), "the refusal");

    assertThat(Runtimes.rejectionOf(refused)).isEqualTo(new BulkheadFull("db", Priority.NORMAL, 1, 1, false));
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 1, 1, 1));
    releaseHolder();
    assertThat(Runtimes.done(holder, "the holder").isSuccess()).isTrue();
    assertThat(Runtimes.done(waiter, "the waiter").isSuccess()).isTrue();
    Runtimes.within2s("every slot is given back", () -> bulkhead.snapshot().inUse() == 0);
  }

  /** With no queue a call finding the slot taken is refused at once. */
  @Test
  void withNoQueueABusyBulkheadRefusesAtOnce() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 0);
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    bulkhead.onEvent(events::add);
    List<PolicyEvent> unsubscribed = new CopyOnWriteArrayList<>();
    bulkhead.onEvent(unsubscribed::add).close();
    EffectHandle<String, String> holder = hold(bulkhead);

    Outcome<String, String> refused =
        Runtimes.done(runtime.submit(APP.succeed("x").via(bulkhead.policy()), Priority.HIGH), "the refusal");

    BulkheadFull full = new BulkheadFull("db", Priority.HIGH, 1, 0, false);
    assertThat(Runtimes.rejectionOf(refused)).isEqualTo(full);
    assertThat(events).containsExactly(new PolicyEvent.CallRejected("db", full));
    assertThat(unsubscribed).isEmpty();
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 1, 0, 1));
    releaseHolder();
    assertThat(Runtimes.done(holder, "the holder").isSuccess()).isTrue();
    Runtimes.within2s("the slot is given back", () -> bulkhead.snapshot().inUse() == 0);
  }

  /** A full queue sheds only a strictly less urgent waiter: equal or more urgent ones stay. */
  @Test
  void aFullQueueShedsOnlyAStrictlyLessUrgentWaiter() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 1);
    EffectHandle<String, String> holder = hold(bulkhead);
    EffectHandle<String, String> normal = runtime.submit(APP.succeed("normal").via(bulkhead.policy()));
    Runtimes.within2s("the NORMAL call queues", () -> bulkhead.snapshot().queued() == 1);

    Outcome<String, String> sameLevel = Runtimes.done(runtime.submit(APP.succeed("n2").via(bulkhead.policy())), "a NORMAL refusal");
    Outcome<String, String> lower =
        Runtimes.done(runtime.submit(APP.succeed("low").via(bulkhead.policy()), Priority.LOW), "a LOW refusal");

    assertThat(Runtimes.rejectionOf(sameLevel)).isEqualTo(new BulkheadFull("db", Priority.NORMAL, 1, 1, false));
    assertThat(Runtimes.rejectionOf(lower)).isEqualTo(new BulkheadFull("db", Priority.LOW, 1, 1, false));
    assertThat(normal.isDone()).isFalse();
    releaseHolder();
    assertThat(Runtimes.done(holder, "the holder").isSuccess()).isTrue();
    assertThat(Runtimes.done(normal, "the queued NORMAL call")).isEqualTo(Outcome.success("normal"));
    Runtimes.within2s("every slot is given back", () -> bulkhead.snapshot().inUse() == 0);
    assertThat(bulkhead.snapshot().rejected()).isEqualTo(2);
  }

  /** A more urgent call sheds the queued one, which is refused as shed and published; it then runs. */
  @Test
  void aMoreUrgentCallShedsTheQueuedOneAndRunsInItsPlace() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 1);
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    bulkhead.onEvent(events::add);
    EffectHandle<String, String> holder = hold(bulkhead);
    EffectHandle<String, String> low = runtime.submit(APP.succeed("low").via(bulkhead.policy()), Priority.LOW);
    Runtimes.within2s("the LOW call queues", () -> bulkhead.snapshot().queued() == 1);

    EffectHandle<String, String> high = runtime.submit(APP.succeed("high").via(bulkhead.policy()), Priority.HIGH);

    BulkheadFull shed = new BulkheadFull("db", Priority.LOW, 1, 1, true);
    assertThat(Runtimes.rejectionOf(Runtimes.done(low, "the shed call"))).isEqualTo(shed);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 1, 1, 1));
    releaseHolder();
    assertThat(Runtimes.done(holder, "the holder").isSuccess()).isTrue();
    assertThat(Runtimes.done(high, "the HIGH call")).isEqualTo(Outcome.success("high"));
    Runtimes.within2s("every slot is given back", () -> bulkhead.snapshot().inUse() == 0);
    assertThat(events).filteredOn(PolicyEvent.CallRejected.class::isInstance)
        .containsExactly(new PolicyEvent.CallRejected("db", shed));
  }

  /** A waiter granted the slot publishes how long it waited, on the policy's time. */
  @Test
  void aWaiterPublishesHowLongItWaited() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 1);
    Runtimes.done(runtime.submit(APP.succeed("first").via(bulkhead.policy())), "a call"); // the policy's time starts here
    time.advance(Duration.ofSeconds(5));
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    bulkhead.onEvent(events::add);
    EffectHandle<String, String> holder = hold(bulkhead);
    EffectHandle<String, String> waiter = runtime.submit(APP.succeed("w").via(bulkhead.policy()), Priority.LOW);
    Runtimes.within2s("the call queues", () -> bulkhead.snapshot().queued() == 1);

    releaseHolder();

    assertThat(Runtimes.done(holder, "the holder").isSuccess()).isTrue();
    assertThat(Runtimes.done(waiter, "the waiter")).isEqualTo(Outcome.success("w"));
    assertThat(events).containsExactly(new PolicyEvent.PermitWaited("db", Priority.LOW, HOLD));
  }

  /** A cancelled waiter leaves the queue; the slot, when released, is not handed to it. */
  @Test
  void aCancelledWaiterLeavesTheQueueAndTheSlotReturnsToThePool() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 1);
    EffectHandle<String, String> holder = hold(bulkhead);
    EffectHandle<String, String> waiter = runtime.submit(APP.succeed("w").via(bulkhead.policy()));
    Runtimes.within2s("the call queues", () -> bulkhead.snapshot().queued() == 1);

    waiter.cancel();

    assertThat(Runtimes.done(waiter, "the cancelled waiter")).isInstanceOf(Outcome.Faulted.class);
    Runtimes.within2s("the waiter leaves the queue", () -> bulkhead.snapshot().queued() == 0);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 1, 0, 0));
    releaseHolder();
    assertThat(Runtimes.done(holder, "the holder").isSuccess()).isTrue();
    Runtimes.within2s("the slot returns to the pool", () -> bulkhead.snapshot().inUse() == 0);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 0, 0, 0));
    assertThat(Runtimes.done(runtime.submit(APP.succeed("next").via(bulkhead.policy())), "the next call"))
        .isEqualTo(Outcome.success("next"));
  }

  /** A cancelled holder gives its slot to the waiter. */
  @Test
  void aCancelledHolderHandsItsSlotToTheWaiter() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 1);
    EffectHandle<String, String> holder = hold(bulkhead);
    EffectHandle<String, String> waiter = runtime.submit(APP.succeed("w").via(bulkhead.policy()));
    Runtimes.within2s("the call queues", () -> bulkhead.snapshot().queued() == 1);

    holder.cancel();

    assertThat(Runtimes.done(holder, "the cancelled holder")).isInstanceOf(Outcome.Faulted.class);
    assertThat(Runtimes.done(waiter, "the waiter")).isEqualTo(Outcome.success("w"));
    Runtimes.within2s("the slot returns to the pool", () -> bulkhead.snapshot().inUse() == 0);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 0, 0, 0));
  }

  /**
   * An adaptive limit that grows while calls are queued admits them into the new slots at once:
   * one completion that raises the limit from 25 to 26 lets both queued calls in together (one into
   * the new slot, one into the slot given back), not one after the other.
   */
  @Test
  void aGrowingAdaptiveLimitAdmitsQueuedCallsIntoTheNewSlots() {
    Bulkhead bulkhead = Bulkhead.builder("db").maxConcurrent(25).maxQueued(10).adaptive(1, 100).build();
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    bulkhead.onEvent(events::add);
    for (int i = 1; i <= 25; i++) {
      // The last holder, started with all 25 slots in use, ends first: its 100 ms is the first sample.
      Duration sleep = i == 25 ? Duration.ofMillis(100) : Duration.ofSeconds(10);
      int started = i;
      runtime.submit(APP.sleep(sleep).map(ignored -> "holder").via(bulkhead.policy()));
      Runtimes.within2s("holder " + i + " takes a slot",
          () -> bulkhead.snapshot().inUse() == started && time.pendingTimers() == started);
      time.advance(Duration.ofMillis(1));
    }
    runtime.submit(APP.sleep(Duration.ofSeconds(10)).map(ignored -> "first").via(bulkhead.policy()));
    runtime.submit(APP.sleep(Duration.ofSeconds(10)).map(ignored -> "second").via(bulkhead.policy()));
    Runtimes.within2s("both calls queue", () -> bulkhead.snapshot().queued() == 2);

    time.advance(Duration.ofMillis(99)); // the last holder ends: 0.8 x 25 + 0.2 x (25 + 5) = 26

    Runtimes.within2s("both queued calls start", () -> time.pendingTimers() == 26);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(26, 26, 0, 0));
    assertThat(events).filteredOn(PolicyEvent.LimitChanged.class::isInstance)
        .containsExactly(new PolicyEvent.LimitChanged("db", 25, 26));
  }

  /**
   * The adaptive limit is fed each call's own latency: five calls of 100 ms, one at a time and a
   * second apart, move a limit of 1 through 1.2, 1.42, 1.66, 1.92 to 2.19 (a latency read wrongly,
   * e.g. growing with the time of day, holds it at 1).
   */
  @Test
  void theAdaptiveLimitIsFedEachCallsOwnLatency() {
    Bulkhead bulkhead = Bulkhead.builder("db").maxConcurrent(1).maxQueued(0).adaptive(1, 100).build();
    for (int i = 1; i <= 5; i++) {
      EffectHandle<String, String> call =
          runtime.submit(APP.sleep(Duration.ofMillis(100)).map(ignored -> "call").via(bulkhead.policy()));
      Runtimes.within2s("call " + i + " starts", () -> time.pendingTimers() == 1);
      time.advance(Duration.ofMillis(100));
      assertThat(Runtimes.done(call, "call " + i)).isEqualTo(Outcome.success("call"));
      Runtimes.within2s("call " + i + " gives its slot back", () -> bulkhead.snapshot().inUse() == 0);
      assertThat(bulkhead.snapshot().limit()).as("the limit after call %d", i).isEqualTo(i < 5 ? 1 : 2);
      time.advance(Duration.ofMillis(900));
    }
  }

  /** A released slot admits one waiter, the most urgent; the next one waits for the next slot. */
  @Test
  void aReleasedSlotAdmitsOneWaiterAndTheNextWaitsForTheNextSlot() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 2);
    EffectHandle<String, String> holder = hold(bulkhead);
    EffectHandle<String, String> first = runtime.submit(holding("first").via(bulkhead.policy()));
    Runtimes.within2s("the first call queues", () -> bulkhead.snapshot().queued() == 1);
    EffectHandle<String, String> second = runtime.submit(APP.succeed("second").via(bulkhead.policy()));
    Runtimes.within2s("the second call queues", () -> bulkhead.snapshot().queued() == 2);

    releaseHolder();

    assertThat(Runtimes.done(holder, "the holder").isSuccess()).isTrue();
    Runtimes.within2s("the first waiter takes the slot", () -> time.pendingTimers() == 1);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 1, 1, 0));
    assertThat(second.isDone()).as("ran beside the first waiter").isFalse();
    time.advance(HOLD);
    assertThat(Runtimes.done(first, "the first waiter")).isEqualTo(Outcome.success("first"));
    assertThat(Runtimes.done(second, "the second waiter")).isEqualTo(Outcome.success("second"));
    Runtimes.within2s("every slot is given back", () -> bulkhead.snapshot().inUse() == 0);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 0, 0, 0));
  }

  /** With a clock given to its builder, a waiter's wait is measured on that clock, not the runtime's. */
  @Test
  void aClockGivenToTheBuilderMeasuresTheWait() {
    VirtualTime own = new VirtualTime();
    Bulkhead bulkhead = Bulkhead.builder("db").maxConcurrent(1).maxQueued(1).clock(own).build();
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    bulkhead.onEvent(events::add);
    EffectHandle<String, String> holder = hold(bulkhead);
    EffectHandle<String, String> waiter = runtime.submit(APP.succeed("w").via(bulkhead.policy()));
    Runtimes.within2s("the call queues", () -> bulkhead.snapshot().queued() == 1);
    own.advance(Duration.ofSeconds(3));

    releaseHolder(); // the runtime's clock moves by HOLD, which the bulkhead does not read

    assertThat(Runtimes.done(holder, "the holder").isSuccess()).isTrue();
    assertThat(Runtimes.done(waiter, "the waiter")).isEqualTo(Outcome.success("w"));
    assertThat(events).containsExactly(new PolicyEvent.PermitWaited("db", Priority.NORMAL, Duration.ofSeconds(3)));
  }

  /**
   * A waiter cancelled at the very moment it is given the released slot (forced: the call is
   * cancelled, and its queue entry withdrawn, after the slot is handed to it and before it is told)
   * passes the slot on to the next waiter, and the count stays exact.
   */
  @Test
  void aWaiterCancelledAtTheMomentItIsGrantedPassesTheSlotOn() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 2);
    EffectHandle<String, String> holder = hold(bulkhead);
    EffectHandle<String, String> first = runtime.submit(APP.succeed("first").via(bulkhead.policy()), Priority.HIGH);
    Runtimes.within2s("the first call queues", () -> bulkhead.snapshot().queued() == 1);
    EffectHandle<String, String> second = runtime.submit(APP.succeed("second").via(bulkhead.policy()), Priority.LOW);
    Runtimes.within2s("the second call queues", () -> bulkhead.snapshot().queued() == 2);
    List<Priority> told = new CopyOnWriteArrayList<>();
    bulkhead.beforeTelling = waiter -> {
      told.add(waiter.priority);
      if (told.size() == 1) {
        first.cancel();
        // Its queue entry is withdrawn (by its finalizer) before it is told: the grant must fail.
        Runtimes.within2s("the first waiter's cancellation reaches its queue entry", waiter::isDone);
      }
    };

    releaseHolder();

    assertThat(Runtimes.done(holder, "the holder").isSuccess()).isTrue();
    assertThat(Runtimes.done(first, "the cancelled waiter")).isInstanceOf(Outcome.Faulted.class);
    assertThat(Runtimes.done(second, "the next waiter")).isEqualTo(Outcome.success("second"));
    assertThat(told).containsExactly(Priority.HIGH, Priority.LOW);
    Runtimes.within2s("the slot returns to the pool", () -> bulkhead.snapshot().inUse() == 0);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 0, 0, 0));
  }

  /**
   * A slot freed between a call's gate finding the bulkhead full and its ticket trying again
   * (forced with the test hook: the holder ends in between) is taken at once: the call does not
   * queue for a slot nobody holds.
   */
  @Test
  void aSlotFreedBetweenTheGateAndTheTicketIsTakenAtOnce() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 2);
    EffectHandle<String, String> holder = hold(bulkhead);
    bulkhead.afterFullEnter = () -> {
      bulkhead.afterFullEnter = null;
      releaseHolder();
      Runtimes.within2s("the holder gives its slot back", () -> bulkhead.snapshot().inUse() == 0);
    };

    EffectHandle<String, String> late = runtime.submit(APP.succeed("late").via(bulkhead.policy()));

    assertThat(Runtimes.done(late, "the late call")).isEqualTo(Outcome.success("late"));
    assertThat(Runtimes.done(holder, "the holder").isSuccess()).isTrue();
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 0, 0, 0));
  }
}
