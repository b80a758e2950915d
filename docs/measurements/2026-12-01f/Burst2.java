import land.echo.Priority;
import land.echo.scheduler.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
public class Burst2 {
  public static void main(String[] a) throws Exception {
    for (int round = 0; round < 6; round++) {
      EchoScheduler s = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
      CountDownLatch gate = new CountDownLatch(1);
      // occupy both workers so that the burst piles up in the global queues
      for (int i = 0; i < 2; i++) s.execute(() -> { try { gate.await(); } catch (InterruptedException e) {} }, Priority.HIGH);
      LongAdder ran = new LongAdder(); AtomicLong accepted = new AtomicLong(), rejected = new AtomicLong();
      int producers = 4, per = 500_000;
      boolean now = round % 2 == 1;
      List<Thread> ts = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        Priority pr = Priority.values()[p % 3];
        ts.add(Thread.ofPlatform().start(() -> {
          for (int i = 0; i < per; i++) {
            try { s.execute(ran::increment, pr); accepted.incrementAndGet(); } catch (RejectedExecutionException e) { rejected.incrementAndGet(); }
          }
        }));
      }
      Thread.sleep(150);
      long queued = s.stats().queuedTotal();
      gate.countDown();
      long unstarted = 0;
      if (now) { Thread.sleep(50); unstarted = s.shutdownNow().size(); }
      for (Thread t : ts) t.join();
      if (!now) s.shutdown();
      boolean term = s.awaitTermination(60, TimeUnit.SECONDS);
      long r = ran.sum();
      System.out.printf("round %d %s: queued at peak>=%d accepted %d rejected %d ran %d unstarted %d -> %s, terminated %s%n", round, now ? "shutdownNow" : "shutdown", queued,
          accepted.get(), rejected.get(), r - 0, unstarted, (r + unstarted == accepted.get() + 0) ? "every accepted task ran or was returned" : "MISMATCH " + (accepted.get() - r - unstarted), term);
    }
  }
}
