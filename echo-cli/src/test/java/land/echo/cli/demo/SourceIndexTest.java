package land.echo.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import land.echo.cli.demo.SourceIndex.Completion;
import land.echo.cli.demo.SourceIndex.FileHit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SourceIndexTest {

  private static final SourceFile A = new SourceFile(0, "A.java", 10);
  private static final SourceFile B = new SourceFile(1, "B.java", 10);
  private static final SourceFile C = new SourceFile(2, "C.java", 10);

  @Test
  void completesAPrefixWithTheMostUsedTokensFirst() {
    SourceIndex index = new SourceIndex();
    index.add(A, Map.of("getName", 3, "getValue", 1, "size", 9));
    index.add(B, Map.of("getName", 1, "getAge", 7));

    assertThat(index.complete("get", 10)).containsExactly(
        new Completion("getAge", 7), new Completion("getName", 4), new Completion("getValue", 1));
    assertThat(index.complete("get", 2)).extracting(Completion::token).containsExactly("getAge", "getName");
    assertThat(index.complete("nothing", 5)).isEmpty();
  }

  @Test
  void breaksCompletionTiesAlphabetically() {
    SourceIndex index = new SourceIndex();
    index.add(A, Map.of("ab", 2, "aa", 2, "ac", 2));

    assertThat(index.complete("a", 2)).extracting(Completion::token).containsExactly("aa", "ab");
  }

  @Test
  void findsTheFilesUsingAnIdentifierMost() {
    SourceIndex index = new SourceIndex();
    index.add(A, Map.of("String", 2));
    index.add(B, Map.of("String", 5));
    index.add(C, Map.of("String", 2, "other", 1));

    assertThat(index.topFiles("String", 10)).containsExactly(
        new FileHit("B.java", 5), new FileHit("A.java", 2), new FileHit("C.java", 2));
    assertThat(index.topFiles("String", 1)).containsExactly(new FileHit("B.java", 5));
    assertThat(index.topFiles("missing", 3)).isEmpty();
    assertThat(index.occurrences("String")).isEqualTo(9);
  }

  @Test
  void countsFilesTokensAndOccurrences() {
    SourceIndex index = new SourceIndex();
    index.add(A, Map.of("x", 2, "y", 1));
    index.add(B, Map.of("x", 1));

    assertThat(index.filesIndexed()).isEqualTo(2);
    assertThat(index.distinctTokens()).isEqualTo(2);
    assertThat(index.totalOccurrences()).isEqualTo(4);
  }

  @Test
  void rejectsAnEmptyPrefixAndANonPositiveLimit() {
    SourceIndex index = new SourceIndex();

    assertThatThrownBy(() -> index.complete("", 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
    assertThatThrownBy(() -> index.complete("a", 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
    assertThatThrownBy(() -> index.topFiles("a", -1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
  }

  @Test
  @Timeout(30)
  void concurrentAddsWhileQueryingLoseNoPosting() throws Exception {
    SourceIndex index = new SourceIndex();
    int files = 4_000;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = thread; i < files; i += 4) {
            index.add(new SourceFile(i, "F" + i + ".java", 1), Map.of("shared", 1, "own" + i, 2));
            index.complete("sh", 5);
            index.topFiles("shared", 3);
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(index.filesIndexed()).isEqualTo(files);
    assertThat(index.occurrences("shared")).isEqualTo(files);
    assertThat(index.distinctTokens()).isEqualTo(files + 1);
    assertThat(index.totalOccurrences()).isEqualTo(3L * files);
    assertThat(index.topFiles("shared", files + 10)).hasSize(files);
  }
}
