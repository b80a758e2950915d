package land.echo.observability.live;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * A concurrent log-linear histogram of non-negative nanosecond values: wait-free to record (one
 * atomic increment), copied to read. Thread-safe.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Values below {@value #SUB} have a bucket each. Above, each power of two is split into {@value
 * #SUB} equal buckets, so a bucket is never wider than 1/{@value #SUB} of its lower bound and a
 * percentile read from it (its upper bound) is at most 1.6% above the true value, the same idea
 * as HdrHistogram's sub-buckets with fewer significant bits. Values from 2<sup>{@value #MAX_BITS}
 * </sup> ns (about 4.9 hours) up share the last bucket. 2,496 buckets of 8 bytes cost about 20 KB
 * per histogram. Written here rather than taken from HdrHistogram because that jar has no module
 * name, and a published module must not require a name derived from a file name.
 */
final class LatencyHistogram {
  /** Buckets per power of two, and the count of exact buckets below it. */
  static final int SUB = 64;
  private static final int SUB_BITS = 6;
  /** Values at or above 2^MAX_BITS ns go to the last bucket. */
  static final int MAX_BITS = 44;
  private static final int BUCKETS = SUB + (MAX_BITS - SUB_BITS) * SUB;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final LongAccumulator max = new LongAccumulator(Math::max, 0);

  /** Records {@code nanos} (negative values count as 0). */
  void record(long nanos) {
    long v = Math.max(0, nanos);
    counts.incrementAndGet(index(v));
    max.accumulate(v);
  }

  /** Returns a copy of the counts and the maximum, for percentiles. */
  Snapshot snapshot() {
    long[] copy = new long[BUCKETS];
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      copy[i] = counts.get(i);
      total += copy[i];
    }
    return new Snapshot(copy, total, max.get());
  }

  static int index(long v) {
    if (v < SUB) {
      return (int) v;
    }
    int bits = 64 - Long.numberOfLeadingZeros(v); // v < 2^bits, bits > SUB_BITS
    if (bits > MAX_BITS) {
      return BUCKETS - 1;
    }
    int shift = bits - 1 - SUB_BITS;
    int sub = (int) (v >>> shift) - SUB; // the SUB_BITS bits after the leading one
    return SUB + shift * SUB + sub;
  }

  /** The largest value that falls into bucket {@code i}. */
  static long upperBound(int i) {
    if (i < SUB) {
      return i;
    }
    int shift = (i - SUB) / SUB;
    long sub = (i - SUB) % SUB;
    return ((SUB + sub + 1) << shift) - 1;
  }

  /** A copy of a histogram's counts. */
  record Snapshot(long[] counts, long total, long max) {

    /** Returns the value at {@code percentile} (0..100]: the upper bound of its bucket, at most the maximum. */
    long valueAt(double percentile) {
      if (total == 0) {
        return 0;
      }
      long rank = Math.max(1, (long) Math.ceil(percentile / 100 * total));
      long seen = 0;
      for (int i = 0; i < counts.length; i++) {
        seen += counts[i];
        if (seen >= rank) {
          return i == counts.length - 1 ? max : Math.min(upperBound(i), max); // the last bucket is open-ended
        }
      }
      return max;
    }
  }
}
