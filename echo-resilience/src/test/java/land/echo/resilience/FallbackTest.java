package land.echo.resilience;

import static land.echo.resilience.Runtimes.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Outcome;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FallbackTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = Runtimes.onVirtualTime(time);

  @AfterEach
  void stop() {
    Runtimes.stop(runtime);
  }

  @Test
  void aFailureRunsTheFallbackInstead() {
    Fallback<String, String> fallback = Fallback.of("cached", APP.succeed("stale"));
    List<PolicyEvent> events = new CopyOnWriteArrayList<>();
    fallback.onEvent(events::add);
    assertThat(runtime.run(APP.<String>fail("down").named("price").via(fallback))).isEqualTo(Outcome.success("stale"));
    assertThat(runtime.run(APP.succeed("fresh").via(fallback))).isEqualTo(Outcome.success("fresh"));
    assertThat(events).containsExactly(new PolicyEvent.FallbackApplied("cached", "price", "failure: down"));
  }

  @Test
  void onlyTheChosenFailuresTriggerIt() {
    CircuitBreaker breaker = CircuitBreaker.builder("b").build();
    breaker.forceOpen();
    Fallback<String, String> whenOpen = Fallback.<String, String>builder("when-open")
        .when(outcome -> Runtimes.rejectionOf(outcome) instanceof CircuitOpen)
        .to(outcome -> APP.succeed("degraded"))
        .build();
    assertThat(runtime.run(APP.succeed("live").via(breaker.policy()).via(whenOpen))).isEqualTo(Outcome.success("degraded"));
    assertThat(runtime.run(APP.<String>fail("bad").via(whenOpen))).isEqualTo(Outcome.failure("bad"));
  }

  @Test
  void aCancelledCallNeverRunsTheFallback() {
    List<String> ran = new CopyOnWriteArrayList<>();
    Fallback<String, String> fallback = Fallback.of("f", APP.suspend(() -> {
      ran.add("fallback");
      return APP.succeed("x");
    }));
    EffectHandle<String, String> call = runtime.submit(APP.<String>never().via(fallback));
    await().until(() -> call.toString().contains("running"));
    call.cancel();
    assertThat(call.join()).isInstanceOf(Outcome.Faulted.class);
    assertThat(ran).isEmpty();
  }

  @Test
  void badConfigurationIsRejectedNamingTheField() {
    assertThatThrownBy(() -> Fallback.<String, String>builder("f").build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("replacement");
    assertThatThrownBy(() -> Fallback.of("", APP.succeed(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
  }
}
