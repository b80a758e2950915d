import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import java.util.concurrent.locks.LockSupport;
import land.echo.Priority;
import land.echo.scheduler.*;

public class Starv {
  static final AtomicLongArray perWorker = new AtomicLongArray(2);
  static int idx() { String n = Thread.currentThread().getName(); return n.endsWith("0") ? 0 : 1; }
  static void spin(long nanos) { long end = System.nanoTime() + nanos; while (System.nanoTime() < end) Thread.onSpinWait(); }
  static long[] snap() { long[] r = new long[12]; for (int q = 0; q < 12; q++) r[q] = land.echo.scheduler.DbgAccess.get(q); return r; }
  public static void main(String[] a) throws Exception {
    for (int round = 0; round < 14; round++) {
      EchoScheduler s = EchoScheduler.create(SchedulerConfig.builder().workers(2).threadNamePrefix("w-").build());
      AtomicBoolean on = new AtomicBoolean(true);
      CountDownLatch chains = new CountDownLatch(4);
      for (int i = 0; i < 4; i++) {
        s.execute(new Runnable() { public void run() {
          perWorker.incrementAndGet(idx()); spin(10_000);
          if (on.get()) s.execute(this, Priority.HIGH); else chains.countDown(); } }, Priority.HIGH);
      }
      int n = 200;
      long[] d0 = new long[n], d1 = new long[n], wait = new long[n]; long[][] fa = new long[n][]; int[] backlog = new int[n]; AtomicInteger pending = new AtomicInteger(); int[] ranOn = new int[n];
      CountDownLatch lows = new CountDownLatch(n);
      long next = System.nanoTime();
      for (int i = 0; i < n; i++) {
        next += 10_000_000;
        for (long w = next - System.nanoTime(); w > 0; w = next - System.nanoTime()) LockSupport.parkNanos(w);
        long[] fb = snap(); int k = i; backlog[i] = pending.getAndIncrement(); long b0 = perWorker.get(0), b1 = perWorker.get(1); long t0 = System.nanoTime();
        s.execute(() -> { wait[k] = System.nanoTime() - t0; d0[k] = perWorker.get(0) - b0; d1[k] = perWorker.get(1) - b1; pending.decrementAndGet(); ranOn[k] = idx(); long[] f2 = snap(); for (int q = 0; q < 12; q++) f2[q] -= fb[q]; fa[k] = f2; lows.countDown(); }, Priority.LOW);
      }
      on.set(false); lows.await(); chains.await();
      // report the 5 worst
      Integer[] order = new Integer[n]; for (int i = 0; i < n; i++) order[i] = i;
      Arrays.sort(order, (x, y) -> Long.compare(d0[y] + d1[y], d0[x] + d1[x]));
      StringBuilder sb = new StringBuilder("round " + round + ":");
      for (int j = 0; j < 3; j++) { int i = order[j]; sb.append(String.format(" [%d picks: w0 %d, w1 %d, ran on w%d, %.1f ms, lowFair w0 %d/%d w1 %d/%d, lowSteals %d/%d (moving more: %d/%d), lowBatches %d/%d, backlog %d]", d0[i] + d1[i], d0[i], d1[i], ranOn[i], wait[i] / 1e6, fa[i][0], fa[i][1], fa[i][4], fa[i][5], fa[i][3], fa[i][7], fa[i][8], fa[i][9], fa[i][10], fa[i][11], backlog[i])); }
      System.out.println(sb);
      s.shutdown(); s.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
