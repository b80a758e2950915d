package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final Duration D = Duration.ofMillis(100);

  @Test
  void theOriginalPolicyDoublesTheDelayWithoutCapOrJitter() {
    RetryPolicy policy = RetryPolicy.of(5, D);
    assertThat(policy.delay(1)).isEqualTo(D);
    assertThat(policy.delay(2)).isEqualTo(D.multipliedBy(2));
    assertThat(policy.delay(3)).isEqualTo(D.multipliedBy(4));
    assertThat(policy.delay(5)).isEqualTo(D.multipliedBy(16));
    assertThat(policy.maxRetries()).isEqualTo(5);
  }

  @Test
  void jitterStaysWithinItsFractionAndUnderTheCap() {
    RetryPolicy policy = RetryPolicy.builder().initialDelay(D).jitter(0.5).maxDelay(Duration.ofMillis(120)).build();
    for (int i = 0; i < 1000; i++) {
      Duration delay = policy.delay(1);
      assertThat(delay).isBetween(Duration.ofMillis(50), Duration.ofMillis(120));
    }
  }

  @Test
  void theDefaultPredicateRetriesEverythingButCancellationAndInvalidArgument() {
    RetryPolicy policy = RetryPolicy.of(1, D);
    assertThat(policy.retries(Outcome.failure("x"))).isTrue();
    assertThat(policy.retries(Outcome.faulted(new Fault.TimedOut(D)))).isTrue();
    assertThat(policy.retries(Outcome.faulted(new Fault.Panic(new RuntimeException())))).isTrue();
    assertThat(policy.retries(Outcome.faulted(new Fault.Cancelled("c")))).isFalse();
    assertThat(policy.retries(Outcome.failure(new CommonError.InvalidArgument("a", "b")))).isFalse();
  }

  @Test
  void theBuilderNamesEachInvalidSetting() {
    assertThatThrownBy(() -> RetryPolicy.builder().maxRetries(-1).build()).hasMessageContaining("maxRetries");
    assertThatThrownBy(() -> RetryPolicy.builder().initialDelay(Duration.ofMillis(-1)).build()).hasMessageContaining("initialDelay");
    assertThatThrownBy(() -> RetryPolicy.builder().multiplier(0.5).build()).hasMessageContaining("multiplier");
    assertThatThrownBy(() -> RetryPolicy.builder().jitter(1.5).build()).hasMessageContaining("jitter");
    assertThatThrownBy(() -> RetryPolicy.builder().maxDelay(Duration.ofMillis(-5)).build()).hasMessageContaining("maxDelay");
    assertThatThrownBy(() -> RetryPolicy.of(1, D).delay(0)).hasMessageContaining("retry");
  }

  @Test
  void hugeDelaysSaturateInsteadOfOverflowing() {
    RetryPolicy policy = RetryPolicy.of(100, Duration.ofDays(1));
    assertThat(policy.delay(100)).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
  }
}
