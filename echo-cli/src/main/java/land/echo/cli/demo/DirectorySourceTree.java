package land.echo.cli.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * A {@link SourceTree} over the {@code .java} files under a directory, found recursively (build
 * output directories named {@code target} and hidden directories are skipped).
 *
 * <p>Thread-safe: immutable after the scan.
 */
public final class DirectorySourceTree implements SourceTree {

  private final Path root;
  private final List<SourceFile> files;

  private DirectorySourceTree(Path root, List<SourceFile> files) {
    this.root = root;
    this.files = files;
  }

  /**
   * Scans {@code root} for {@code .java} files.
   *
   * @param root the directory to search recursively
   * @return the tree of the {@code .java} files found
   * @throws IOException when the directory cannot be walked
   */
  public static DirectorySourceTree scan(Path root) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk
          .filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".java"))
          .filter(p -> !skipped(root.relativize(p)))
          .sorted()
          .toList();
    }
    List<SourceFile> files = new ArrayList<>(paths.size());
    for (Path p : paths) {
      files.add(new SourceFile(files.size(), root.relativize(p).toString(), Files.size(p)));
    }
    return new DirectorySourceTree(root, Collections.unmodifiableList(files));
  }

  private static boolean skipped(Path relative) {
    for (int i = 0; i < relative.getNameCount() - 1; i++) {
      String part = relative.getName(i).toString();
      if (part.equals("target") || part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<SourceFile> files() {
    return files;
  }

  @Override
  public byte[] read(SourceFile file) throws IOException {
    return Files.readAllBytes(root.resolve(file.path()));
  }

  @Override
  public String description() {
    return root + String.format(java.util.Locale.ROOT, " (%,d .java files)", files.size());
  }

  @Override
  public void close() {
    // Nothing is held open between reads.
  }
}
