// The floor of a gate built on Resilience4j's breaker, against Resilience4j called directly
// (docs/resilience.md, "The anchor run inside Echo"). Each variant in its own JVM, so that no call
// site sees more than one gate class:
//
//   J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
//   mkdir -p /tmp/h && $J/javac -cp echo-bench/target/echo-bench.jar -d /tmp/h docs/measurements/2026-12-01b/GateFloor.java
//   for v in bare passGate tokenGate nanoGate r4jGate breaker ratelimit r4j; do
//     $J/java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp echo-bench/target/echo-bench.jar:/tmp/h GateFloor 30 $v
//   done
//
// Per call, median of the last half of ROUNDS rounds of 300 runs of a chain of 1,000 calls.
import java.time.Duration;
import java.util.*;
import java.util.function.Supplier;
import land.echo.*;
import land.echo.spi.Gate;
import land.echo.resilience.*;
import land.echo.scheduler.*;
import io.github.resilience4j.decorators.Decorators;

public class GateFloor {
  static final Effects<Void> E = Effects.failingWith(Void.class);
  static ActionEffect<Void,Integer> chain(ActionEffect<Void,Integer> one) {
    ActionEffect<Void,Integer> c = one;
    for (int i = 1; i < 1000; i++) c = c.flatMap(x -> one);
    return c;
  }
  static volatile long sink;
  static final Object TOKEN = new Object();
  public static void main(String[] a) {
    Integer v = 42;
    Supplier<Integer> sup = () -> v;
    ApplicationRuntime rt = ApplicationRuntime.create(Environment.empty(), EchoScheduler.create(SchedulerConfig.builder().workers(2).build()));
    ActionEffect<Void,Integer> call = E.compute(t -> sup.get());
    Gate pass = new Gate() { public Object enter(Gate.Run r) { return Gate.PASS; } public void exit(Object t, Outcome<?,?> o) {} };
    Gate tok = new Gate() { public Object enter(Gate.Run r) { return TOKEN; } public void exit(Object t, Outcome<?,?> o) {} };
    Gate clk = new Gate() { public Object enter(Gate.Run r) { return r.clock().nanoTime(); } public void exit(Object t, Outcome<?,?> o) { long x = (Long) t; } };
    io.github.resilience4j.circuitbreaker.CircuitBreaker eng = io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("g");
    Gate nano = new Gate() { public Object enter(Gate.Run r) { return System.nanoTime(); } public void exit(Object t, Outcome<?,?> o) { sink = System.nanoTime() - (Long) t; } };
    Gate r4jg = new Gate() { public Object enter(Gate.Run r) { if (!eng.tryAcquirePermission()) throw new IllegalStateException(); return System.nanoTime(); } public void exit(Object t, Outcome<?,?> o) { eng.onSuccess(System.nanoTime() - (Long) t, java.util.concurrent.TimeUnit.NANOSECONDS); } };
    Map<String, ActionEffect<Void,Integer>> m = new LinkedHashMap<>();
    m.put("bare", chain(call));
    m.put("passGate", chain(call.gatedBy(pass)));
    m.put("tokenGate", chain(call.gatedBy(tok)));
    m.put("clockGate", chain(call.gatedBy(clk)));
    m.put("nanoGate", chain(call.gatedBy(nano)));
    m.put("r4jGate", chain(call.gatedBy(r4jg)));
    m.put("breaker", chain(call.via(CircuitBreaker.ofDefaults("b").policy())));
    m.put("ratelimit", chain(call.via(RateLimit.of("r", 1_000_000_000L, Duration.ofSeconds(1)).policy())));
    Supplier<Integer> r4jb = Decorators.ofSupplier(sup).withCircuitBreaker(io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("b")).decorate();
    io.github.resilience4j.circuitbreaker.CircuitBreaker raw = io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("raw");
    int rounds = Integer.parseInt(a[0]);
    m.keySet().retainAll(Set.of(a[1]));
    Map<String, List<Double>> res = new LinkedHashMap<>();
    for (int r = 0; r < rounds; r++) {
      for (var en : m.entrySet()) {
        long t0 = System.nanoTime();
        for (int i = 0; i < 300; i++) rt.run(en.getValue()).getOrThrow();
        res.computeIfAbsent(en.getKey(), k -> new ArrayList<>()).add((System.nanoTime() - t0) / 300_000.0);
      }
      if (!a[1].equals("r4j")) continue;
      long t0 = System.nanoTime(); long s = 0;
      for (int i = 0; i < 300_000; i++) s += r4jb.get();
      res.computeIfAbsent("r4jDecorated", k -> new ArrayList<>()).add((System.nanoTime() - t0) / 300_000.0);
      t0 = System.nanoTime();
      for (int i = 0; i < 300_000; i++) { raw.tryAcquirePermission(); long st = System.nanoTime(); s += sup.get(); raw.onSuccess(System.nanoTime()-st, java.util.concurrent.TimeUnit.NANOSECONDS);}
      res.computeIfAbsent("r4jRaw", k -> new ArrayList<>()).add((System.nanoTime() - t0) / 300_000.0);
      t0 = System.nanoTime();
      for (int i = 0; i < 300_000; i++) { s += System.nanoTime(); }
      res.computeIfAbsent("nanoTime", k -> new ArrayList<>()).add((System.nanoTime() - t0) / 300_000.0);
      if (s == 7) System.out.println();
    }
    for (var en : res.entrySet()) {
      List<Double> l = en.getValue().subList(rounds/2, rounds); List<Double> c = new ArrayList<>(l); Collections.sort(c);
      System.out.printf("%-14s median %.1f ns%n", en.getKey(), c.get(c.size()/2));
    }
    rt.close();
  }
}
