import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.locks.LockSupport;
import land.echo.*;
import land.echo.scheduler.*;

public class IdleProbe {
  static final Effects<Void> E = Effects.failingWith(Void.class);
  public static void main(String[] a) throws Exception {
    boolean runtimeMode = a[0].equals("runtime");
    int n = 3000;
    EchoScheduler s = EchoScheduler.create(SchedulerConfig.builder().workers(2).spinBeforePark(java.time.Duration.ofNanos(Long.getLong("spin", 50_000))).build());
    ApplicationRuntime rt = ApplicationRuntime.create(Environment.empty(), s);
    for (int round = 0; round < 3; round++) {
      long[] submitCost = new long[n], startLat = new long[n];
      for (int i = 0; i < n; i++) {
        LockSupport.parkNanos(1_500_000);
        CountDownLatch l = new CountDownLatch(1);
        long[] st = new long[1];
        long t0 = System.nanoTime();
        Runnable task = () -> { st[0] = System.nanoTime(); l.countDown(); };
        if (runtimeMode) rt.submit(E.compute(tok -> { task.run(); return null; }), Priority.HIGH);
        else s.execute(task, Priority.HIGH);
        long t1 = System.nanoTime();
        l.await();
        submitCost[i] = t1 - t0; startLat[i] = st[0] - t0;
      }
      Arrays.sort(submitCost); Arrays.sort(startLat);
      System.out.printf("%s round %d: submit p50 %.1f us p99 %.1f | start p50 %.1f us p99 %.1f%n", a[0], round,
        submitCost[n/2]/1e3, submitCost[n*99/100]/1e3, startLat[n/2]/1e3, startLat[n*99/100]/1e3);
    }
    rt.close();
  }
}
