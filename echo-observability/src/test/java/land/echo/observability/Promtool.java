package land.echo.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's {@code promtool check metrics} on scraped text. Without promtool the calling test
 * is skipped, except under {@code CI=true}, where it fails: install it with {@code apt-get install
 * -y prometheus} ({@code .ci/run} does).
 */
public final class Promtool {
  private Promtool() {}

  /** Skips (or, under CI, fails) the test unless promtool is on the PATH; returns its path. */
  public static String require() {
    String promtool = find();
    if (promtool == null) {
      String how = "promtool not found on PATH; install it with `apt-get install -y prometheus` (Debian/Ubuntu)";
      if ("true".equals(System.getenv("CI"))) {
        fail(how + " -- under CI=true this check never skips");
      }
      assumeTrue(false, how);
    }
    return promtool;
  }

  /** Asserts that {@code promtool check metrics} accepts {@code body} without a remark. */
  public static void assertAccepts(String promtool, String body, Path dir) throws IOException, InterruptedException {
    Path scraped = dir.resolve("scrape.txt");
    Files.writeString(scraped, body, StandardCharsets.UTF_8);
    Path output = dir.resolve("promtool.out");
    Process process = new ProcessBuilder(promtool, "check", "metrics")
        .redirectInput(scraped.toFile())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    String report = Files.readString(output);
    assertThat(process.exitValue()).as("promtool check metrics said:%n%s", report).isZero();
    assertThat(report).as("promtool check metrics reports no problem").isBlank();
  }

  private static String find() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      File candidate = new File(dir, "promtool");
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    return null;
  }
}
