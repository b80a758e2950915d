package land.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A handle always completes, even when a body exhausts the heap: runs {@link HeapExhaustionMain}
 * in a child JVM with {@code -Xmx64m} and checks what it printed.
 */
class HeapExhaustionTest {
  private static final long CHILD_TIMEOUT_SECONDS = 60;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aBodyThatExhaustsTheHeapStillCompletesItsHandleRunsItsFinalizerAndLeavesTheRuntimeUsable() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Path output = Files.createTempFile("heap-exhaustion", ".log");
    try {
      Process child = new ProcessBuilder(
              java, "-Xmx64m", "-cp", classpath(), HeapExhaustionMain.class.getName())
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
      boolean exited = child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!exited) {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      List<String> all = Files.readAllLines(output, StandardCharsets.UTF_8);
      String log = tail(all);
      assertThat(exited).as("the child JVM exited within %d s; its output:%n%s", CHILD_TIMEOUT_SECONDS, log).isTrue();
      assertThat(child.exitValue()).as("the child's exit code; its output:%n%s", log).isZero();

      List<String> results = all.stream().filter(line -> line.startsWith("RESULT ")).toList();
      List<String> expected = new ArrayList<>();
      for (int round = 1; round <= HeapExhaustionMain.ROUNDS; round++) {
        expected.add("RESULT round=" + round + " compute outcome=Faulted(Panic(OutOfMemoryError)) finalizer=true");
        expected.add("RESULT round=" + round + " compute-after outcome=Success(42) finalizer=true");
        expected.add("RESULT round=" + round + " blocking outcome=Faulted(Panic(OutOfMemoryError)) finalizer=true");
        expected.add("RESULT round=" + round + " blocking-after outcome=Success(42) finalizer=true");
      }
      expected.add("RESULT shutdown stillUnwinding=0 failure=false");
      expected.add("RESULT done");
      assertThat(results).as("the child's results; its output:%n%s", log).containsExactlyElementsOf(expected);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** echo-core's classes, the test classes, slf4j-api and slf4j-simple, wherever they were loaded from. */
  private static String classpath() throws URISyntaxException {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> type : List.of(
        ApplicationRuntime.class, HeapExhaustionMain.class, org.slf4j.Logger.class, org.slf4j.simple.SimpleLogger.class)) {
      entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  private static String tail(List<String> lines) {
    return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 200), lines.size()));
  }
}
