import land.echo.*;
import land.echo.scheduler.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
public class IdleSpin {
  static final long[] SUB = new long[1000];
  interface Exec { void execute(Runnable r); }
  static long[] measure(Exec ex, int n) throws Exception {
    long[] lat = new long[n]; long[] sub = SUB;
    for (int i = 0; i < n; i++) {
      long until = System.nanoTime() + 1_500_000;
      for (long w = 1_500_000; w > 0; w = until - System.nanoTime()) LockSupport.parkNanos(w);
      CountDownLatch l = new CountDownLatch(1);
      int s = i; long t0 = System.nanoTime();
      ex.execute(() -> { lat[s] = System.nanoTime() - t0; l.countDown(); });
      sub[i] = System.nanoTime() - t0;
      l.await();
    }
    Arrays.sort(lat); Arrays.sort(sub); System.out.printf("   submit p50 %.1f us p90 %.1f%n", sub[500]/1e3, sub[900]/1e3); return lat;
  }
  public static void main(String[] a) throws Exception {
    EchoScheduler sched = EchoScheduler.create(SchedulerConfig.builder().workers(2).spinBeforePark(java.time.Duration.ofNanos(Long.getLong("spin", 50000))).build());
    EchoScheduler sched2 = EchoScheduler.create(SchedulerConfig.builder().workers(2).spinBeforePark(java.time.Duration.ofNanos(Long.getLong("spin", 50000))).build());
    ApplicationRuntime rt = ApplicationRuntime.create(Environment.empty(), sched2);
    EchoScheduler sched3 = EchoScheduler.create(SchedulerConfig.builder().workers(2).spinBeforePark(java.time.Duration.ofNanos(Long.getLong("spin", 50000))).build());
    var reg = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    var meters = land.echo.observability.micrometer.EchoMeters.builder(reg)
        .names(land.echo.observability.NameTags.declared(java.util.List.of("q"), 0)).scheduler(sched3).build();
    ApplicationRuntime rtm = ApplicationRuntime.builder().scheduler(sched3).listener(meters).build();
    ForkJoinPool fjp = new ForkJoinPool(2, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
    Map<String, Exec> kinds = new LinkedHashMap<>();
    if (System.getProperty("only") == null) kinds.put("echoSched", r -> sched.execute(r, Priority.HIGH));
    if (System.getProperty("only") == null) kinds.put("echoRuntime", r -> rt.submit(ActionEffect.<Void, Integer>compute(t -> { r.run(); return 1; }), Priority.HIGH));
    kinds.put("echoTimeout", r -> rt.submitWithTimeout(ActionEffect.<Void, Integer>compute(t -> { r.run(); return 1; }), java.time.Duration.ofMillis(250), Priority.HIGH));
    if (System.getProperty("only") == null) kinds.put("echoMeters", r -> rtm.submitWithTimeout(ActionEffect.<Void, Integer>compute(t -> { r.run(); return 1; }).named("q"), java.time.Duration.ofMillis(250), Priority.HIGH));
    kinds.put("fjp", fjp::execute);
    if (System.getProperty("only") == null) kinds.put("cfTimeout", r -> CompletableFuture.runAsync(r, fjp).orTimeout(250, TimeUnit.MILLISECONDS));
    int rounds = Integer.parseInt(a[0]);
    if (a.length > 1) {
      for (var e : kinds.entrySet()) {
        for (int i = 0; i < Integer.parseInt(a[1]); i++) {
          CountDownLatch l = new CountDownLatch(1);
          e.getValue().execute(l::countDown);
          l.await();
        }
      }
    }
    for (int round = 0; round < rounds; round++) {
      for (var e : kinds.entrySet()) {
        long[] lat = measure(e.getValue(), 1000);
        System.out.printf("%-12s p50 %6.1f us  p90 %6.1f  p99 %7.1f%n", e.getKey(), lat[500]/1e3, lat[900]/1e3, lat[990]/1e3);
      }
    }
    System.exit(0);
  }
}
