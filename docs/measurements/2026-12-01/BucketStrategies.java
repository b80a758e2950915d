import io.github.bucket4j.*;
import io.github.bucket4j.local.*;
import java.time.Duration;
public class BucketStrategies {
  static Bucket make(SynchronizationStrategy s) {
    return Bucket.builder().addLimit(Bandwidth.builder().capacity(1_000_000_000L).refillGreedy(1_000_000_000L, Duration.ofSeconds(1)).build())
      .withSynchronizationStrategy(s).build();
  }
  public static void main(String[] a) throws Exception {
    for (int round = 0; round < 4; round++) {
      for (SynchronizationStrategy s : new SynchronizationStrategy[]{SynchronizationStrategy.LOCK_FREE, SynchronizationStrategy.SYNCHRONIZED}) {
        Bucket b = make(s);
        long t0 = System.nanoTime(); int ok = 0;
        for (int i = 0; i < 5_000_000; i++) if (b.tryConsume(1)) ok++;
        long t1 = System.nanoTime();
        Bucket b2 = make(s);
        Thread[] th = new Thread[2];
        long t2 = System.nanoTime();
        for (int k = 0; k < 2; k++) { th[k] = new Thread(() -> { for (int i = 0; i < 2_500_000; i++) b2.tryConsume(1); }); th[k].start(); }
        for (Thread t : th) t.join();
        long t3 = System.nanoTime();
        System.out.printf("%s: 1 thread %.1f ns/op, 2 threads %.1f ns/op (ok %d)%n", s, (t1-t0)/5e6, (t3-t2)/5e6, ok);
      }
    }
  }
}
