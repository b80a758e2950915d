package land.echo.cli.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A set of Java source files to index: the JDK's {@code lib/src.zip} or a directory tree.
 *
 * <p>Implementations are thread-safe: {@link #read(SourceFile)} may be called from many threads at
 * once. Close the tree when done to release the archive.
 */
public sealed interface SourceTree extends AutoCloseable permits ZipSourceTree, DirectorySourceTree {

  /**
   * Returns the {@code .java} files of the tree, in a stable order, with ids 0..n-1.
   *
   * @return the tree's source files
   */
  List<SourceFile> files();

  /**
   * Reads one file's bytes; a blocking call.
   *
   * @param file one of {@link #files()}
   * @return the file's contents
   * @throws IOException when the file cannot be read
   */
  byte[] read(SourceFile file) throws IOException;

  /**
   * Returns a one-line description of where the sources come from.
   *
   * @return the archive or directory and the number of {@code .java} files in it
   */
  String description();

  /** Closes the tree; reads after closing fail. */
  @Override
  void close() throws IOException;

  /**
   * Opens a source tree: a {@code .zip} or {@code .jar} archive, or a directory searched recursively.
   *
   * @param path the archive or directory
   * @return the opened tree; close it when done
   * @throws IllegalArgumentException naming the path when it does not exist or is neither a zip
   *     archive nor a directory
   * @throws IOException when the path exists but cannot be read
   */
  public static SourceTree open(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      return DirectorySourceTree.scan(path);
    }
    if (!Files.exists(path)) {
      throw new IllegalArgumentException("source path does not exist: " + path);
    }
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (Files.isRegularFile(path) && (name.endsWith(".zip") || name.endsWith(".jar"))) {
      return ZipSourceTree.open(path);
    }
    throw new IllegalArgumentException(
        "source path is neither a directory nor a .zip/.jar archive: " + path);
  }

  /**
   * Finds the default sources: {@code <javaHome>/lib/src.zip} when that archive exists, else the
   * directory {@code fallback} (this repository's checkout), if given and present.
   *
   * @param javaHome the JDK whose {@code lib/src.zip} to look for
   * @param fallback the directory to use when there is no such archive
   * @return the archive or directory found, or empty if neither exists
   */
  static Optional<Path> locateDefault(Path javaHome, Optional<Path> fallback) {
    Path archive = javaHome.resolve("lib").resolve("src.zip");
    if (Files.isRegularFile(archive)) {
      return Optional.of(archive);
    }
    return fallback.filter(Files::isDirectory);
  }
}
