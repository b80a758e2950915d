package land.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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

  /** A policy module's rejection detail, as echo-resilience defines its own. */
  record Full(String policyName) implements Fault.Rejection {
    @Override
    public Optional<Duration> retryAfter() {
      return Optional.of(Duration.ofSeconds(2));
    }

    @Override
    public String message() {
      return "'" + policyName + "' is full";
    }
  }

  @Test
  void aPolicyRejectionCarriesItsTypedDetailAndAnExhaustiveSwitchSeesIt() {
    Fault fault = Fault.Rejected.by(new Full("db"));
    assertThat(fault.message()).isEqualTo("Effect rejected: 'db' is full");
    String seen = switch (fault) {
      case Fault.Rejected(var reason, Full full) -> full.policyName() + " " + full.retryAfter().orElseThrow();
      case Fault.Rejected r -> "runtime";
      case Fault.TimedOut t -> "t";
      case Fault.Cancelled c -> "c";
      case Fault.Panic p -> "p";
      case Fault.CapabilityMissing m -> "m";
      case Fault.ShutdownFailed f -> "f";
    };
    assertThat(seen).isEqualTo("db PT2S");
  }

  @Test
  void theRuntimesOwnRejectionHasNoDetail() {
    Fault.Rejected shutdown = new Fault.Rejected("the runtime is shut down");
    assertThat(shutdown.detail()).isEmpty();
    assertThat(shutdown.rejection()).isNull();
    assertThat(shutdown).isEqualTo(new Fault.Rejected("the runtime is shut down", null));
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
