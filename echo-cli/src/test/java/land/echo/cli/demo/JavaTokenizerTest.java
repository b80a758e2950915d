package land.echo.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JavaTokenizerTest {

  @Test
  void countsIdentifiersAndSkipsKeywords() {
    Map<String, Integer> counts = JavaTokenizer.identifierCounts("""
        package a.b;
        public final class Foo extends Bar {
          private final Map<String, List<String>> map = new HashMap<>();
          String name(String other) { return other + map.size(); }
        }
        """);

    assertThat(counts).containsEntry("String", 4).containsEntry("map", 2).containsEntry("other", 2)
        .containsEntry("Foo", 1).containsEntry("a", 1).containsEntry("b", 1).containsEntry("size", 1);
    assertThat(counts).doesNotContainKeys("package", "public", "final", "class", "extends", "private", "new", "return");
  }

  @Test
  void skipsCommentsStringsCharactersAndTextBlocks() {
    Map<String, Integer> counts = JavaTokenizer.identifierCounts("""
        // lineComment ignored
        /* blockComment
           spans lines */ int x = 1;
        /** javadoc {@link Ignored} */
        String s = "quoted \\" stillQuoted";
        char c = '\\'';
        String t = \"""
            textBlock \\\""" stillText
            \""";
        y = x;
        """);

    assertThat(counts).containsOnlyKeys("x", "String", "s", "c", "t", "y");
    assertThat(counts).containsEntry("x", 2);
  }

  @Test
  void skipsNumericLiteralsIncludingSuffixesAndExponents() {
    Map<String, Integer> counts = JavaTokenizer.identifierCounts("a = 0x1F + 10L + 1_000 + 1.5e-3f + 0x1p+4 + b;");

    assertThat(counts).containsOnlyKeys("a", "b");
  }

  @Test
  void countsUnicodeIdentifiers() {
    assertThat(JavaTokenizer.identifierCounts("int größe = maß;")).containsOnlyKeys("größe", "maß");
  }

  @Test
  void unterminatedCommentOrStringEndsTheScanWithoutFailing() {
    assertThat(JavaTokenizer.identifierCounts("a /* never closed")).containsOnlyKeys("a");
    assertThat(JavaTokenizer.identifierCounts("b \"never closed")).containsOnlyKeys("b");
    assertThat(JavaTokenizer.identifierCounts("")).isEmpty();
  }
}
