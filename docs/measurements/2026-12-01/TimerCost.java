import io.micrometer.core.instrument.*;
import io.micrometer.prometheusmetrics.*;
import java.util.concurrent.TimeUnit;
public class TimerCost {
  public static void main(String[] a) throws Exception {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Timer pct = Timer.builder("x").publishPercentiles(0.5,0.95,0.99).distributionStatisticBufferLength(1).register(r);
    Timer plain = Timer.builder("y").register(r);
    Counter c = Counter.builder("z").register(r);
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < 5_000_000; i++) pct.record(1000 + (i & 1023), TimeUnit.NANOSECONDS);
      long t1 = System.nanoTime();
      for (int i = 0; i < 5_000_000; i++) plain.record(1000 + (i & 1023), TimeUnit.NANOSECONDS);
      long t2 = System.nanoTime();
      for (int i = 0; i < 5_000_000; i++) c.increment();
      long t3 = System.nanoTime();
      System.out.printf("pct %.1f ns, plain %.1f ns, counter %.1f ns%n", (t1-t0)/5e6, (t2-t1)/5e6, (t3-t2)/5e6);
    }
  }
}
