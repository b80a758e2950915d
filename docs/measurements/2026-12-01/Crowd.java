import land.echo.*;
import land.echo.scheduler.*;
import java.time.Duration;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
public class Crowd {
  static volatile long sink;
  public static void main(String[] a) throws Exception {
    long spin = Long.parseLong(a[0]); int callers = Integer.parseInt(a[1]); int workMicros = Integer.parseInt(a[2]);
    EchoScheduler s = EchoScheduler.create(SchedulerConfig.builder().workers(2).spinBeforePark(Duration.ofNanos(spin)).build());
    var rt = ApplicationRuntime.builder().scheduler(s).build();
    Effects<Void> E = Effects.failingWith(Void.class);
    ActionEffect<Void, Long> eff = E.compute(t -> { long end = System.nanoTime() + workMicros * 1000L; long x = 0; while (System.nanoTime() < end) x++; return x; });
    AtomicLong done = new AtomicLong(); AtomicBoolean stop = new AtomicBoolean();
    Thread[] ts = new Thread[callers];
    for (int i = 0; i < callers; i++) { ts[i] = new Thread(() -> { while (!stop.get()) { sink = rt.run(eff).getOrThrow(); done.incrementAndGet(); } }); ts[i].start(); }
    Thread.sleep(1000); long d0 = done.get(); long c0 = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    Thread.sleep(3000); long d1 = done.get(); long c1 = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    stop.set(true); for (Thread t : ts) t.join();
    System.out.printf("spin=%d callers=%d work=%dus: %.0f runs/s, cpu %.2f cores%n", spin, callers, workMicros, (d1 - d0) / 3.0, (c1 - c0) / 3e9);
    rt.close();
  }
}
