package land.echo.observability.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

  @Test
  void anEmptyRecorderReportsZeros() {
    assertThat(new LatencyRecorder().snapshot()).isEqualTo(new LatencyRecorder.Percentiles(0, 0, 0, 0));
  }

  @Test
  void percentilesMatchASortedArrayWithinAHundredth() {
    SplittableRandom random = new SplittableRandom(11);
    LatencyRecorder recorder = new LatencyRecorder();
    long[] values = new long[10_001];
    for (int i = 0; i < values.length; i++) {
      values[i] = (long) Math.exp(random.nextDouble() * 20); // 1 ns .. about 0.5 s, log-uniform
      recorder.record(values[i]);
    }
    Arrays.sort(values);
    LatencyRecorder.Percentiles s = recorder.snapshot();
    assertThat(s.count()).isEqualTo(values.length);
    assertThat(s.p50()).isBetween(rank(values, 50), rank(values, 50) + rank(values, 50) / 100 + 1);
    assertThat(s.p99()).isBetween(rank(values, 99), rank(values, 99) + rank(values, 99) / 100 + 1);
    long max = values[values.length - 1];
    assertThat(s.max()).isBetween(max, max + max / 100);
  }

  @Test
  void aSnapshotIncludesEverythingRecordedBeforeEarlierSnapshots() {
    LatencyRecorder recorder = new LatencyRecorder();
    for (int i = 0; i < 99; i++) {
      recorder.record(1_000);
    }
    assertThat(recorder.snapshot().p99()).isBetween(1_000L, 1_010L); // two digits: the bucket's top
    recorder.record(5_000_000);
    LatencyRecorder.Percentiles later = recorder.snapshot();
    assertThat(later.count()).isEqualTo(100);
    assertThat(later.p50()).isBetween(1_000L, 1_010L);
    assertThat(later.max()).isBetween(5_000_000L, 5_050_000L);
    assertThat(recorder.snapshot()).isEqualTo(later); // nothing new: the same figures
  }

  @Test
  void recordsFromManyThreadsLandInTheirStripesAndAllCount() throws InterruptedException {
    LatencyRecorder recorder = new LatencyRecorder();
    Thread[] threads = new Thread[LatencyRecorder.STRIPES * 2 + 1];
    for (int t = 0; t < threads.length; t++) {
      long value = 1_000L * (t + 1);
      threads[t] = Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 10_000; i++) {
          recorder.record(value);
        }
      });
    }
    for (Thread t : threads) {
      t.join();
    }
    LatencyRecorder.Percentiles s = recorder.snapshot();
    assertThat(s.count()).isEqualTo(10_000L * threads.length);
    assertThat(s.max()).isBetween(1_000L * threads.length, 1_000L * threads.length * 101 / 100);
  }

  @Test
  void aNegativeValueCountsAsZero() {
    LatencyRecorder recorder = new LatencyRecorder();
    recorder.record(-5);
    assertThat(recorder.snapshot()).isEqualTo(new LatencyRecorder.Percentiles(1, 0, 0, 0));
  }

  private static long rank(long[] sorted, double percentile) {
    return sorted[(int) Math.ceil(percentile / 100 * sorted.length) - 1];
  }
}
