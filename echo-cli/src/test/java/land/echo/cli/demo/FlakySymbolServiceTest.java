package land.echo.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class FlakySymbolServiceTest {

  private final SourceIndex index = new SourceIndex();

  FlakySymbolServiceTest() {
    index.add(new SourceFile(0, "a/Foo.java", 1), Map.of("Foo", 3));
    index.add(new SourceFile(1, "b/Bar.java", 1), Map.of("Foo", 1));
  }

  /** Dice that fail the first {@code failures} calls and succeed afterwards. */
  private static DoubleSupplier failFirst(int failures) {
    AtomicInteger calls = new AtomicInteger();
    return () -> calls.getAndIncrement() < failures ? 0.0 : 0.99;
  }

  @Test
  void resolvesASymbolToTheFileUsingItMost() throws Exception {
    FlakySymbolService service = new FlakySymbolService(index, 0.3, failFirst(0));

    assertThat(service.resolve("Foo")).isEqualTo("a/Foo.java");
    assertThat(service.resolve("Unknown")).isEqualTo("<unresolved>");
  }

  @Test
  void failsWhenTheDiceFallBelowTheRateAndCountsEveryCall() throws Exception {
    FlakySymbolService service = new FlakySymbolService(index, 0.3, failFirst(2));

    assertThatThrownBy(() -> service.resolve("Foo")).isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("symbols").hasMessageContaining("Foo");
    assertThatThrownBy(() -> service.resolve("Foo")).isInstanceOf(ServiceUnavailableException.class);
    assertThat(service.resolve("Foo")).isEqualTo("a/Foo.java");

    assertThat(service.calls()).isEqualTo(3);
    assertThat(service.failures()).isEqualTo(2);
  }

  @Test
  void aZeroRateNeverFailsAndARateOfOneAlwaysFails() throws Exception {
    FlakySymbolService reliable = new FlakySymbolService(index, 0, () -> 0.0);
    FlakySymbolService broken = new FlakySymbolService(index, 1, () -> 0.999);

    assertThat(reliable.resolve("Foo")).isEqualTo("a/Foo.java");
    assertThatThrownBy(() -> broken.resolve("Foo")).isInstanceOf(ServiceUnavailableException.class);
  }

  @Test
  void rejectsAFailureRateOutsideZeroToOne() {
    assertThatThrownBy(() -> new FlakySymbolService(index, 1.5, () -> 0.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failureRate");
    assertThatThrownBy(() -> new FlakySymbolService(index, Double.NaN, () -> 0.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failureRate");
  }
}
