package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pins the small contracts of the value and configuration classes (accessors, equality, display
 * text, messages) that mutation testing found no test reading.
 */
@Timeout(30)
class ValueContractsPinTest {
  private interface Clock2 {
    long ticks();
  }

  private static final Effects<String> APP = Effects.failingWith(String.class);

  private final ApplicationRuntime runtime = ApplicationRuntime.create(
      Environment.builder().with(Clock2.class, () -> 7L).build(),
      EchoScheduler.create(SchedulerConfig.builder().workers(2).build()));

  @AfterEach
  void stop() {
    runtime.shutdown(Duration.ZERO);
  }

  /** The builder's values come back from the policy's accessors and its display text. */
  @Test
  void retryPolicyReportsWhatItWasBuiltWith() {
    RetryPolicy policy = RetryPolicy.builder()
        .maxRetries(4).initialDelay(Duration.ofMillis(30)).multiplier(1.5).maxDelay(Duration.ofSeconds(2)).jitter(0.25)
        .build();
    assertThat(policy.maxRetries()).isEqualTo(4);
    assertThat(policy.initialDelay()).isEqualTo(Duration.ofMillis(30));
    assertThat(policy.multiplier()).isEqualTo(1.5);
    assertThat(policy.maxDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.jitter()).isEqualTo(0.25);
    assertThat(policy.toString())
        .isEqualTo("RetryPolicy[maxRetries=4, initialDelay=PT0.03S, multiplier=1.5, maxDelay=PT2S, jitter=0.25]");
  }

  /** The longest initial delay a long of nanoseconds holds is accepted, and one nanosecond more is refused. */
  @Test
  void retryPolicyAcceptsTheLongestRepresentableInitialDelay() {
    Duration longest = Duration.ofNanos(Long.MAX_VALUE);
    assertThat(RetryPolicy.builder().initialDelay(longest).build().initialDelay()).isEqualTo(longest);
    assertThatThrownBy(() -> RetryPolicy.builder().initialDelay(longest.plusNanos(1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initialDelay must be at most");
  }

  /** Two factories are equal exactly when they fail with the same error type, and hash alike then. */
  @Test
  void effectsFactoriesAreEqualByErrorType() {
    assertThat(Effects.failingWith(String.class)).isEqualTo(APP).hasSameHashCodeAs(APP);
    assertThat(Effects.failingWith(String.class).hashCode()).isEqualTo(String.class.hashCode());
    assertThat(APP).isNotEqualTo(Effects.failingWith(Integer.class)).isNotEqualTo("Effects[failingWith=java.lang.String]");
    assertThat(APP.toString()).isEqualTo("Effects[failingWith=java.lang.String]");
  }

  /** The factory's capability-taking constructors build effects that run with the capability. */
  @Test
  void effectsFactoryCapabilityBodiesRun() {
    assertThat(TestRuntimes.runPromptly(runtime, APP.compute(Clock2.class, (c, token) -> c.ticks()))).isEqualTo(new Outcome.Success<>(7L));
    assertThat(TestRuntimes.runPromptly(runtime, APP.async(Clock2.class, (c, token) -> CompletableFuture.completedFuture(c.ticks() + 1))))
        .isEqualTo(new Outcome.Success<>(8L));
    assertThat(TestRuntimes.runPromptly(runtime, APP.async(Clock2.class, (c, token) -> CompletableFuture.completedFuture(c.ticks() + 2),
        AsyncCancelMode.CANCEL_FUTURE))).isEqualTo(new Outcome.Success<>(9L));
    assertThat(TestRuntimes.runPromptly(runtime, APP.async(token -> CompletableFuture.completedFuture(11L), AsyncCancelMode.CANCEL_FUTURE)))
        .isEqualTo(new Outcome.Success<>(11L));
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.<String, Long, Clock2>async(Clock2.class,
        (c, token) -> CompletableFuture.completedFuture(c.ticks() + 3)))).isEqualTo(new Outcome.Success<>(10L));
  }

  /** An effect's display text carries its name, or its node kind when it has none. */
  @Test
  void anEffectShowsItsNameOrKind() {
    assertThat(APP.succeed(1).map(x -> x).toString()).isEqualTo("ActionEffect[map]");
    assertThat(APP.succeed(1).named("answer").toString()).isEqualTo("ActionEffect[answer]");
  }

  /** An environment lists the types it holds, and shows them. */
  @Test
  void anEnvironmentListsAndShowsItsTypes() {
    Environment environment = Environment.builder().with(Clock2.class, () -> 1L).build();
    assertThat(environment.types()).isEqualTo(Set.of(Clock2.class));
    assertThat(Environment.empty().types()).isEmpty();
    assertThat(environment.toString()).isEqualTo("Environment[" + Clock2.class + "]");
  }

  /** Registering a null capability names the type it was meant for. */
  @Test
  void aNullCapabilityIsRefusedNamingItsType() {
    assertThatThrownBy(() -> Environment.builder().with(Clock2.class, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("capability for " + Clock2.class.getName());
  }

  /** A policy's rejection carries its typed detail; the runtime's own carries none. */
  @Test
  void aRejectionCarriesItsDetail() {
    Fault.Rejection rejection = new Fault.Rejection() {
      private static final long serialVersionUID = 1L;

      @Override
      public String policyName() {
        return "breaker";
      }

      @Override
      public Optional<Duration> retryAfter() {
        return Optional.of(Duration.ofSeconds(3));
      }

      @Override
      public String message() {
        return "breaker is open";
      }
    };
    assertThat(Fault.Rejected.by(rejection).detail()).containsSame(rejection);
    assertThat(new Fault.Rejected("shutting down", null).detail()).isEmpty();
  }

  /** The messages and accessors of the common errors and the missing-capability exception. */
  @Test
  void errorMessagesNameWhatFailed() {
    assertThat(new CommonError.ExternalService("billing", "502").message()).isEqualTo("External service 'billing' error: 502");
    assertThat(new MissingCapabilityException(Clock2.class).capabilityType()).isEqualTo(Clock2.class.getName());
  }

  /** Virtual time shows its reading and its pending timers. */
  @Test
  void virtualTimeShowsItsState() {
    VirtualTime time = new VirtualTime();
    time.schedule(Duration.ofSeconds(1), () -> {});
    time.advance(Duration.ofMillis(5));
    assertThat(time.toString()).isEqualTo("VirtualTime[now=PT0.005S, pending=1]");
  }
}
