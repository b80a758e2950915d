package land.echo.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkloadSettingsTest {

  @Test
  void backoffDoublesFromTheInitialDelay() {
    WorkloadSettings settings = WorkloadSettings.defaults(Duration.ofSeconds(1), 2);

    assertThat(settings.backoff(1)).isEqualTo(Duration.ofMillis(5));
    assertThat(settings.backoff(2)).isEqualTo(Duration.ofMillis(10));
    assertThat(settings.backoff(4)).isEqualTo(Duration.ofMillis(40));
  }

  @Test
  void defaultsKeepSixteenFilesInFlightPerWorker() {
    assertThat(WorkloadSettings.defaults(Duration.ofSeconds(1), 3).indexingWindow()).isEqualTo(48);
  }

  @Test
  void rejectsNonPositiveDurationsAndCountsNamingTheField() {
    assertThatThrownBy(() -> WorkloadSettings.defaults(Duration.ZERO, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duration");
    assertThatThrownBy(() -> WorkloadSettings.defaults(Duration.ofSeconds(1), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parallelism");
  }
}
