import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import land.echo.*;
import land.echo.scheduler.*;

public class Requeuer {
  public static void main(String[] a) throws Exception {
    Effects<String> fx = Effects.failingWith(String.class);
    EchoScheduler s = EchoScheduler.create(SchedulerConfig.builder().workers(1).build());
    try (ApplicationRuntime rt = ApplicationRuntime.create(Environment.empty(), s)) {
      // requeue from inside an effect body, of a task that submits another effect
      CompletableFuture<Outcome<String, Integer>> inner = new CompletableFuture<>();
      Outcome<String, String> o = rt.run(fx.compute(token -> {
        s.requeue(() -> rt.submit(fx.compute(t -> 41 + 1)).outcome().thenAccept(inner::complete), Priority.HIGH);
        return "outer";
      }));
      System.out.println("outer " + o + ", inner " + inner.get(5, TimeUnit.SECONDS));
      // requeue from a blocking body (a virtual thread, not a worker)
      Outcome<String, Boolean> b = rt.run(fx.blocking(token -> {
        CountDownLatch l = new CountDownLatch(1);
        s.requeue(l::countDown, Priority.LOW);
        return l.await(5, TimeUnit.SECONDS);
      }));
      System.out.println("requeue from a blocking body ran: " + b);
      // a task yielding by requeue 100,000 times while 1,000 effects are submitted from outside
      AtomicInteger yields = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(1);
      s.execute(new Runnable() { public void run() { if (yields.incrementAndGet() < 100_000) s.requeue(this, Priority.NORMAL); else done.countDown(); } });
      var handles = new java.util.ArrayList<EffectHandle<String, Integer>>();
      for (int i = 0; i < 1000; i++) { int n = i; handles.add(rt.submit(fx.compute(t -> n))); }
      long sum = 0; for (var h : handles) sum += h.join().getOrThrow();
      System.out.println("1,000 effects beside a requeueing loop: sum " + sum + " (expected 499500), loop at " + yields.get() + " when they were all done");
      System.out.println("loop finished: " + done.await(10, TimeUnit.SECONDS));
    }
    System.exit(0);
  }
}
