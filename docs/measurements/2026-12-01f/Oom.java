import land.echo.Priority;
import land.echo.scheduler.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
public class Oom {
  public static void main(String[] a) throws Exception {
    EchoScheduler s = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    CountDownLatch gate = new CountDownLatch(1);
    for (int i = 0; i < 2; i++) s.execute(() -> { try { gate.await(); } catch (InterruptedException e) {} }, Priority.HIGH);
    LongAdder ran = new LongAdder(); long accepted = 0, oom = 0;
    Runnable task = ran::increment;
    List<byte[]> ballast = new ArrayList<>();
    try { while (true) ballast.add(new byte[1 << 20]); } catch (OutOfMemoryError e) { }
    // leave ~24 MB free
    for (int i = 0; i < 24 && !ballast.isEmpty(); i++) ballast.remove(ballast.size() - 1);
    for (int i = 0; i < 20_000_000; i++) {
      try { s.execute(task, Priority.LOW); accepted++; } catch (OutOfMemoryError e) { oom++; if (oom > 3) break; }
    }
    ballast.clear();
    System.out.println("accepted " + accepted + ", refused with OutOfMemoryError " + oom);
    gate.countDown();
    s.shutdown();
    System.out.println("terminated " + s.awaitTermination(60, TimeUnit.SECONDS) + ", ran " + ran.sum() + " of " + accepted + " accepted");
  }
}
