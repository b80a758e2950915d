package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
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
  private static final Fault STOPPED = new Fault.Cancelled("stop");

  @Test
  void mapTransformsTheValueOfASuccess() {
    assertThat(Outcome.<String, Integer>success(3).map(n -> "n=" + n)).isEqualTo(Outcome.success("n=3"));
  }

  @Test
  void mapKeepsAFailureOrAFaultWithoutCallingTheMapper() {
    AtomicInteger calls = new AtomicInteger();
    Outcome<String, String> failed = Outcome.<String, Integer>failure("bad").map(n -> "n=" + calls.incrementAndGet());
    Outcome<String, String> faulted = Outcome.<String, Integer>faulted(STOPPED).map(n -> "n=" + calls.incrementAndGet());
    assertThat(failed).isEqualTo(Outcome.failure("bad"));
    assertThat(faulted).isEqualTo(Outcome.faulted(STOPPED));
    assertThat(calls).hasValue(0);
  }

  @Test
  void mapMayProduceNullAndPropagatesWhatTheMapperThrows() {
    assertThat(Outcome.<String, Integer>success(3).map(n -> null)).isEqualTo(Outcome.success(null));
    IllegalStateException boom = new IllegalStateException("boom");
    assertThatThrownBy(() -> Outcome.<String, Integer>success(3).map(n -> {
      throw boom;
    })).isSameAs(boom);
  }

  @Test
  void mapErrorTransformsTheErrorOfAFailureOnly() {
    AtomicInteger calls = new AtomicInteger();
    assertThat(Outcome.<String, Integer>failure("bad").mapError(String::length)).isEqualTo(Outcome.failure(3));
    assertThat(Outcome.<String, Integer>success(7).mapError(e -> calls.incrementAndGet())).isEqualTo(Outcome.success(7));
    assertThat(Outcome.<String, Integer>faulted(STOPPED).mapError(e -> calls.incrementAndGet()))
        .isEqualTo(Outcome.faulted(STOPPED));
    assertThat(calls).hasValue(0);
  }

  @Test
  void mapErrorRejectsANullError() {
    assertThatThrownBy(() -> Outcome.<String, Integer>failure("bad").mapError(e -> null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void foldAppliesExactlyTheFunctionOfTheVariant() {
    assertThat(fold(Outcome.success(2))).isEqualTo("value 2");
    assertThat(fold(Outcome.failure("bad"))).isEqualTo("error bad");
    assertThat(fold(Outcome.faulted(STOPPED))).isEqualTo("fault Effect execution cancelled: stop");
  }

  private static String fold(Outcome<String, Integer> outcome) {
    AtomicInteger calls = new AtomicInteger();
    String result = outcome.fold(
        value -> calls.incrementAndGet() + "value " + value,
        error -> calls.incrementAndGet() + "error " + error,
        fault -> calls.incrementAndGet() + "fault " + fault.message());
    assertThat(calls).hasValue(1);
    return result.substring(1);
  }

  @Test
  void getOrElseReturnsTheValueOfASuccessAndTheFallbackOtherwise() {
    assertThat(Outcome.<String, Integer>success(3).getOrElse(0)).isEqualTo(3);
    assertThat(Outcome.<String, Integer>success(null).getOrElse(0)).isNull();
    assertThat(Outcome.<String, Integer>failure("bad").getOrElse(0)).isZero();
    assertThat(Outcome.<String, Integer>faulted(STOPPED).getOrElse(0)).isZero();
  }

  @Test
  void toOptionalHoldsTheValueOfANonNullSuccessOnly() {
    assertThat(Outcome.<String, Integer>success(3).toOptional()).contains(3);
    assertThat(Outcome.<String, Integer>success(null).toOptional()).isEqualTo(Optional.empty());
    assertThat(Outcome.<String, Integer>failure("bad").toOptional()).isEmpty();
    assertThat(Outcome.<String, Integer>faulted(STOPPED).toOptional()).isEmpty();
  }
}
