import java.util.*;
import java.util.concurrent.*;
import land.echo.*;
import land.echo.spi.EffectInfo;
import land.echo.observability.NameTags;
import land.echo.observability.live.Observatory;

public class ObsCost {
  public static void main(String[] a) throws Exception {
    int journal = Integer.parseInt(a[0]);
    int threads = Integer.parseInt(a[1]);
    Observatory o = Observatory.create(NameTags.ofDefaults(), land.echo.time.Clock.system(), journal);
    String[] names = {"index.file", "query.complete", "query.usages", "symbols.resolve"};
    Outcome<Object, Object> ok = new Outcome.Success<>(1);
    for (int round = 0; round < 8; round++) {
      int per = 1_000_000;
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int tt = t;
        ts.add(Thread.ofPlatform().start(() -> {
          try { go.await(); } catch (InterruptedException e) { }
          long now = System.nanoTime();
          for (int i = 0; i < per; i++) {
            EffectInfo info = new EffectInfo(i, names[i & 3], Priority.values()[i % 3], now, -1, Map.of());
            o.submitted(info);
            EffectInfo started = new EffectInfo(i, names[i & 3], Priority.values()[i % 3], now, now + 1000 + (i & 1023), Map.of());
            o.started(started);
            o.completed(started, ok);
          }
        }));
      }
      long t0 = System.nanoTime();
      go.countDown();
      for (Thread t : ts) t.join();
      long ns = System.nanoTime() - t0;
      if (round >= 3) System.out.printf("journal=%d threads=%d: %.0f ns per effect per thread%n", journal, threads, ns / (double) per);
      o.snapshot();
    }
  }
}
