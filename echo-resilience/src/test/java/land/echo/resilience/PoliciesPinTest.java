package land.echo.resilience;

import static land.echo.resilience.Runtimes.APP;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pins the fallback's trigger and event text, and the hedge's delay update at its boundaries
 * (issue 13), on virtual time with every wait bounded at 2 s.
 */
@Timeout(30)
class PoliciesPinTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = Runtimes.onVirtualTime(time);

  @AfterEach
  void stop() {
    Runtimes.stop(runtime);
  }

  private <T> Outcome<String, T> run(ActionEffect<String, T> effect) {
    return Runtimes.done(runtime.submit(effect), "the call");
  }


  // ---- Fallback -------------------------------------------------------------------------------

  /** Only a cancellation escapes the default trigger. */
  @Test
  void theDefaultFallbackTriggerIsEverythingButACancellation() {
    assertThat(Fallback.defaultWhen(Outcome.failure("x"))).isTrue();
    assertThat(Fallback.defaultWhen(Outcome.faulted(new Fault.TimedOut(Duration.ofSeconds(1))))).isTrue();
    assertThat(Fallback.defaultWhen(Outcome.faulted(new Fault.Cancelled("gone")))).isFalse();
  }

  /** A fault triggers the fallback, which gets the outcome it replaces; the event quotes the fault. */
  @Test
  void aFaultIsReplacedAndDescribedByItsMessage() {
    List<Outcome<String, String>> replaced = new CopyOnWriteArrayList<>();
    Fallback<String, String> fallback = Fallback.<String, String>builder("f").to(outcome -> {
      replaced.add(outcome);
      return APP.succeed("stale");
    }).build();
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    fallback.onEvent(events::add);
    Outcome<String, String> timedOut = Outcome.faulted(new Fault.TimedOut(Duration.ofSeconds(1)));

    assertThat(run(APP.fromOutcome(timedOut).named("price").via(fallback))).isEqualTo(Outcome.success("stale"));

    assertThat(replaced).containsExactly(timedOut);
    assertThat(events).containsExactly(
        new PolicyEvent.FallbackApplied("f", "price", new Fault.TimedOut(Duration.ofSeconds(1)).message()));
  }

  /** A trigger that declines leaves the failure as it is; a success never consults it. */
  @Test
  void aDecliningTriggerLeavesTheOutcomeAlone() {
    AtomicInteger asked = new AtomicInteger();
    Fallback<String, String> fallback = Fallback.<String, String>builder("f").when(outcome -> {
      asked.incrementAndGet();
      return false;
    }).to(outcome -> APP.succeed("stale")).build();
    assertThat(run(APP.<String>fail("down").via(fallback))).isEqualTo(Outcome.failure("down"));
    assertThat(run(APP.succeed("fresh").via(fallback))).isEqualTo(Outcome.success("fresh"));
    assertThat(asked).hasValue(1);
  }

  /** A replacement function returning null ends the call with a panic naming it. */
  @Test
  void aNullReplacementIsAPanic() {
    Fallback<String, String> fallback = Fallback.<String, String>builder("f").to(outcome -> null).build();
    Outcome<String, String> outcome = run(APP.<String>fail("down").via(fallback));
    assertThat(outcome).isInstanceOfSatisfying(Outcome.Faulted.class, f ->
        assertThat(f.fault()).isInstanceOfSatisfying(Fault.Panic.class, p ->
            assertThat(p.cause()).isInstanceOf(NullPointerException.class).hasMessage("fallback replacement")));
  }

  // ---- Hedge ----------------------------------------------------------------------------------

  private Hedge hedge(int minSamples) {
    return Hedge.builder("hedge").percentile(90).initialDelay(Duration.ofMillis(500), minSamples)
        .window(Duration.ofSeconds(10), Duration.ofSeconds(1)).build();
  }

  /** Runs {@code n} hedged calls of 40 ms each (moving the virtual clock themselves). */
  private void calls(Hedge hedge, int n) {
    for (int i = 0; i < n; i++) {
      run(APP.<Integer>blocking(token -> {
        time.advance(Duration.ofMillis(40));
        return 1;
      }).via(hedge.policy()));
    }
  }

  /** Exactly minSamples latencies are enough to replace the initial delay by their percentile. */
  @Test
  void exactlyMinSamplesLatenciesSetTheDelay() {
    Hedge hedge = hedge(10);
    calls(hedge, 10);
    time.advance(Duration.ofSeconds(1));
    run(APP.succeed(0).via(hedge.policy()));
    assertThat(hedge.snapshot().delay()).isBetween(Duration.ofMillis(39), Duration.ofMillis(41));
  }

  /** One latency short of minSamples, the initial delay stays. */
  @Test
  void fewerThanMinSamplesLatenciesKeepTheInitialDelay() {
    Hedge hedge = hedge(10);
    calls(hedge, 9);
    time.advance(Duration.ofSeconds(1));
    run(APP.succeed(0).via(hedge.policy()));
    assertThat(hedge.snapshot().delay()).isEqualTo(Duration.ofMillis(500));
    assertThat(hedge.snapshot().calls()).isEqualTo(10);
  }

  /** The delay is recomputed at exactly updateEvery, and never falls below minDelay. */
  @Test
  void theDelayUpdatesAtExactlyTheIntervalAndRespectsMinDelay() {
    Hedge hedge = Hedge.builder("hedge").initialDelay(Duration.ofMillis(500), 1).minDelay(Duration.ofMillis(5))
        .window(Duration.ofSeconds(10), Duration.ofSeconds(1)).build();
    run(APP.succeed(0).via(hedge.policy())); // instant: a latency of 0
    time.advance(Duration.ofMillis(999));
    run(APP.succeed(0).via(hedge.policy()));
    assertThat(hedge.snapshot().delay()).isEqualTo(Duration.ofMillis(500));
    time.advance(Duration.ofMillis(1));
    run(APP.succeed(0).via(hedge.policy()));
    assertThat(hedge.snapshot().delay()).isEqualTo(Duration.ofMillis(5));
    // Slower calls within the next interval do not move the delay until that interval ends.
    List<PolicyEvent> unsubscribed = new CopyOnWriteArrayList<>();
    hedge.onEvent(unsubscribed::add).close();
    calls(hedge, 3); // 40 ms each
    run(APP.succeed(0).via(hedge.policy()));
    assertThat(hedge.snapshot().delay()).isEqualTo(Duration.ofMillis(5));
    time.advance(Duration.ofMillis(880)); // 2 s: the next interval ends
    run(APP.succeed(0).via(hedge.policy()));
    assertThat(hedge.snapshot().delay()).isBetween(Duration.ofMillis(39), Duration.ofMillis(41));
    assertThat(unsubscribed).isEmpty();
  }
}
