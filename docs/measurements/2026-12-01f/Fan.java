import land.echo.Priority;
import land.echo.scheduler.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
public class Fan {
  public static void main(String[] a) throws Exception {
    EchoScheduler s = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    LongAdder ran = new LongAdder();
    int n = 1_000_000;
    CountDownLatch done = new CountDownLatch(1);
    s.execute(() -> {
      Runnable[] batch = new Runnable[100_000];
      for (int i = 0; i < batch.length; i++) batch[i] = ran::increment;
      int acc = s.executeAll(batch, 0, batch.length, Priority.LOW);
      for (int i = 0; i < n; i++) s.execute(ran::increment, Priority.values()[i % 3]);
      System.out.println("accepted by executeAll: " + acc);
      done.countDown();
    }, Priority.NORMAL);
    done.await();
    s.shutdown();
    System.out.println("terminated " + s.awaitTermination(60, TimeUnit.SECONDS) + " ran " + ran.sum() + " of " + (n + 100_000));
  }
}
