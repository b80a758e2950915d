import land.echo.*;
import land.echo.scheduler.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/** Written from the README alone: Effects, run/submit, all, priorities, executor(priority), shutdown. */
public class Stranger2 {
  static final Effects<String> APP = Effects.failingWith(String.class);

  public static void main(String[] a) throws Exception {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(scheduler).build();

    // 1. A LOW flood from outside: 200,000 submits from 4 threads, each a small compute.
    List<EffectHandle<String, Integer>> low = Collections.synchronizedList(new ArrayList<>());
    List<Thread> floods = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      floods.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 50_000; i++) {
          int n = i;
          low.add(runtime.submit(APP.compute(token -> n % 7), Priority.LOW));
        }
      }));
    }
    // 2. Meanwhile HIGH runs from the main thread: each must come back while LOW is queued.
    long worstHigh = 0;
    long[] lat = new long[200];
    for (int i = 0; i < 200; i++) {
      long t0 = System.nanoTime();
      Outcome<String, Integer> o = runtime.run(APP.compute(token -> 1), Priority.HIGH);
      lat[i] = System.nanoTime() - t0;
      if (lat[i] > worstHigh) { worstHigh = lat[i]; System.out.println("  new worst at HIGH call " + i + ": " + lat[i] / 1_000_000 + " ms"); }
      if (!(o instanceof Outcome.Success<String, Integer>)) throw new AssertionError("HIGH " + o);
    }
    for (Thread t : floods) t.join();
    Arrays.sort(lat);
    System.out.printf("1-2. HIGH run() under a 200,000-task LOW flood: p50 %.2f ms p90 %.2f ms p99 %.1f ms worst %.1f ms; LOW queued now %d%n",
        lat[100] / 1e6, lat[180] / 1e6, lat[198] / 1e6, worstHigh / 1e6, scheduler.stats().queued(Priority.LOW));

    // 3. A wide fork from outside: all() of 100,000 computes, nested two deep.
    List<ActionEffect<String, Integer>> groups = new ArrayList<>();
    for (int g = 0; g < 100; g++) {
      List<ActionEffect<String, Integer>> leaves = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) leaves.add(APP.compute(token -> 1));
      groups.add(APP.all(leaves).map(l -> l.size()));
    }
    Outcome<String, Integer> wide = runtime.run(APP.all(groups).map(l -> l.stream().mapToInt(Integer::intValue).sum()));
    System.out.println("3. all() of 100 x 1,000 computes: " + wide);

    // 4. CompletableFuture through executor(priority) from 8 threads.
    List<CompletableFuture<Integer>> cfs = Collections.synchronizedList(new ArrayList<>());
    List<Thread> cfThreads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      cfThreads.add(Thread.ofVirtual().start(() -> {
        for (int i = 0; i < 10_000; i++) cfs.add(CompletableFuture.supplyAsync(() -> 2, scheduler.executor(Priority.NORMAL)));
      }));
    }
    for (Thread t : cfThreads) t.join();
    int cfSum = 0;
    for (CompletableFuture<Integer> cf : cfs) cfSum += cf.join();
    System.out.println("4. 80,000 supplyAsync on executor(NORMAL) from 8 virtual threads: sum " + cfSum);

    // 5. Hostile input to executeAll: a bad range and a null task.
    Runnable[] batch = {() -> {}, null};
    try { scheduler.executeAll(batch, 1, 0, Priority.LOW); System.out.println("5a. NOT refused"); }
    catch (IndexOutOfBoundsException e) { System.out.println("5a. bad range: " + e.getMessage()); }
    try { scheduler.executeAll(batch, 0, 2, Priority.LOW); System.out.println("5b. NOT refused"); }
    catch (NullPointerException e) { System.out.println("5b. null task: " + e.getMessage()); }

    // 6. Every LOW handle of the flood completes, then a shutdown with another burst in flight.
    long ok = 0;
    for (EffectHandle<String, Integer> h : low) if (h.join() instanceof Outcome.Success<String, Integer>) ok++;
    System.out.println("6. LOW flood: " + ok + " of " + low.size() + " succeeded");
    List<EffectHandle<String, Integer>> late = Collections.synchronizedList(new ArrayList<>());
    Thread burst = Thread.ofPlatform().start(() -> {
      for (int i = 0; i < 100_000; i++) late.add(runtime.submit(APP.compute(token -> 3), Priority.LOW));
    });
    Thread.sleep(20);
    ShutdownReport report = runtime.shutdown(Duration.ofSeconds(20));
    burst.join();
    Map<String, Integer> kinds = new TreeMap<>();
    for (EffectHandle<String, Integer> h : late) {
      Outcome<String, Integer> o = h.outcome().get(30, TimeUnit.SECONDS);
      String k = o instanceof Outcome.Faulted<String, Integer> f ? f.fault().getClass().getSimpleName() : o.getClass().getSimpleName();
      kinds.merge(k, 1, Integer::sum);
    }
    System.out.println("7. shutdown during a 100,000-submit burst: " + kinds + "; scheduler terminated " + scheduler.isTerminated());
  }
}
