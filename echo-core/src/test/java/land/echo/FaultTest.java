package land.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultTest {

  @Test
  void faultMessagesFollowTheOriginalDisplayTexts() {
    assertThat(new Fault.TimedOut(Duration.ofMillis(500)).message()).isEqualTo("Effect execution timed out after PT0.5S");
    assertThat(new Fault.Cancelled("user").message()).isEqualTo("Effect execution cancelled: user");
    assertThat(new Fault.Rejected("closed").message()).isEqualTo("Effect rejected: closed");
    assertThat(new Fault.Panic(new IllegalStateException("boom")).message())
        .isEqualTo("Effect panicked: java.lang.IllegalStateException: boom");
    assertThat(new Fault.CapabilityMissing("com.example.Clipboard").message())
        .isEqualTo("No capability registered in the environment for com.example.Clipboard");
    assertThat(new Fault.ShutdownFailed(List.of("a", "b")).message()).isEqualTo("Shutdown completed with 2 errors: [a, b]");
  }

  @Test
  void runtimeFaultsAndDomainErrorsAreSeparateFamilies() {
    List<String> domain = Arrays.stream(CommonError.class.getPermittedSubclasses()).map(Class::getSimpleName).toList();
    assertThat(domain).doesNotContain("TimedOut", "Cancelled", "Rejected", "Panic", "CapabilityMissing",
        "ShutdownFailed", "RetriesExhausted");
    assertThat(Arrays.stream(Fault.class.getPermittedSubclasses()).map(Class::getSimpleName))
        .containsExactlyInAnyOrder("TimedOut", "Cancelled", "Rejected", "Panic", "CapabilityMissing", "ShutdownFailed");
  }
}
