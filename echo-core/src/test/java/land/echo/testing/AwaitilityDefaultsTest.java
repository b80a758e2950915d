package land.echo.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AwaitilityDefaultsTest {
  @Test
  void anAwaitWithoutAtMostGivesUpAfterPromptlyNotAwaitilitysTenSeconds() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> await().pollInterval(Duration.ofMillis(50)).until(() -> false))
        .isInstanceOf(ConditionTimeoutException.class)
        .hasMessageContaining("within 5 seconds");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
  }
}
