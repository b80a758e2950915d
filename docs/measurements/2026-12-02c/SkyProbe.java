import java.util.*;
import java.util.concurrent.*;
import land.echo.*;
import land.echo.scheduler.*;

public class SkyProbe {
  static Object mx(Class<?> q) { try { var f = q.getField("MAX"); f.setAccessible(true); return f.get(null); } catch (Exception e) { throw new RuntimeException(e); } }
  static final Effects<Void> EFFECTS = Effects.failingWith(Void.class);
  static ActionEffect<Void, Long> node(long num, int size) {
    if (size == 1) return ActionEffect.compute(token -> num);
    int child = size / 10;
    return ActionEffect.suspend(() -> {
      List<ActionEffect<Void, Long>> children = new ArrayList<>(10);
      for (int i = 0; i < 10; i++) children.add(node(num + (long) i * child, child));
      return EFFECTS.all(children).map(values -> { long s = 0; for (long v : values) s += v; return s; });
    });
  }
  @SuppressWarnings({"unchecked","rawtypes"})
  static CompletableFuture<Long> cf(ForkJoinPool pool, long num, int size) {
    if (size == 1) return CompletableFuture.supplyAsync(() -> num, pool);
    int child = size / 10;
    return CompletableFuture.supplyAsync(() -> {
      CompletableFuture<Long>[] c = new CompletableFuture[10];
      for (int i = 0; i < 10; i++) c[i] = cf(pool, num + (long) i * child, child);
      return c; }, pool).thenCompose(c -> CompletableFuture.allOf(c).thenApply(x -> { long s=0; for (var f : c) s += f.join(); return s; }));
  }
  public static void main(String[] a) throws Exception {
    int workers = Integer.parseInt(a[0]); String kind = a[1]; int rounds = Integer.parseInt(a[2]);
    EchoScheduler sch = EchoScheduler.create(SchedulerConfig.builder().workers(workers).build());
    ApplicationRuntime rt = ApplicationRuntime.create(Environment.empty(), sch);
    ForkJoinPool pool = new ForkJoinPool(workers);
    long[] t = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      long s = System.nanoTime();
      long sum = kind.equals("echo") ? rt.run(node(0, 1_000_000)).getOrThrow() : cf(pool, 0, 1_000_000).join();
      t[r] = System.nanoTime() - s;
      if (sum != 499999500000L) throw new AssertionError(sum);
    }
    long[] m = Arrays.copyOfRange(t, rounds/2, rounds); Arrays.sort(m);
    System.out.printf("%s workers=%d lifo=%s median(second half)=%.1f ms  min=%.1f%n", kind, workers, System.getProperty("echo.lifo"), m[m.length/2]/1e6, m[0]/1e6);
    rt.close(); pool.shutdown(); try { Class<?> q = Class.forName("land.echo.scheduler.SpmcLocalQueue"); var f = q.getField("SPILLS"); f.setAccessible(true); System.out.println("spills=" + f.get(null) + " max=" + mx(q)); } catch (Exception e) { throw new RuntimeException(e); } System.exit(0);
  }
}
