package land.echo.resilience;

import static land.echo.resilience.Runtimes.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pins the bulkhead's admission, queueing, shedding and slot hand-over on virtual time (issue 13).
 * Slots are held by sleeps on virtual time, so nothing real is waited for: every wait below is for
 * something the unmutated bulkhead does at once, bounded at 2 s, so that a lost slot or a waiter
 * never woken fails by assertion instead of hanging.
 */
@Timeout(30)
class BulkheadPinTest {
  private static final Duration HOLD = Duration.ofSeconds(1);

  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = Runtimes.onVirtualTime(time, 4);

  @AfterEach
  void stop() {
    Runtimes.stop(runtime);
  }

  /** An effect that holds its slot for {@link #HOLD} of virtual time, then returns {@code name}. */
  private static ActionEffect<String, String> holding(String name) {
    return APP.sleep(HOLD).map(ignored -> name);
  }

  private static void within2s(String what, BooleanSupplier condition) {
    await(what).atMost(Duration.ofSeconds(2)).until(condition::getAsBoolean);
  }

  private static <T> Outcome<String, T> done(EffectHandle<String, T> handle, String what) {
    try {
      return handle.outcome().get(2, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return fail(what + " did not end within 2 s: a slot was lost or a waiter never woken");
    } catch (InterruptedException | ExecutionException e) {
      return fail(what + " failed to be awaited", e);
    }
  }

  /** Starts a call that holds the only slot, and waits until it does. */
  private EffectHandle<String, String> hold(Bulkhead bulkhead) {
    EffectHandle<String, String> holder = runtime.submit(holding("holder").via(bulkhead.policy()));
    within2s("the holder takes the slot", () -> bulkhead.snapshot().inUse() == 1 && time.pendingTimers() == 1);
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
    assertThat(done(runtime.submit(APP.succeed("a").via(bulkhead.policy())), "a call")).isEqualTo(Outcome.success("a"));
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 0, 0, 0));
    assertThat(done(runtime.submit(APP.<String>fail("down").via(bulkhead.policy())), "a call")).isEqualTo(Outcome.failure("down"));
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 0, 0, 0));
  }

  /** With every slot taken a call queues (it neither runs beside the holder nor is refused). */
  @Test
  void aCallFindingEverySlotTakenQueues() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 1);
    EffectHandle<String, String> holder = hold(bulkhead);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 1, 0, 0));

    EffectHandle<String, String> waiter = runtime.submit(APP.succeed("w").via(bulkhead.policy()));
    within2s("the call queues or gets in", () -> bulkhead.snapshot().queued() == 1 || waiter.isDone());

    assertThat(waiter.isDone()).as("ran beside the holder").isFalse();
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 1, 1, 0));
    releaseHolder();
    assertThat(done(holder, "the holder")).isEqualTo(Outcome.success("holder"));
    assertThat(done(waiter, "the waiter")).isEqualTo(Outcome.success("w"));
    within2s("the waiter gives the slot back", () -> bulkhead.snapshot().inUse() == 0);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 0, 0, 0));
  }

  /** A call finding the queue exactly full is refused at once, the holder keeping its slot. */
  @Test
  void aCallFindingTheQueueExactlyFullIsRefused() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 1);
    EffectHandle<String, String> holder = hold(bulkhead);
    EffectHandle<String, String> waiter = runtime.submit(APP.succeed("w").via(bulkhead.policy()));
    within2s("the call queues", () -> bulkhead.snapshot().queued() == 1);

    Outcome<String, String> refused = done(runtime.submit(APP.succeed("late").via(bulkhead.policy())), "the refusal");

    assertThat(Runtimes.rejectionOf(refused)).isEqualTo(new BulkheadFull("db", Priority.NORMAL, 1, 1, false));
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 1, 1, 1));
    releaseHolder();
    assertThat(done(holder, "the holder").isSuccess()).isTrue();
    assertThat(done(waiter, "the waiter").isSuccess()).isTrue();
    within2s("every slot is given back", () -> bulkhead.snapshot().inUse() == 0);
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
        done(runtime.submit(APP.succeed("x").via(bulkhead.policy()), Priority.HIGH), "the refusal");

    BulkheadFull full = new BulkheadFull("db", Priority.HIGH, 1, 0, false);
    assertThat(Runtimes.rejectionOf(refused)).isEqualTo(full);
    assertThat(events).containsExactly(new PolicyEvent.CallRejected("db", full));
    assertThat(unsubscribed).isEmpty();
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 1, 0, 1));
    releaseHolder();
    assertThat(done(holder, "the holder").isSuccess()).isTrue();
    within2s("the slot is given back", () -> bulkhead.snapshot().inUse() == 0);
  }

  /** A full queue sheds only a strictly less urgent waiter: equal or more urgent ones stay. */
  @Test
  void aFullQueueShedsOnlyAStrictlyLessUrgentWaiter() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 1);
    EffectHandle<String, String> holder = hold(bulkhead);
    EffectHandle<String, String> normal = runtime.submit(APP.succeed("normal").via(bulkhead.policy()));
    within2s("the NORMAL call queues", () -> bulkhead.snapshot().queued() == 1);

    Outcome<String, String> sameLevel = done(runtime.submit(APP.succeed("n2").via(bulkhead.policy())), "a NORMAL refusal");
    Outcome<String, String> lower =
        done(runtime.submit(APP.succeed("low").via(bulkhead.policy()), Priority.LOW), "a LOW refusal");

    assertThat(Runtimes.rejectionOf(sameLevel)).isEqualTo(new BulkheadFull("db", Priority.NORMAL, 1, 1, false));
    assertThat(Runtimes.rejectionOf(lower)).isEqualTo(new BulkheadFull("db", Priority.LOW, 1, 1, false));
    assertThat(normal.isDone()).isFalse();
    releaseHolder();
    assertThat(done(holder, "the holder").isSuccess()).isTrue();
    assertThat(done(normal, "the queued NORMAL call")).isEqualTo(Outcome.success("normal"));
    within2s("every slot is given back", () -> bulkhead.snapshot().inUse() == 0);
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
    within2s("the LOW call queues", () -> bulkhead.snapshot().queued() == 1);

    EffectHandle<String, String> high = runtime.submit(APP.succeed("high").via(bulkhead.policy()), Priority.HIGH);

    BulkheadFull shed = new BulkheadFull("db", Priority.LOW, 1, 1, true);
    assertThat(Runtimes.rejectionOf(done(low, "the shed call"))).isEqualTo(shed);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 1, 1, 1));
    releaseHolder();
    assertThat(done(holder, "the holder").isSuccess()).isTrue();
    assertThat(done(high, "the HIGH call")).isEqualTo(Outcome.success("high"));
    within2s("every slot is given back", () -> bulkhead.snapshot().inUse() == 0);
    assertThat(events).filteredOn(PolicyEvent.CallRejected.class::isInstance)
        .containsExactly(new PolicyEvent.CallRejected("db", shed));
  }

  /** A waiter granted the slot publishes how long it waited, on the policy's time. */
  @Test
  void aWaiterPublishesHowLongItWaited() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 1);
    done(runtime.submit(APP.succeed("first").via(bulkhead.policy())), "a call"); // the policy's time starts here
    time.advance(Duration.ofSeconds(5));
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    bulkhead.onEvent(events::add);
    EffectHandle<String, String> holder = hold(bulkhead);
    EffectHandle<String, String> waiter = runtime.submit(APP.succeed("w").via(bulkhead.policy()), Priority.LOW);
    within2s("the call queues", () -> bulkhead.snapshot().queued() == 1);

    releaseHolder();

    assertThat(done(holder, "the holder").isSuccess()).isTrue();
    assertThat(done(waiter, "the waiter")).isEqualTo(Outcome.success("w"));
    assertThat(events).containsExactly(new PolicyEvent.PermitWaited("db", Priority.LOW, HOLD));
  }

  /** A cancelled waiter leaves the queue; the slot, when released, is not handed to it. */
  @Test
  void aCancelledWaiterLeavesTheQueueAndTheSlotReturnsToThePool() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 1);
    EffectHandle<String, String> holder = hold(bulkhead);
    EffectHandle<String, String> waiter = runtime.submit(APP.succeed("w").via(bulkhead.policy()));
    within2s("the call queues", () -> bulkhead.snapshot().queued() == 1);

    waiter.cancel();

    assertThat(done(waiter, "the cancelled waiter")).isInstanceOf(Outcome.Faulted.class);
    within2s("the waiter leaves the queue", () -> bulkhead.snapshot().queued() == 0);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 1, 0, 0));
    releaseHolder();
    assertThat(done(holder, "the holder").isSuccess()).isTrue();
    within2s("the slot returns to the pool", () -> bulkhead.snapshot().inUse() == 0);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 0, 0, 0));
    assertThat(done(runtime.submit(APP.succeed("next").via(bulkhead.policy())), "the next call"))
        .isEqualTo(Outcome.success("next"));
  }

  /** A cancelled holder gives its slot to the waiter. */
  @Test
  void aCancelledHolderHandsItsSlotToTheWaiter() {
    Bulkhead bulkhead = Bulkhead.of("db", 1, 1);
    EffectHandle<String, String> holder = hold(bulkhead);
    EffectHandle<String, String> waiter = runtime.submit(APP.succeed("w").via(bulkhead.policy()));
    within2s("the call queues", () -> bulkhead.snapshot().queued() == 1);

    holder.cancel();

    assertThat(done(holder, "the cancelled holder")).isInstanceOf(Outcome.Faulted.class);
    assertThat(done(waiter, "the waiter")).isEqualTo(Outcome.success("w"));
    within2s("the slot returns to the pool", () -> bulkhead.snapshot().inUse() == 0);
    assertThat(bulkhead.snapshot()).isEqualTo(new Bulkhead.Snapshot(1, 0, 0, 0));
  }
}
