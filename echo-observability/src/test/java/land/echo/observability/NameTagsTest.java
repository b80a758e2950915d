package land.echo.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NameTagsTest {

  @Test
  void declaredNamesAreAlwaysTheirOwnTag() {
    NameTags tags = NameTags.declared(Set.of("checkout"), 0);
    assertThat(tags.tag("checkout")).isEqualTo("checkout");
  }

  @Test
  void generatedNamesOfUnnamedEffectsShareOneTag() {
    NameTags tags = NameTags.ofDefaults();
    assertThat(tags.tag("effect#1")).isEqualTo(NameTags.UNNAMED);
    assertThat(tags.tag("effect#123456")).isEqualTo(NameTags.UNNAMED);
    assertThat(tags.admittedUndeclared()).isZero();
  }

  @Test
  void aNameThatOnlyLooksGeneratedKeepsItsOwnTag() {
    NameTags tags = NameTags.ofDefaults();
    assertThat(tags.tag("effect#x")).isEqualTo("effect#x");
    assertThat(tags.tag("effect#")).isEqualTo("effect#");
  }

  @Test
  void undeclaredNamesBeyondTheCapAreFoldedIntoOther() {
    NameTags tags = NameTags.declared(Set.of("checkout"), 2);
    assertThat(List.of(tags.tag("a"), tags.tag("b"), tags.tag("c"), tags.tag("d"), tags.tag("checkout")))
        .containsExactly("a", "b", NameTags.OTHER, NameTags.OTHER, "checkout");
    assertThat(tags.tag("a")).as("names admitted before the cap keep their series").isEqualTo("a");
    assertThat(tags.admittedUndeclared()).isEqualTo(2);
  }

  @Test
  void aStrictCapKeepsOnlyDeclaredNames() {
    NameTags tags = NameTags.declared(Set.of("search"), 0);
    assertThat(tags.tag("fetch http://x/1")).isEqualTo(NameTags.OTHER);
    assertThat(tags.tag("search")).isEqualTo("search");
  }

  @Test
  void aMillionDistinctNamesYieldAtMostCapPlusTwoTagValues() {
    NameTags tags = NameTags.declared(Set.of(), 10);
    java.util.Set<String> values = new java.util.HashSet<>();
    for (int i = 0; i < 1_000_000; i++) {
      values.add(tags.tag("user-" + i));
    }
    values.add(tags.tag("effect#7"));
    assertThat(values).hasSize(12).contains(NameTags.OTHER, NameTags.UNNAMED);
  }

  @Test
  void aNegativeCapOrABlankDeclaredNameIsRefused() {
    assertThatThrownBy(() -> NameTags.declared(Set.of(), -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxUndeclared");
    assertThatThrownBy(() -> NameTags.declared(Set.of(" "), 1)).isInstanceOf(IllegalArgumentException.class);
  }

  /** The first name folded into {@code other} is logged, once, with the cap; later ones are not. */
  @Test
  void theFirstFoldedNameIsLoggedOnce() {
    NameTags tags = NameTags.declared(Set.of(), 1);
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertThat(List.of(tags.tag("a"), tags.tag("b"), tags.tag("c"))).containsExactly("a", NameTags.OTHER, NameTags.OTHER);
    } finally {
      System.setErr(original);
    }
    assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
        .filter(line -> line.contains("undeclared effect names")).toList())
        .singleElement().asString().contains("More than 1 undeclared effect names: 'b' and later ones are tagged 'other'");
  }
}
