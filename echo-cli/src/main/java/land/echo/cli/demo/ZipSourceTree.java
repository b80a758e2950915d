package land.echo.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A {@link SourceTree} over the {@code .java} entries of a zip archive such as the JDK's
 * {@code lib/src.zip}.
 *
 * <p>Thread-safe: {@link ZipFile} serves concurrent entry reads.
 */
public final class ZipSourceTree implements SourceTree {

  private final Path archive;
  private final ZipFile zip;
  private final List<SourceFile> files;
  private final List<ZipEntry> entries;

  private ZipSourceTree(Path archive, ZipFile zip, List<SourceFile> files, List<ZipEntry> entries) {
    this.archive = archive;
    this.zip = zip;
    this.files = files;
    this.entries = entries;
  }

  /**
   * Opens the archive and lists its {@code .java} entries.
   *
   * @param archive the zip or jar file
   * @return the opened tree; close it when done
   * @throws IOException when the archive cannot be opened or is not a zip file
   */
  public static ZipSourceTree open(Path archive) throws IOException {
    ZipFile zip;
    try {
      zip = new ZipFile(archive.toFile());
    } catch (IOException e) {
      throw new IOException("cannot open source archive " + archive + ": " + e.getMessage(), e);
    }
    List<SourceFile> files = new ArrayList<>();
    List<ZipEntry> entries = new ArrayList<>();
    Enumeration<? extends ZipEntry> all = zip.entries();
    while (all.hasMoreElements()) {
      ZipEntry entry = all.nextElement();
      if (!entry.isDirectory() && entry.getName().endsWith(".java")) {
        files.add(new SourceFile(files.size(), entry.getName(), entry.getSize()));
        entries.add(entry);
      }
    }
    return new ZipSourceTree(
        archive, zip, Collections.unmodifiableList(files), Collections.unmodifiableList(entries));
  }

  @Override
  public List<SourceFile> files() {
    return files;
  }

  @Override
  public byte[] read(SourceFile file) throws IOException {
    ZipEntry entry = entries.get(file.id());
    try (InputStream in = zip.getInputStream(entry)) {
      return in.readAllBytes();
    }
  }

  @Override
  public String description() {
    return archive + String.format(java.util.Locale.ROOT, " (%,d .java files)", files.size());
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
