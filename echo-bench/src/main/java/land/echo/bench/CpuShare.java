package land.echo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Which share of this JVM's CPU went to given code, from JFR's execution samples: a recording with
 * only {@code jdk.ExecutionSample} on, every {@value #PERIOD_MILLIS} ms, each sample counted for
 * the first group whose package prefix appears anywhere in its stack. On a machine whose cores are
 * all busy with the workload, the share of samples in some code is the share of the CPU it took,
 * and so, to first order, the share of throughput it cost; unlike throughput, the share is a
 * measurement inside one run, so the drift of a shared machine from run to run does not enter it.
 * What samples miss: time in native code and the kernel (a socket write), and the garbage
 * collector's threads.
 *
 * <p>Not thread-safe: one recording at a time, from one thread.
 */
final class CpuShare implements AutoCloseable {
  /** The sampling period. */
  static final int PERIOD_MILLIS = 5;

  private final Recording recording = new Recording();

  /** Starts sampling. */
  CpuShare() {
    recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(PERIOD_MILLIS));
    recording.setToDisk(true);
    recording.start();
  }

  /**
   * Stops sampling and counts the samples taken from {@code from} for {@code window} per group.
   *
   * @param from when the counted window starts
   * @param window how long it lasts
   * @param groups each group's prefixes of qualified method names ({@code package.Class.method});
   *     a sample counts for the first group with a frame whose method name starts with one of them
   * @return the samples of each group (in the order given), then the total as the last element
   * @throws IOException if the recording cannot be written or read
   */
  long[] stop(Instant from, Duration window, List<List<String>> groups) throws IOException {
    recording.stop();
    Path file = Files.createTempFile("echo-cpu-share", ".jfr");
    try {
      recording.dump(file);
      long[] counts = new long[groups.size() + 1];
      for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
        if (!event.getEventType().getName().equals("jdk.ExecutionSample")
            || event.getStartTime().isBefore(from) || event.getStartTime().isAfter(from.plus(window))) {
          continue;
        }
        counts[groups.size()]++;
        int group = groupOf(event.getStackTrace(), groups);
        if (group >= 0) {
          counts[group]++;
        }
      }
      return counts;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static int groupOf(RecordedStackTrace stack, List<List<String>> groups) {
    if (stack == null) {
      return -1;
    }
    for (int g = 0; g < groups.size(); g++) {
      for (RecordedFrame frame : stack.getFrames()) {
        if (!frame.isJavaFrame() || frame.getMethod() == null) {
          continue;
        }
        String method = frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
        for (String prefix : groups.get(g)) {
          if (method.startsWith(prefix)) {
            return g;
          }
        }
      }
    }
    return -1;
  }

  @Override
  public void close() {
    recording.close();
  }
}
