package land.echo.observability.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void smallValuesAreExact() {
    LatencyHistogram h = new LatencyHistogram();
    for (int v = 0; v < LatencyHistogram.SUB; v++) {
      h.record(v);
    }
    LatencyHistogram.Snapshot s = h.snapshot();
    assertThat(s.total()).isEqualTo(LatencyHistogram.SUB);
    assertThat(s.valueAt(50)).isEqualTo(31);
    assertThat(s.valueAt(100)).isEqualTo(63);
  }

  @Test
  void everyValueFallsInABucketWhoseUpperBoundIsWithinOneSixtyFourthAbove() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      long v = random.nextLong(1L << LatencyHistogram.MAX_BITS);
      int index = LatencyHistogram.index(v);
      long upper = LatencyHistogram.upperBound(index);
      assertThat(upper).isGreaterThanOrEqualTo(v);
      assertThat(upper - v).isLessThanOrEqualTo(v / LatencyHistogram.SUB);
      if (index > 0) {
        assertThat(LatencyHistogram.upperBound(index - 1)).isLessThan(v);
      }
    }
  }

  @Test
  void percentilesMatchASortedArrayWithinTheBucketError() {
    SplittableRandom random = new SplittableRandom(11);
    LatencyHistogram h = new LatencyHistogram();
    long[] values = new long[10_001];
    for (int i = 0; i < values.length; i++) {
      values[i] = (long) Math.exp(random.nextDouble() * 20); // 1 ns .. about 0.5 s, log-uniform
      h.record(values[i]);
    }
    Arrays.sort(values);
    LatencyHistogram.Snapshot s = h.snapshot();
    for (double p : new double[] {50, 90, 99, 99.9}) {
      long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
      assertThat(s.valueAt(p)).as("p%s", p).isBetween(exact, exact + exact / LatencyHistogram.SUB);
    }
    assertThat(s.max()).isEqualTo(values[values.length - 1]);
  }

  @Test
  void hugeAndNegativeValuesAreClamped() {
    LatencyHistogram h = new LatencyHistogram();
    h.record(-5);
    h.record(Long.MAX_VALUE);
    LatencyHistogram.Snapshot s = h.snapshot();
    assertThat(s.valueAt(50)).isZero();
    assertThat(s.valueAt(100)).isEqualTo(Long.MAX_VALUE);
  }
}
