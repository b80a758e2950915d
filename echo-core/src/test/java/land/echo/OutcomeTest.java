package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OutcomeTest {

  private static String describe(Outcome<String, Integer> outcome) {
    return switch (outcome) {
      case Outcome.Success<String, Integer>(var value) -> "value " + value;
      case Outcome.Failure<String, Integer>(var error) -> "error " + error;
      case Outcome.Faulted<String, Integer>(var fault) -> "fault " + fault.message();
    };
  }

  @Test
  void callersCanSwitchExhaustively() {
    assertThat(describe(Outcome.success(1))).isEqualTo("value 1");
    assertThat(describe(Outcome.failure("bad"))).isEqualTo("error bad");
    assertThat(describe(Outcome.faulted(new Fault.Cancelled("stop")))).isEqualTo("fault Effect execution cancelled: stop");
  }

  @Test
  void getOrThrowReturnsTheValueOfASuccess() {
    assertThat(Outcome.<String, Integer>success(3).getOrThrow()).isEqualTo(3);
    assertThat(Outcome.success(3).isSuccess()).isTrue();
  }

  @Test
  void getOrThrowThrowsAnEffectExceptionCarryingTheOutcome() {
    Outcome<String, Integer> failed = Outcome.failure("bad");
    assertThatThrownBy(failed::getOrThrow)
        .isInstanceOfSatisfying(EffectException.class, e -> assertThat(e.outcome()).isSameAs(failed))
        .hasMessageContaining("bad");
  }

  @Test
  void aPanicsCauseBecomesTheExceptionsCause() {
    IllegalStateException boom = new IllegalStateException("boom");
    assertThatThrownBy(Outcome.<String, Integer>faulted(new Fault.Panic(boom))::getOrThrow).hasCause(boom);
  }

  @Test
  void failuresAndFaultsRejectNull() {
    assertThatThrownBy(() -> Outcome.failure(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("error");
    assertThatThrownBy(() -> Outcome.faulted(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("fault");
  }
}
