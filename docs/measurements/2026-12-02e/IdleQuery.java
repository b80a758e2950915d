import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import java.util.function.*;
import land.echo.*;
import land.echo.cli.demo.*;
import land.echo.scheduler.*;
import land.echo.observability.micrometer.EchoMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

public class IdleQuery {
  static final Effects<CommonError> IO = Effects.failingWith(CommonError.class);
  static SourceIndex index;
  static final int N = 600;
  static EchoScheduler bare; static ScheduledThreadPoolExecutor beat; static long[] ret = new long[N]; static long[] sub = new long[N], st = new long[N], en = new long[N], cb = new long[N];

  interface Submitter { void submit(int i, InteractiveQuery q, Runnable done); }

  public static void main(String[] a) throws Exception {
    var tree = ZipSourceTree.open(Path.of(System.getProperty("java.home"), "lib", "src.zip"));
    index = new SourceIndex();
    tree.files().parallelStream().forEach(f -> {
      try { index.add(f, JavaTokenizer.identifierCounts(new String(tree.read(f)))); } catch (Exception e) { throw new RuntimeException(e); }
    });
    System.out.println("indexed " + index.filesIndexed());
    String[] variants = a.length > 0 ? a : new String[] {"fjp", "echo", "echoMeters"};
    for (int round = 0; round < 3; round++) {
      for (String v : variants) {
        run(v, round);
      }
    }
    System.exit(0);
  }

  static void run(String v, int round) throws Exception {
    ForkJoinPool pool = null; ApplicationRuntime rt = null; EchoMeters meters = null;
    Submitter s;
    Duration budget = Duration.ofMillis(250);
    if (v.equals("fjp")) {
      pool = new ForkJoinPool(2);
      ForkJoinPool p = pool;
      s = (i, q, done) -> CompletableFuture.supplyAsync(() -> { st[i] = System.nanoTime(); int r = q.runOn(index); en[i] = System.nanoTime(); return r; }, p)
          .orTimeout(250, TimeUnit.MILLISECONDS).whenComplete((x, f) -> { cb[i] = System.nanoTime(); done.run(); });
    } else if (v.equals("fjpExec")) {
      pool = new ForkJoinPool(2);
      ForkJoinPool p = pool;
      s = (i, q, done) -> p.execute(() -> { st[i] = System.nanoTime(); q.runOn(index); en[i] = System.nanoTime(); cb[i] = en[i]; done.run(); });
    } else if (v.equals("bare")) {
      EchoScheduler sch = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
      bare = sch;
      s = (i, q, done) -> sch.execute(() -> { st[i] = System.nanoTime(); q.runOn(index); en[i] = System.nanoTime(); cb[i] = en[i]; done.run(); }, Priority.HIGH);
    } else {
      EchoScheduler sch = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
      var env = Environment.builder().with(SourceIndex.class, index).build();
      var b = ApplicationRuntime.builder().environment(env).scheduler(sch);
      if (v.equals("echoBeat")) {
        var stpe = new ScheduledThreadPoolExecutor(1, rr -> { Thread t = new Thread(rr, "beat-timer"); t.setDaemon(true); return t; });
        stpe.setRemoveOnCancelPolicy(true);
        stpe.scheduleAtFixedRate(() -> {}, 50, 50, TimeUnit.MILLISECONDS);
        beat = stpe;
        b.timer((d, action) -> { var fut = stpe.schedule(action, d.toNanos(), TimeUnit.NANOSECONDS); return () -> fut.cancel(false); });
      }
      if (v.equals("echoMeters")) { meters = EchoMeters.builder(new SimpleMeterRegistry()).names(DemoMetrics.names()).scheduler(sch).build(); b.listener(meters); }
      rt = b.build();
      ApplicationRuntime r = rt;
      if (v.equals("echoNoTo")) s = (i, q, done) -> r.submit(IO.compute(SourceIndex.class, (ix, t) -> { st[i] = System.nanoTime(); int x = q.runOn(ix); en[i] = System.nanoTime(); return x; }), Priority.HIGH)
          .outcome().whenComplete((o, f) -> { cb[i] = System.nanoTime(); done.run(); });
      else s = (i, q, done) -> r.submitWithTimeout(IO.compute(SourceIndex.class, (ix, t) -> { st[i] = System.nanoTime(); int x = q.runOn(ix); en[i] = System.nanoTime(); return x; }).named("query." + q.kind().name().toLowerCase()), budget, Priority.HIGH)
          .outcome().whenComplete((o, f) -> { cb[i] = System.nanoTime(); done.run(); });
    }
    var gen = Executors.newSingleThreadScheduledExecutor();
    var random = new SplittableRandom(42 + round);
    var latch = new CountDownLatch(N);
    int[] next = {0};
    // warm 200 unrecorded, then N recorded
    var f = gen.scheduleAtFixedRate(() -> {
      int i = next[0]++;
      if (i >= N) return;
      InteractiveQuery q = InteractiveQuery.random(random);
      sub[i] = System.nanoTime();
      s.submit(i, q, latch::countDown);
      ret[i] = System.nanoTime() - sub[i];
    }, 0, 10, TimeUnit.MILLISECONDS);
    latch.await();
    f.cancel(false); gen.shutdown();
    long[] start = new long[N], body = new long[N], after = new long[N], tot = new long[N];
    for (int i = 0; i < N; i++) { start[i] = st[i] - sub[i]; body[i] = en[i] - st[i]; after[i] = cb[i] - en[i]; tot[i] = cb[i] - sub[i]; }
    System.out.printf("%-11s r%d  start p50 %6.1f p99 %7.1f | body p50 %6.1f p99 %7.1f | after p50 %6.1f p99 %7.1f | total p50 %6.1f p99 %7.1f | call p50 %6.1f us%n",
        v, round, p(start, .5), p(start, .99), p(body, .5), p(body, .99), p(after, .5), p(after, .99), p(tot, .5), p(tot, .99), p(ret, .5));
    if (pool != null) pool.shutdown();
    if (rt != null) rt.close();
    if (beat != null) { beat.shutdownNow(); beat = null; }
    if (bare != null) { bare.shutdown(); bare = null; }
    if (meters != null) meters.close();
  }
  static double p(long[] x, double q) { long[] c = x.clone(); Arrays.sort(c); return c[(int) Math.min(c.length - 1, q * c.length)] / 1000.0; }
}
