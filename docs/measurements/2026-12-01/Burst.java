import land.echo.*;
import land.echo.scheduler.*;
import java.util.*;
import java.util.concurrent.*;
public class Burst {
  public static void main(String[] a) throws Exception {
    int rounds = Integer.parseInt(a[0]);
    String kind = a[1];
    var rt = ApplicationRuntime.create();
    var vt = Executors.newVirtualThreadPerTaskExecutor();
    Effects<Void> E = Effects.failingWith(Void.class);
    long[] t = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      long s = System.nanoTime();
      if (kind.equals("echo")) {
        List<ActionEffect<Void, Integer>> calls = new ArrayList<>(10000);
        for (int i = 0; i < 10000; i++) calls.add(ActionEffect.blocking(token -> { TimeUnit.MILLISECONDS.sleep(10); return 1; }));
        int n = rt.run(E.all(calls)).getOrThrow().size();
        if (n != 10000) throw new AssertionError();
      } else {
        CountDownLatch done = new CountDownLatch(10000);
        for (int i = 0; i < 10000; i++) vt.execute(() -> { try { Thread.sleep(10); } catch (InterruptedException e) {} done.countDown(); });
        done.await();
      }
      t[r] = System.nanoTime() - s;
    }
    long[] c = Arrays.copyOfRange(t, rounds / 2, rounds); Arrays.sort(c);
    System.out.printf("%s median of last half %.1f ms, min %.1f max %.1f%n", kind, c[c.length/2]/1e6, c[0]/1e6, c[c.length-1]/1e6);
    rt.close(); vt.close();
  }
}
