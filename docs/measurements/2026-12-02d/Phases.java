import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import land.echo.*;
import land.echo.scheduler.*;

public class Phases {
  static long gcs() {
    long n = 0;
    for (var b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) n += b.getCollectionCount();
    return n;
  }
  static final int N = 10000; static int SL; static long built;
  static long t0;
  static final AtomicLong firstStart = new AtomicLong(), lastStart = new AtomicLong(), lastEnd = new AtomicLong();
  static void mark(AtomicLong a, boolean min) {
    long t = System.nanoTime() - t0;
    if (min) { a.accumulateAndGet(t, Math::min); } else { a.accumulateAndGet(t, Math::max); }
  }
  static void reset() { firstStart.set(Long.MAX_VALUE); lastStart.set(0); lastEnd.set(0); }
  public static void main(String[] a) throws Exception {
    String kind = a[0];
    int shots = Integer.parseInt(a[1]); SL = Integer.parseInt(a[2]);
    EchoScheduler s = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    ApplicationRuntime rt = ApplicationRuntime.create(Environment.empty(), s);
    Effects<Void> E = Effects.failingWith(Void.class);
    ExecutorService vt = Executors.newVirtualThreadPerTaskExecutor();
    List<long[]> rows = new ArrayList<>();
    for (int shot = 0; shot < shots; shot++) {
      if (Integer.getInteger("pause", 0) > 0) Thread.sleep(Integer.getInteger("pause", 0));
      reset();
      long gc0 = gcs();
      t0 = System.nanoTime();
      if (kind.equals("echo")) {
        List<ActionEffect<Void, Integer>> calls = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
          calls.add(ActionEffect.blocking(token -> { mark(firstStart, true); mark(lastStart, false); TimeUnit.MILLISECONDS.sleep(SL); mark(lastEnd, false); return 1; }));
        }
        var eff = E.all(calls); built = System.nanoTime()-t0; rt.run(eff).getOrThrow();
      } else {
        CountDownLatch d = new CountDownLatch(N);
        for (int i = 0; i < N; i++) vt.execute(() -> { mark(firstStart, true); mark(lastStart, false); try { Thread.sleep(SL);} catch (InterruptedException e) { return; } mark(lastEnd, false); d.countDown(); });
        d.await();
      }
      long tot = System.nanoTime() - t0;
      rows.add(new long[]{built, firstStart.get(), lastStart.get(), lastEnd.get(), tot, gcs() - gc0});
    }
    rt.close(); vt.close();
    List<long[]> tail = rows.subList(shots/2, shots);
    String[] names = {"built","firstStart","lastStart","lastEnd","total"};
    StringBuilder sb = new StringBuilder(kind + ":");
    for (int k = 0; k < 5; k++) { final int kk = k; long[] v = tail.stream().mapToLong(r -> r[kk]).sorted().toArray(); sb.append(String.format(" %s %.2f", names[k], v[v.length/2]/1e6)); }
    System.out.println(sb);
    if (System.getProperty("outliers") != null) {
      long[] tot = tail.stream().mapToLong(r -> r[4]).sorted().toArray();
      long med = tot[tot.length / 2];
      for (long[] r : tail) {
        if (r[4] > med * 13 / 10) {
          System.out.printf("  outlier: firstStart %.2f lastStart %.2f lastEnd %.2f total %.2f gcs %d%n", r[1] / 1e6, r[2] / 1e6, r[3] / 1e6, r[4] / 1e6, r[5]);
        }
      }
      System.out.println("  gcs in the tail: " + tail.stream().mapToLong(r -> r[5]).sum());
    }
  }
}
