import land.echo.*;
import land.echo.scheduler.*;
import land.echo.observability.micrometer.EchoMeters;
import io.micrometer.prometheusmetrics.*;
import java.util.Arrays;
public class Obs {
  public static void main(String[] a) throws Exception {
    String mode = a[0];
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(2).spinBeforePark(java.time.Duration.ofNanos(Long.getLong("spin", 50000))).build());
    var b = ApplicationRuntime.builder().environment(Environment.empty()).scheduler(scheduler);
    if (mode.equals("metrics")) b.listener(EchoMeters.builder(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).scheduler(scheduler).build());
    if (mode.equals("nop")) b.listener(new land.echo.spi.RuntimeListener() {});
    var rt = b.build();
    Integer v = 42;
    ActionEffect<Void,Integer> e = Effects.failingWith(Void.class).compute(t -> v).named("bench");
    int n = 200000;
    long[] t = new long[n];
    for (int r = 0; r < 3; r++) {
      for (int i = 0; i < n; i++) {
        long s = System.nanoTime();
        (Boolean.getBoolean("to") ? rt.runWithTimeout(e, java.time.Duration.ofMillis(250), Priority.HIGH) : rt.run(e)).getOrThrow();
        t[i] = System.nanoTime() - s;
      }
      long[] c = t.clone(); Arrays.sort(c);
      System.out.printf("%s round %d: p50 %d p90 %d p99 %d mean %d ns%n", mode, r, c[n/2], c[n*9/10], c[n*99/100], Arrays.stream(t).sum()/n);
    }
    rt.close();
  }
}
