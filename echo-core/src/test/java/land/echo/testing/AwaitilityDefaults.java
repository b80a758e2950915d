package land.echo.testing;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Sets Awaitility's default {@code atMost} to {@link TestThreads#PROMPTLY} (from its own 10 s)
 * before every test class: an {@code await().until(..)} for something that, unbroken, happens at
 * once fails by assertion before the mutation tester's per-test timeout (12 s). Registered for every
 * echo-core test through {@code META-INF/services/org.junit.jupiter.api.extension.Extension} and
 * {@code junit.jupiter.extensions.autodetection.enabled} in {@code junit-platform.properties}.
 */
public final class AwaitilityDefaults implements BeforeAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    Awaitility.setDefaultTimeout(TestThreads.PROMPTLY);
  }
}
