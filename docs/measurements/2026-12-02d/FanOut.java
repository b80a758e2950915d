import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import land.echo.*;
import land.echo.scheduler.*;

/** A stranger's checks of the blocking fan-out, from the README alone. */
public class FanOut {
  static final Effects<String> APP = Effects.failingWith(String.class);

  public static void main(String[] args) throws Exception {
    try (ApplicationRuntime runtime = ApplicationRuntime.builder()
        .scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(2).build())).build()) {
      // 1. race: one quick, 999 that would sleep a minute
      AtomicInteger interrupted = new AtomicInteger();
      List<ActionEffect<String, String>> racers = new ArrayList<>();
      racers.add(APP.blocking(t -> { Thread.sleep(20); return "quick"; }));
      for (int i = 0; i < 999; i++) {
        racers.add(APP.blocking(t -> { try { Thread.sleep(60_000); } catch (InterruptedException e) { interrupted.incrementAndGet(); throw e; } return "slow"; }));
      }
      long t0 = System.nanoTime();
      Outcome<String, String> r = runtime.run(APP.race(racers));
      System.out.printf("race: %s in %d ms%n", r, (System.nanoTime() - t0) / 1_000_000);
      waitFor(() -> interrupted.get() == 999, "racers interrupted");
      System.out.println("race losers interrupted: " + interrupted.get() + ", in flight: " + runtime.inFlight().size());

      // 2. timeout around a fan-out of sleepers
      interrupted.set(0);
      List<ActionEffect<String, Integer>> sleepers = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        sleepers.add(APP.blocking(t -> { try { Thread.sleep(60_000); } catch (InterruptedException e) { interrupted.incrementAndGet(); throw e; } return 1; }));
      }
      t0 = System.nanoTime();
      Outcome<String, List<Integer>> timed = runtime.run(APP.all(sleepers).timeout(Duration.ofMillis(100)));
      System.out.printf("timeout: %s in %d ms%n", timed, (System.nanoTime() - t0) / 1_000_000);
      waitFor(() -> interrupted.get() == 2_000, "sleepers interrupted");
      System.out.println("sleepers interrupted: " + interrupted.get());

      // 3. firstSuccess where all but the last fail
      List<ActionEffect<String, Integer>> tries = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        int n = i;
        tries.add(APP.blocking(t -> { if (n < 99) throw new java.io.IOException("no " + n); return n; }));
      }
      System.out.println("firstSuccess: " + runtime.run(APP.firstSuccess(tries)));

      // 4. a fan-out inside a blocking body, which runs a nested fan-out with run()
      Outcome<String, Integer> nested = runtime.run(APP.blocking(t -> {
        List<ActionEffect<String, Integer>> inner = new ArrayList<>();
        for (int i = 0; i < 100; i++) { inner.add(APP.blocking(u -> 1)); }
        return runtime.run(APP.all(inner)).getOrThrow().size();
      }));
      System.out.println("nested run from a blocking body: " + nested);

      // 5. HIGH compute latency while LOW fans out 100,000 blocking calls, repeatedly
      AtomicBoolean stop = new AtomicBoolean();
      Thread background = Thread.ofPlatform().start(() -> {
        while (!stop.get()) {
          List<ActionEffect<String, Integer>> many = new ArrayList<>();
          for (int i = 0; i < 100_000; i++) { many.add(APP.blocking(t -> { Thread.sleep(1); return 1; })); }
          runtime.run(APP.all(many), Priority.LOW);
        }
      });
      Thread.sleep(500);
      long[] lat = new long[300];
      for (int i = 0; i < lat.length; i++) {
        long s = System.nanoTime();
        runtime.run(APP.compute(t -> 1), Priority.HIGH);
        lat[i] = System.nanoTime() - s;
        Thread.sleep(5);
      }
      stop.set(true);
      background.join();
      Arrays.sort(lat);
      System.out.printf("HIGH run(compute) during LOW 100k fan-outs: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", lat[150] / 1e6, lat[297] / 1e6, lat[299] / 1e6);
      System.out.println("stats: " + runtime.stats());
    }
  }

  static void waitFor(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > end) { System.out.println("NOT within 10 s: " + what); return; }
      Thread.sleep(10);
    }
  }
}
