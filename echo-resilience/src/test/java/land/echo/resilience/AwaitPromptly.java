package land.echo.resilience;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Awaitility's defaults for every echo-resilience test class: at most 5 s (a hang fails by
 * assertion before PIT's per-test timeout), the first check at once and then every 5 ms
 * (Awaitility's own first check waits 100 ms even for a condition that already holds). Registered
 * through {@code META-INF/services} and Jupiter's extension autodetection. echo-core's tests have
 * the same defaults (its {@code AwaitilityDefaults}).
 */
public final class AwaitPromptly implements BeforeAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    Awaitility.setDefaultTimeout(Duration.ofSeconds(5));
    Awaitility.setDefaultPollDelay(Duration.ZERO);
    Awaitility.setDefaultPollInterval(Duration.ofMillis(5));
  }
}
