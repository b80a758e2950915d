package land.echo.cli.demo;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Counts the identifiers of a Java compilation unit: the CPU-bound half of indexing a file.
 *
 * <p>A small hand-written scanner: it skips whitespace, line and block comments, string and
 * character literals (including text blocks), and numeric literals, and counts every identifier
 * that is not a keyword or a literal name ({@code true}, {@code false}, {@code null}). It does not
 * validate the program; malformed input (an unterminated comment or string) simply ends the scan.
 *
 * <p>Stateless and thread-safe.
 */
public final class JavaTokenizer {

  private static final Set<String> KEYWORDS = Set.of(
      "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
      "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
      "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long",
      "native", "new", "package", "private", "protected", "public", "return", "short", "static",
      "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
      "void", "volatile", "while", "true", "false", "null", "var", "record", "yield", "sealed",
      "permits", "non");

  private JavaTokenizer() {}

  /**
   * Returns how often each identifier occurs in {@code source}.
   *
   * @param source the text of a Java source file
   * @return a new mutable map from identifier to its number of occurrences
   */
  public static Map<String, Integer> identifierCounts(CharSequence source) {
    Map<String, Integer> counts = new HashMap<>();
    int n = source.length();
    int i = 0;
    while (i < n) {
      char c = source.charAt(i);
      if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
        i = skipLine(source, i + 2);
      } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
        i = skipBlockComment(source, i + 2);
      } else if (c == '"') {
        i = startsWith(source, i, "\"\"\"") ? skipTextBlock(source, i + 3) : skipQuoted(source, i + 1, '"');
      } else if (c == '\'') {
        i = skipQuoted(source, i + 1, '\'');
      } else if (c >= '0' && c <= '9') {
        i = skipNumber(source, i + 1);
      } else if (Character.isJavaIdentifierStart(c)) {
        int start = i++;
        while (i < n && Character.isJavaIdentifierPart(source.charAt(i))) {
          i++;
        }
        String word = source.subSequence(start, i).toString();
        if (!KEYWORDS.contains(word)) {
          counts.merge(word, 1, Integer::sum);
        }
      } else {
        i++;
      }
    }
    return counts;
  }

  private static int skipLine(CharSequence s, int i) {
    while (i < s.length() && s.charAt(i) != '\n') {
      i++;
    }
    return i;
  }

  private static int skipBlockComment(CharSequence s, int i) {
    while (i + 1 < s.length() && !(s.charAt(i) == '*' && s.charAt(i + 1) == '/')) {
      i++;
    }
    return Math.min(s.length(), i + 2);
  }

  private static int skipQuoted(CharSequence s, int i, char quote) {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == quote || c == '\n') {
        return i + 1;
      } else {
        i++;
      }
    }
    return s.length();
  }

  private static int skipTextBlock(CharSequence s, int i) {
    while (i < s.length()) {
      if (s.charAt(i) == '\\') {
        i += 2;
      } else if (startsWith(s, i, "\"\"\"")) {
        return i + 3;
      } else {
        i++;
      }
    }
    return s.length();
  }

  private static int skipNumber(CharSequence s, int i) {
    // Digits, hex letters, underscores, suffixes, exponents and the dot of a fraction.
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isLetterOrDigit(c) || c == '_' || c == '.') {
        i++;
      } else if ((c == '+' || c == '-') && isExponent(s.charAt(i - 1))) {
        i++;
      } else {
        break;
      }
    }
    return i;
  }

  private static boolean isExponent(char c) {
    return c == 'e' || c == 'E' || c == 'p' || c == 'P';
  }

  private static boolean startsWith(CharSequence s, int i, String prefix) {
    if (i + prefix.length() > s.length()) {
      return false;
    }
    for (int k = 0; k < prefix.length(); k++) {
      if (s.charAt(i + k) != prefix.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
