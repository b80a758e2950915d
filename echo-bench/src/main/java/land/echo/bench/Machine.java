package land.echo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A description of the machine and JDK a suite ran on, read from {@code /proc} and system
 * properties. An immutable value.
 *
 * @param cpu the CPU model, from {@code /proc/cpuinfo}
 * @param processors the processors available to the JVM
 * @param memory total memory, from {@code /proc/meminfo}
 * @param os the operating system name, version and architecture
 * @param jdk the Java version and VM
 */
record Machine(String cpu, int processors, String memory, String os, String jdk) {

  /**
   * Returns the 1-, 5- and 15-minute load averages from {@code /proc/loadavg}, which say how much
   * else the machine was doing while the suite ran.
   */
  static String loadAverage() {
    List<String> lines = lines("/proc/loadavg");
    if (lines.isEmpty()) {
      return "unknown (no /proc/loadavg)";
    }
    String[] fields = lines.get(0).trim().split("\\s+");
    return fields.length >= 3 ? fields[0] + " / " + fields[1] + " / " + fields[2] : lines.get(0).trim();
  }

  /**
   * Returns the commit the working directory is at ({@code git describe --always --dirty}), so a
   * report names the code it measured; "unknown" when git cannot tell.
   */
  static String commit() {
    try {
      Process git = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true).start();
      String out = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
      return git.waitFor() == 0 && !out.isEmpty() ? out : "unknown (git: " + out + ")";
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown (interrupted)";
    }
  }

  /** Describes the current machine; fields that cannot be read say so. */
  static Machine current() {
    return new Machine(
        cpuModel(),
        Runtime.getRuntime().availableProcessors(),
        totalMemory(),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " (" + System.getProperty("os.arch") + ")",
        "Java " + System.getProperty("java.version") + ", " + System.getProperty("java.vm.name") + " "
            + System.getProperty("java.vm.version") + " (" + System.getProperty("java.vm.vendor") + ")");
  }

  private static String cpuModel() {
    for (String line : lines("/proc/cpuinfo")) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return "unknown (no model name in /proc/cpuinfo)";
  }

  private static String totalMemory() {
    for (String line : lines("/proc/meminfo")) {
      if (line.startsWith("MemTotal:")) {
        long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
        return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
      }
    }
    return "unknown (no MemTotal in /proc/meminfo)";
  }

  private static List<String> lines(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
