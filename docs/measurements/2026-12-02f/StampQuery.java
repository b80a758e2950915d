import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import land.echo.*;
import land.echo.cli.demo.*;
import land.echo.scheduler.*;
import land.echo.internal.ProbeStamps;

public class StampQuery {
  static final Effects<CommonError> IO = Effects.failingWith(CommonError.class);
  static SourceIndex index;
  static final int N = 600;
  public static void main(String[] a) throws Exception {
    var tree = ZipSourceTree.open(Path.of(System.getProperty("java.home"), "lib", "src.zip"));
    index = new SourceIndex();
    tree.files().parallelStream().forEach(f -> {
      try { index.add(f, JavaTokenizer.identifierCounts(new String(tree.read(f)))); } catch (Exception e) { throw new RuntimeException(e); }
    });
    boolean timeout = a.length > 0 && a[0].equals("to");
    for (int round = 0; round < 3; round++) {
      EchoScheduler sch = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
      var env = Environment.builder().with(SourceIndex.class, index).build();
      ApplicationRuntime r = ApplicationRuntime.builder().environment(env).scheduler(sch).build();
      long[][] d = new long[9][N];
      var gen = Executors.newSingleThreadScheduledExecutor();
      var random = new SplittableRandom(42 + round);
      CountDownLatch[] latch = {null};
      for (int i = 0; i < N; i++) {
        InteractiveQuery q = InteractiveQuery.random(random);
        final int k = i;
        long[] st = new long[1];
        CountDownLatch l = new CountDownLatch(1);
        Thread.sleep(10);
        long sub = System.nanoTime();
        var eff = IO.compute(SourceIndex.class, (ix, t) -> { st[0] = System.nanoTime(); return q.runOn(ix); });
        long mid = System.nanoTime();
        var h = timeout ? r.submitWithTimeout(eff, Duration.ofMillis(250), Priority.HIGH) : r.submit(eff, Priority.HIGH);
        long ret = System.nanoTime();
        h.outcome().whenComplete((o, f) -> l.countDown());
        l.await();
        d[0][k] = ProbeStamps.entry - mid; d[7][k] = mid - sub;
        d[1][k] = ProbeStamps.beforeExec - ProbeStamps.entry;
        d[2][k] = ProbeStamps.afterExec - ProbeStamps.beforeExec;
        d[3][k] = ProbeStamps.afterArm - ProbeStamps.afterExec;
        d[4][k] = ProbeStamps.workerWake - ProbeStamps.beforeExec;
        d[5][k] = ProbeStamps.runEntry - ProbeStamps.workerWake;
        d[6][k] = st[0] - ProbeStamps.runEntry;
        d[8][k] = st[0] - sub;
      }
      String[] names = {"sub>entry", "entry>exec", "exec", "exec>ret", "exec>wake", "wake>run", "run>body", "construct", "START"};
      StringBuilder sb = new StringBuilder("r" + round + (timeout ? " to " : " noTo "));
      for (int j = 0; j < 9; j++) sb.append(String.format("%s %.1f | ", names[j], p(d[j], .5)));
      System.out.println(sb);
      r.close();
      gen.shutdown();
    }
    System.exit(0);
  }
  static double p(long[] x, double q) { long[] c = x.clone(); Arrays.sort(c); return c[(int) Math.min(c.length - 1, q * c.length)] / 1000.0; }
}
