package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final Duration D = Duration.ofMillis(100);
  /**
   * Samples per jitter test. The jitter draws from ThreadLocalRandom, which cannot be seeded; the
   * bounds below fail by chance with odds under 1e-100.
   */
  private static final int SAMPLES = 1_000;

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
  void jitterVariesTheDelayByUpToItsFractionInEitherDirection() {
    // No cap, so nothing clips the upward errors: each delay is D * (1 + 0.5 * u), u uniform in [-1, 1).
    RetryPolicy policy = RetryPolicy.builder().initialDelay(D).jitter(0.5).build();
    int[] quarters = new int[4]; // [50, 75), [75, 100), [100, 125), [125, 150] ms
    for (int i = 0; i < SAMPLES; i++) {
      Duration delay = policy.delay(1);
      assertThat(delay).isBetween(Duration.ofMillis(50), Duration.ofMillis(150));
      quarters[(int) Math.min(3, (delay.toNanos() - 50_000_000L) / 25_000_000L)]++;
    }
    // Each quarter has probability 1/4 per sample: missing one in 1,000 samples has odds 4 * 0.75^1000.
    assertThat(quarters).as("samples per quarter of the jitter range").doesNotContain(0);
  }

  @Test
  void jitterAppliesToTheGrownDelayOfLaterRetries() {
    RetryPolicy policy = RetryPolicy.builder().initialDelay(D).multiplier(3).jitter(0.1).build();
    long below = 0;
    long above = 0;
    for (int i = 0; i < SAMPLES; i++) {
      Duration delay = policy.delay(3); // base 900 ms
      assertThat(delay).isBetween(Duration.ofMillis(810), Duration.ofMillis(990));
      below += delay.compareTo(Duration.ofMillis(900)) < 0 ? 1 : 0;
      above += delay.compareTo(Duration.ofMillis(900)) > 0 ? 1 : 0;
    }
    assertThat(below).as("delays shorter than the base").isPositive();
    assertThat(above).as("delays longer than the base").isPositive();
  }

  @Test
  void theCapClipsJitteredDelays() {
    // Base 100 ms, jitter up to 150 ms, cap 120 ms: about 30% of the samples land on the cap itself.
    RetryPolicy policy = RetryPolicy.builder().initialDelay(D).jitter(0.5).maxDelay(Duration.ofMillis(120)).build();
    int atCap = 0;
    int belowBase = 0;
    for (int i = 0; i < SAMPLES; i++) {
      Duration delay = policy.delay(1);
      assertThat(delay).isBetween(Duration.ofMillis(50), Duration.ofMillis(120));
      atCap += delay.equals(Duration.ofMillis(120)) ? 1 : 0;
      belowBase += delay.compareTo(D) < 0 ? 1 : 0;
    }
    assertThat(atCap).as("delays clipped to the cap").isPositive();
    assertThat(belowBase).as("delays jittered downwards").isPositive();
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
