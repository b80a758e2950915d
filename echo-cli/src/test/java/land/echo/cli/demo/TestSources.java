package land.echo.cli.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes small, valid Java source trees for tests. */
public final class TestSources {

  private TestSources() {}

  /** Returns the text of generated class number {@code i}: a few methods using common identifiers. */
  public static String javaSource(int i) {
    StringBuilder sb = new StringBuilder("package demo.p" + (i % 7) + ";\n\nimport java.util.List;\n\n");
    sb.append("/** Class ").append(i).append(". */\npublic final class Gen").append(i).append(" {\n");
    for (int m = 0; m < 20; m++) {
      sb.append("  String get").append(m).append("(List<String> items, int index) {\n")
          .append("    String value = items.get(index + ").append(m).append(");\n")
          .append("    return value.toString() + items.size(); // count ").append(m).append("\n  }\n");
    }
    return sb.append("}\n").toString();
  }

  /** Writes {@code count} Java files under {@code dir} (in subpackages) and returns {@code dir}. */
  public static Path writeDirectory(Path dir, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      Path file = dir.resolve("demo/p" + (i % 7) + "/Gen" + i + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, javaSource(i));
    }
    return dir;
  }

  /** Writes {@code count} Java files, plus one non-Java entry, into the zip archive {@code zip}. */
  public static Path writeZip(Path zip, int count) throws IOException {
    try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
      out.putNextEntry(new ZipEntry("java.base/demo/"));
      out.closeEntry();
      out.putNextEntry(new ZipEntry("java.base/README.txt"));
      out.write("not java".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
      for (int i = 0; i < count; i++) {
        out.putNextEntry(new ZipEntry("java.base/demo/Gen" + i + ".java"));
        out.write(javaSource(i).getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return zip;
  }
}
