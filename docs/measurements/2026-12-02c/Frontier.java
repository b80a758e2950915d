import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import land.echo.*;
import land.echo.scheduler.*;

/** A stranger's checks of 17e6253 (rings of 2,048 tasks, a leaf child settling as it delivers). */
public class Frontier {
  static final Effects<String> FX = Effects.failingWith(String.class);

  static ActionEffect<String, Long> tree(long first, int leaves, int wide) {
    if (leaves == 1) return FX.compute(t -> first);
    int fanout = Math.min(wide, leaves); // (a first version recursed forever below a level of 40,000)
    int child = leaves / fanout;
    return FX.suspend(() -> {
      List<ActionEffect<String, Long>> cs = new ArrayList<>(fanout);
      for (int i = 0; i < fanout; i++) cs.add(tree(first + (long) i * child, child, fanout));
      return FX.all(cs).map(v -> v.stream().mapToLong(Long::longValue).sum());
    });
  }

  static ActionEffect<String, Integer> nested(int depth) {
    ActionEffect<String, Integer> e = FX.succeed(0);
    for (int i = 0; i < depth; i++) e = FX.all(List.of(e)).map(v -> v.get(0) + 1);
    return e;
  }

  public static void main(String[] a) throws Exception {
    EchoScheduler s = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    ApplicationRuntime rt = ApplicationRuntime.create(Environment.empty(), s);
    // 1. Wider than a ring: 40,000 children of one all(), each an all() of 5 leaves.
    long t0 = System.nanoTime();
    Outcome<String, Long> wide = rt.run(tree(0, 200_000, 40_000).map(x -> x));
    System.out.printf("wide (40,000 x 5): %s in %.0f ms, expected %d%n", wide, (System.nanoTime() - t0) / 1e6, 200_000L * 199_999 / 2);
    // 2. A failing leaf among 10,000 leaf children: Failed, and the runtime still settles.
    List<ActionEffect<String, Integer>> leaves = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) { int n = i; leaves.add(n == 4_321 ? FX.fail("leaf 4321") : FX.compute(t -> n)); }
    System.out.println("one failing leaf: " + rt.run(FX.all(leaves)));
    // 3. A timeout cancelling 100,000 sleeping leaves.
    List<ActionEffect<String, Void>> sleepers = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) sleepers.add(FX.sleep(Duration.ofSeconds(30)));
    t0 = System.nanoTime();
    System.out.printf("100,000 sleepers under a 200 ms timeout: %s after %.0f ms%n",
        rt.run(FX.all(sleepers).timeout(Duration.ofMillis(200))), (System.nanoTime() - t0) / 1e6);
    // 4. all() of one child, nested 20,000 deep (a first fork at every level).
    System.out.println("nested 20,000 deep: " + rt.run(nested(20_000)));
    // 5. HIGH latency while a LOW million-leaf tree runs.
    EffectHandle<String, Long> bg = rt.submit(tree(0, 1_000_000, 10), Priority.LOW);
    long[] lat = new long[200];
    for (int i = 0; i < lat.length && !bg.isDone(); i++) {
      long at = System.nanoTime();
      long started = rt.run(FX.compute(t -> System.nanoTime()), Priority.HIGH).getOrThrow();
      lat[i] = started - at;
      TimeUnit.MICROSECONDS.sleep(200);
    }
    java.util.Arrays.sort(lat);
    int n = 0; for (long l : lat) if (l > 0) n++;
    long[] got = java.util.Arrays.copyOfRange(lat, lat.length - n, lat.length);
    System.out.printf("HIGH under a LOW tree: %d samples, p50 %.1f us, max %.1f us; tree %s%n",
        n, got[n / 2] / 1e3, got[n - 1] / 1e3, bg.join());
    System.out.println("stats: " + rt.stats());
    long c0 = System.nanoTime();
    ShutdownReport report = rt.shutdown(Duration.ofSeconds(10));
    System.out.printf("shutdown: %s in %.0f ms%n", report, (System.nanoTime() - c0) / 1e6);
    System.exit(0);
  }
}
