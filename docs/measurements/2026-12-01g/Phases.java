import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.locks.LockSupport;
import land.echo.*;
import land.echo.scheduler.*;
import land.echo.internal.RuntimeCore;

public class Phases {
  static final Effects<Void> E = Effects.failingWith(Void.class);
  public static void main(String[] a) throws Exception {
    long pause = Long.parseLong(a[0]);
    int n = 3000;
    EchoScheduler s = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    ApplicationRuntime rt = ApplicationRuntime.create(Environment.empty(), s);
    for (int round = 0; round < 3; round++) {
      long[][] seg = new long[8][n];
      for (int i = 0; i < n; i++) {
        LockSupport.parkNanos(pause);
        CountDownLatch l = new CountDownLatch(1);
        long[] st = new long[1];
        long t0 = System.nanoTime();
        ActionEffect<Void, Object> eff = E.compute(tok -> { st[0] = System.nanoTime(); l.countDown(); return null; });
        long tb = System.nanoTime();
        rt.submit(eff, Priority.HIGH);
        long t1 = System.nanoTime();
        l.await();
        long[] p = RuntimeCore.PROBE_T;
        seg[0][i] = p[0] - tb; seg[7][i] = tb - t0;
        for (int k = 1; k <= 6; k++) seg[k][i] = p[k] - p[k-1];

      }
      StringBuilder sb = new StringBuilder("pause " + pause + " round " + round + " p50 ns:");
      String[] names = {"call","handle+fiber","adder","listeners/log","requirements","registry","execute","newEffect"};
      for (int k = 0; k < 8; k++) { Arrays.sort(seg[k]); sb.append(" ").append(names[k]).append("=").append(seg[k][n/2]); }
      System.out.println(sb);
    }
    rt.close();
  }
}
