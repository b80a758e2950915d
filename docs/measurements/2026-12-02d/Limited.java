import java.time.Duration;
import java.util.*;
import java.util.concurrent.atomic.*;
import land.echo.*;
import land.echo.scheduler.*;

public class Limited {
  static final Effects<String> APP = Effects.failingWith(String.class);
  public static void main(String[] a) throws Exception {
    try (ApplicationRuntime rt = ApplicationRuntime.builder()
        .scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(2).blockingLimit(4).build())).build()) {
      AtomicInteger ran = new AtomicInteger();
      List<ActionEffect<String, Integer>> calls = new ArrayList<>();
      for (int i = 0; i < 200_000; i++) calls.add(APP.blocking(t -> { ran.incrementAndGet(); Thread.sleep(1); return 1; }));
      EffectHandle<String, List<Integer>> h = rt.submit(APP.all(calls), Priority.LOW);
      Thread.sleep(200);
      h.cancel("enough");
      long t0 = System.nanoTime();
      System.out.println("outcome: " + h.outcome().join() + " after cancel in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      int at = ran.get();
      Thread.sleep(500);
      System.out.println("bodies run: " + at + ", after 500 ms more: " + ran.get() + ", in flight: " + rt.inFlight().size());
      System.out.println("HIGH after: " + rt.run(APP.blocking(t -> "ok"), Priority.HIGH));
      System.out.println("scheduler: " + rt.stats());
    }
    System.out.println("closed");
  }
}
