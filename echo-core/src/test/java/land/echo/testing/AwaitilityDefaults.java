package land.echo.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Sets Awaitility's defaults for every echo-core test class, before it runs:
 *
 * <ul>
 *   <li>{@code atMost} is {@link TestThreads#PROMPTLY} (Awaitility's own is 10 s): an {@code
 *       await().until(..)} for something that, unbroken, happens at once fails by assertion before
 *       the mutation tester's per-test timeout (12 s);
 *   <li>the first check is at once and then every {@link #POLL_INTERVAL} (Awaitility's own first
 *       check waits 100 ms, even for a condition that already holds, which made each {@code await}
 *       cost at least that: echo-core's mutation gate ran 7.7 tests per mutant in 4 min 46 s with
 *       it, 6.6 in 3 min 45 s without, under the same load; docs/measurements/2026-11-30/pit-gates.txt).
 * </ul>
 *
 * <p>Registered for every echo-core test through {@code
 * META-INF/services/org.junit.jupiter.api.extension.Extension} and {@code
 * junit.jupiter.extensions.autodetection.enabled} in {@code junit-platform.properties}.
 */
public final class AwaitilityDefaults implements BeforeAllCallback {
  /** How often a condition is checked again. */
  public static final Duration POLL_INTERVAL = Duration.ofMillis(5);

  @Override
  public void beforeAll(ExtensionContext context) {
    Awaitility.setDefaultTimeout(TestThreads.PROMPTLY);
    Awaitility.setDefaultPollDelay(Duration.ZERO);
    Awaitility.setDefaultPollInterval(POLL_INTERVAL);
  }
}
