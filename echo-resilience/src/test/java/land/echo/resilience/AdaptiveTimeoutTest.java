package land.echo.resilience;

import static land.echo.resilience.Runtimes.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdaptiveTimeoutTest {
  private static final Duration SECOND = Duration.ofSeconds(1);

  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = Runtimes.onVirtualTime(time);

  @AfterEach
  void stop() {
    Runtimes.stop(runtime);
  }

  private AdaptiveTimeout.Builder builder() {
    return AdaptiveTimeout.builder("timeouts").percentile(99).multiplier(2)
        .bounds(Duration.ofMillis(50), Duration.ofSeconds(4)).initial(SECOND, 10)
        .window(Duration.ofSeconds(20), Duration.ofSeconds(5)).maxStep(0.5);
  }

  /** A call named "lookup" that takes {@code latency} of virtual time (it moves the clock itself). */
  private ActionEffect<String, Integer> lookup(Duration latency) {
    return APP.<Integer>blocking(token -> {
      time.advance(latency);
      return 1;
    }).named("lookup");
  }

  /**
   * Runs 10 calls of {@code latency} (within one update interval) and returns the budget after the
   * next update.
   */
  private Duration feed(AdaptiveTimeout timeout, Duration latency) {
    long start = time.nanoTime();
    for (int i = 0; i < 10; i++) {
      runtime.run(lookup(latency).via(timeout.policy()));
    }
    time.advance(Duration.ofSeconds(5).minusNanos(time.nanoTime() - start));
    runtime.run(APP.succeed(0).named("lookup").via(timeout.policy())); // triggers the update
    return timeout.currentTimeout("lookup");
  }

  @Test
  void theDefaultHoldsUntilEnoughSamplesExist() {
    AdaptiveTimeout timeout = builder().initial(SECOND, 1_000).build();
    assertThat(feed(timeout, Duration.ofMillis(10))).isEqualTo(SECOND);
    assertThat(timeout.currentTimeout("never-seen")).isEqualTo(SECOND);
  }

  @Test
  void theBudgetTightensStepByStepAsLatencyFallsAndLoosensAsItRises() {
    AdaptiveTimeout timeout = builder().build();
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    timeout.onEvent(events::add);

    List<Duration> budgets = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      budgets.add(feed(timeout, Duration.ofMillis(100)));
    }
    // 2 × p99 of 100 ms is 200 ms; each update may shrink the budget to 1/1.5 of itself at most.
    assertThat(budgets.get(0)).isEqualTo(Duration.ofNanos((long) (SECOND.toNanos() / 1.5)));
    assertThat(budgets).isSortedAccordingTo((a, b) -> b.compareTo(a));
    assertThat(budgets.get(5)).isBetween(Duration.ofMillis(199), Duration.ofMillis(202));

    // Latency rises to 190 ms (still within the 200 ms budget, so every call is sampled): growth is
    // capped at 1.5× per update, then the budget settles at 2 × p99 of 190 ms.
    List<Duration> rising = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      rising.add(feed(timeout, Duration.ofMillis(190)));
    }
    assertThat(rising.get(0)).isEqualTo(Duration.ofNanos((long) (budgets.get(5).toNanos() * 1.5)));
    assertThat(rising).isSorted();
    assertThat(rising.get(3)).isBetween(Duration.ofMillis(379), Duration.ofMillis(384));
    assertThat(events).hasAtLeastOneElementOfType(PolicyEvent.TimeoutAdapted.class);
    // One event per update that changed the budget, from the old value to the new, and none for an
    // update that left it where it was.
    List<Duration> seen = new ArrayList<>();
    seen.add(SECOND);
    seen.addAll(budgets);
    seen.addAll(rising);
    List<List<Duration>> changes = new ArrayList<>();
    for (int i = 1; i < seen.size(); i++) {
      if (!seen.get(i).equals(seen.get(i - 1))) {
        changes.add(List.of(seen.get(i - 1), seen.get(i)));
      }
    }
    assertThat(events.stream().filter(PolicyEvent.TimeoutAdapted.class::isInstance)
        .map(PolicyEvent.TimeoutAdapted.class::cast).map(e -> List.of(e.from(), e.to())).toList())
        .isEqualTo(changes);
    assertThat(timeout.snapshot()).singleElement()
        .satisfies(s -> assertThat(s.recentPercentile()).isBetween(Duration.ofMillis(189), Duration.ofMillis(192)));
  }

  @Test
  void theBudgetNeverLeavesItsBounds() {
    AdaptiveTimeout timeout = builder().maxStep(10).build();
    feed(timeout, Duration.ofMillis(1));
    assertThat(feed(timeout, Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(50));
    // A fresh policy (1 s default) for the slow calls: 400 ms calls against a 50 ms budget would
    // time out, and a timed-out body still moving the virtual clock races the next call.
    AdaptiveTimeout slow = builder().maxStep(10).build();
    feed(slow, Duration.ofMillis(400));
    // 2 × p99 of 400 ms, HdrHistogram's two significant digits
    assertThat(feed(slow, Duration.ofMillis(400))).isBetween(Duration.ofMillis(799), Duration.ofMillis(806));
    timeout = builder().maxStep(10).bounds(Duration.ofMillis(50), Duration.ofMillis(500)).initial(Duration.ofMillis(400), 10).build();
    assertThat(feed(timeout, Duration.ofMillis(300))).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void aCallOverItsBudgetTimesOutAndIsNotSampled() {
    AdaptiveTimeout timeout = builder().build();
    EffectHandle<String, Void> call = runtime.submit(APP.sleep(Duration.ofSeconds(2)).named("lookup").via(timeout.policy()));
    await().until(() -> time.pendingTimers() == 2);
    time.advance(SECOND);
    assertThat(call.join()).isEqualTo(Outcome.faulted(new Fault.TimedOut(SECOND)));
    time.advance(Duration.ofSeconds(5));
    runtime.run(APP.succeed(0).named("lookup").via(timeout.policy()));
    // The update may or may not already count the fast call that triggered it (it completes on a
    // worker while run() returns); what must hold is that the 1 s timed-out call is not a sample.
    assertThat(timeout.snapshot()).singleElement().satisfies(s -> {
      assertThat(s.samples()).isLessThanOrEqualTo(1);
      assertThat(s.recentPercentile()).isLessThan(Duration.ofMillis(500));
    });
  }

  @Test
  void badConfigurationIsRejectedNamingTheField() {
    assertThatThrownBy(() -> builder().percentile(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("percentile");
    assertThatThrownBy(() -> builder().multiplier(0.5).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiplier");
    assertThatThrownBy(() -> builder().bounds(SECOND, Duration.ofMillis(1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max");
    assertThatThrownBy(() -> builder().initial(Duration.ofSeconds(10), 5).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initial");
    assertThatThrownBy(() -> builder().window(SECOND, Duration.ofSeconds(2)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
  }

  /** A call that triggers an update while samples are still too few gets the current budget. */
  @Test
  void aCallTriggeringAnUpdateBelowMinSamplesKeepsTheCurrentBudget() throws Exception {
    AdaptiveTimeout timeout = builder().initial(SECOND, 1_000).build();
    runtime.run(APP.succeed(0).named("lookup").via(timeout.policy()));
    time.advance(Duration.ofSeconds(5)); // the next call updates: 1 sample of the 1,000 needed
    EffectHandle<String, Void> call = runtime.submit(APP.sleep(Duration.ofMillis(500)).named("lookup").via(timeout.policy()));
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(1))
        .until(() -> call.isDone() || time.pendingTimers() == 2);
    time.advance(Duration.ofMillis(500));
    assertThat(call.outcome().get(2, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(Outcome.success(null));
    assertThat(timeout.currentTimeout("lookup")).isEqualTo(SECOND);
  }

  /**
   * With a clock given to its builder, the policy times latencies and its updates on that clock
   * alone: the runtime's clock moving on does not make an update due.
   */
  @Test
  void aClockGivenToTheBuilderTimesTheLatenciesAndTheUpdates() {
    VirtualTime own = new VirtualTime();
    AdaptiveTimeout timeout = builder().clock(own).build();
    for (int i = 0; i < 10; i++) { // own's clock: 0 s to 1 s; the first update is due at 5 s
      assertThat(runtime.run(APP.<Integer>blocking(token -> {
        own.advance(Duration.ofMillis(100));
        return 1;
      }).named("lookup").via(timeout.policy()))).isEqualTo(Outcome.success(1));
    }
    time.advance(Duration.ofSeconds(10)); // the runtime's clock: the policy does not read it
    runtime.run(APP.succeed(0).named("lookup").via(timeout.policy()));
    assertThat(timeout.currentTimeout("lookup")).isEqualTo(SECOND);

    own.advance(Duration.ofSeconds(4));
    // The call that makes the update runs on the new budget: 100 ms of the runtime's time fit in it.
    EffectHandle<String, Void> call = runtime.submit(APP.sleep(Duration.ofMillis(100)).named("lookup").via(timeout.policy()));
    Runtimes.within2s("the call sleeps under its budget", () -> call.isDone() || time.pendingTimers() == 2);
    time.advance(Duration.ofMillis(100));

    assertThat(Runtimes.done(call, "the call that made the update")).isEqualTo(Outcome.success(null));
    // 2 × p99 of 100 ms is 200 ms; one update shrinks the budget to 1/1.5 of itself at most.
    assertThat(timeout.currentTimeout("lookup")).isEqualTo(Duration.ofNanos((long) (SECOND.toNanos() / 1.5)));
  }
}
