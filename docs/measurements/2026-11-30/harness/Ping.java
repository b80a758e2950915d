import land.echo.*;
import land.echo.scheduler.*;
import java.util.concurrent.*;
public class Ping {
  static final class Player implements Runnable {
    final EchoScheduler ex; final long hops; final CountDownLatch done; Player peer; long inbox;
    Player(EchoScheduler ex, long hops, CountDownLatch done) { this.ex = ex; this.hops = hops; this.done = done; }
    public void run() { long t = inbox + 1; if (t >= hops) { done.countDown(); return; } peer.inbox = t; ex.execute(peer, Priority.NORMAL); }
  }
  public static void main(String[] a) throws Exception {
    EchoScheduler s = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    var f = EchoScheduler.class.getDeclaredField("idle"); f.setAccessible(true);
    Object idle = f.get(s);
    var m = idle.getClass().getDeclaredMethod("wakeUps"); m.setAccessible(true);
    for (int r = 0; r < Integer.parseInt(a[0]); r++) {
      long w0 = (long) m.invoke(idle);
      CountDownLatch done = new CountDownLatch(1);
      Player p = new Player(s, 2_000_000, done), q = new Player(s, 2_000_000, done);
      p.peer = q; q.peer = p;
      long t0 = System.nanoTime();
      s.execute(p, Priority.NORMAL);
      done.await();
      System.out.printf("pingpong %d ms, wakeUps %d, steals %d%n", (System.nanoTime() - t0) / 1_000_000, (long) m.invoke(idle) - w0, s.stats().steals());
    }
    System.exit(0);
  }
}
