package land.echo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SubmitOptionsTest {
  @Test
  void defaultsAndCopies() {
    SubmitOptions defaults = SubmitOptions.defaults();
    assertThat(defaults).isEqualTo(new SubmitOptions(Optional.empty(), Optional.empty(), Optional.empty(), 0,
        Duration.ZERO));
    SubmitOptions routed = defaults.withRoutingKey("k");
    assertThat(routed.routingKey()).contains("k");
    assertThat(defaults.routingKey()).isEmpty();
    assertThat(routed.withTimeout(Duration.ofSeconds(1)).routingKey()).contains("k");
  }

  @Test
  void badValuesAreRefusedNamingTheComponent() {
    SubmitOptions d = SubmitOptions.defaults();
    assertThatThrownBy(() -> d.withRoutingKey("")).hasMessage("routingKey must not be empty");
    assertThatThrownBy(() -> d.withIdempotencyKey("x".repeat(1_001)))
        .hasMessage("idempotencyKey must be at most 1000 characters, was 1001");
    assertThatThrownBy(() -> d.withTimeout(Duration.ZERO)).hasMessage("timeout must be positive, was PT0S");
    assertThatThrownBy(() -> d.withRetry(-1, Duration.ZERO)).hasMessage("retries must not be negative, was -1");
    assertThatThrownBy(() -> d.withRetry(1, Duration.ofMillis(-1)))
        .hasMessage("retryDelay must not be negative, was PT-0.001S");
    assertThatThrownBy(() -> d.withRoutingKey(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void registryNamesAreValidated() {
    EffectRegistry registry = new EffectRegistry();
    assertThatThrownBy(() -> registry.register(" ", String.class, s -> null)).hasMessage("name must not be blank");
    assertThatThrownBy(() -> registry.register("a\nb", String.class, s -> null))
        .hasMessageContaining("must not contain control characters");
    assertThatThrownBy(() -> registry.register("x".repeat(201), String.class, s -> null))
        .hasMessageContaining("at most 200 characters");
    assertThatThrownBy(() -> registry.register("p", int.class, s -> null))
        .hasMessageContaining("not the primitive int");
    registry.register("ok", String.class, s -> null);
    assertThatThrownBy(() -> registry.register("ok", String.class, s -> null))
        .hasMessage("an effect is already registered as 'ok'");
    assertThat(registry.names()).containsExactly("ok");
  }
}
