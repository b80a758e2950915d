package land.echo.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceTreeTest {

  @TempDir
  Path tmp;

  @Test
  void aDirectoryTreeListsItsJavaFilesRecursivelyWithDenseIds() throws Exception {
    TestSources.writeDirectory(tmp, 5);
    Files.writeString(tmp.resolve("notes.txt"), "ignored");
    Files.createDirectories(tmp.resolve("target/classes"));
    Files.writeString(tmp.resolve("target/classes/Built.java"), "class Built {}");

    try (SourceTree tree = SourceTree.open(tmp)) {
      assertThat(tree).isInstanceOf(DirectorySourceTree.class);
      assertThat(tree.files()).hasSize(5);
      assertThat(tree.files()).extracting(SourceFile::id).containsExactly(0, 1, 2, 3, 4);
      assertThat(tree.files()).extracting(SourceFile::path).allMatch(p -> p.endsWith(".java") && !p.contains("target"));
      SourceFile first = tree.files().getFirst();
      assertThat(new String(tree.read(first), StandardCharsets.UTF_8)).contains("public final class Gen");
      assertThat(tree.description()).contains("5 .java files");
    }
  }

  @Test
  void aZipTreeListsOnlyItsJavaEntriesAndReadsThem() throws Exception {
    Path zip = TestSources.writeZip(tmp.resolve("src.zip"), 4);

    try (SourceTree tree = SourceTree.open(zip)) {
      assertThat(tree).isInstanceOf(ZipSourceTree.class);
      assertThat(tree.files()).extracting(SourceFile::path)
          .containsExactly("java.base/demo/Gen0.java", "java.base/demo/Gen1.java", "java.base/demo/Gen2.java",
              "java.base/demo/Gen3.java");
      assertThat(new String(tree.read(tree.files().get(2)), StandardCharsets.UTF_8))
          .isEqualTo(TestSources.javaSource(2));
    }
  }

  @Test
  void openingAMissingPathNamesIt() {
    Path missing = tmp.resolve("nope");

    assertThatThrownBy(() -> SourceTree.open(missing))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist").hasMessageContaining("nope");
  }

  @Test
  void openingAFileThatIsNotAnArchiveNamesIt() throws Exception {
    Path text = Files.writeString(tmp.resolve("notes.txt"), "x");

    assertThatThrownBy(() -> SourceTree.open(text))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither a directory nor").hasMessageContaining("notes.txt");
  }

  @Test
  void theDefaultIsTheJdkSourceArchiveElseTheFallbackDirectory() throws Exception {
    Path jdk = Files.createDirectories(tmp.resolve("jdk/lib"));
    Path repo = Files.createDirectories(tmp.resolve("repo"));

    assertThat(SourceTree.locateDefault(tmp.resolve("jdk"), Optional.of(repo))).contains(repo);
    assertThat(SourceTree.locateDefault(tmp.resolve("jdk"), Optional.empty())).isEmpty();
    assertThat(SourceTree.locateDefault(tmp.resolve("jdk"), Optional.of(tmp.resolve("gone")))).isEmpty();

    Path archive = TestSources.writeZip(jdk.resolve("src.zip"), 1);
    assertThat(SourceTree.locateDefault(tmp.resolve("jdk"), Optional.of(repo))).contains(archive);
  }
}
