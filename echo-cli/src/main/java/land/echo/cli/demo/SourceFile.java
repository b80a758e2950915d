package land.echo.cli.demo;

import java.util.Objects;

/**
 * One source file of a {@link SourceTree}: its dense id within the tree, its path and its size.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id dense index of the file in {@link SourceTree#files()}, from 0
 * @param path the file's path inside the tree (a zip entry name or a relative path)
 * @param size the uncompressed size in bytes, or -1 when the archive does not record it
 */
public record SourceFile(int id, String path, long size) {

  /** Validates the components. */
  public SourceFile {
    if (id < 0) {
      throw new IllegalArgumentException("id must be >= 0, was " + id);
    }
    Objects.requireNonNull(path, "path");
  }
}
