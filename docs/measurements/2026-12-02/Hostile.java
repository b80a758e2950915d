import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.*;

/** Hostile use of the smaller root: timeouts racing completion and cancel, runs from inside effects, names deep in wrappers. */
public class Hostile {
  public static void main(String[] args) throws Exception {
    try (ApplicationRuntime runtime = ApplicationRuntime.create()) {
      // 1. 20,000 roots with deadlines that expire around when they finish, cancelled at random meanwhile.
      List<EffectHandle<String, Integer>> handles = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        int n = i;
        handles.add(runtime.submitWithTimeout(ActionEffect.<String, Integer>blocking(token -> {
          Thread.sleep(ThreadLocalRandom.current().nextInt(3));
          return n;
        }), Duration.ofMillis(5 + ThreadLocalRandom.current().nextInt(200)), Priority.NORMAL));
        if (i % 7 == 0) handles.get(ThreadLocalRandom.current().nextInt(handles.size())).cancel("random");
      }
      int ok = 0, timedOut = 0, cancelled = 0, other = 0;
      for (EffectHandle<String, Integer> h : handles) {
        Outcome<String, Integer> o = h.outcome().join();
        if (o instanceof Outcome.Success<?, ?>) ok++;
        else if (o instanceof Outcome.Faulted<?, ?> f && f.fault() instanceof Fault.TimedOut) timedOut++;
        else if (o instanceof Outcome.Faulted<?, ?> f && f.fault() instanceof Fault.Cancelled) cancelled++;
        else { other++; System.out.println("other: " + o); }
      }
      System.out.println("deadlines: ok " + ok + ", timed out " + timedOut + ", cancelled " + cancelled + ", other " + other);

      // 2. run() from inside effects, nested 50 deep, each level named and retried.
      AtomicInteger depth = new AtomicInteger();
      Outcome<String, Integer> nested = runtime.run(nest(runtime, 50, depth));
      System.out.println("nested runs: " + nested + ", deepest " + depth.get());

      // 3. A name under 15 wrappers (found) and under 17 (not): named(..) is looked through 16 hops.
      ActionEffect<String, Integer> e15 = ActionEffect.<String, Integer>succeed(1).named("deep15");
      ActionEffect<String, Integer> e17 = ActionEffect.<String, Integer>succeed(1).named("deep17");
      for (int i = 0; i < 14; i++) e15 = e15.map(x -> x);
      for (int i = 0; i < 17; i++) e17 = e17.map(x -> x);
      System.out.println("name under 15 maps: " + runtime.submit(e15.flatMap(x -> ActionEffect.<String>sleep(Duration.ofMillis(200)).map(v -> x))).toString());
      System.out.println("in flight: " + runtime.inFlight().stream().map(i -> i.name()).toList());
      EffectHandle<String, Integer> h17 = runtime.submit(e17.flatMap(x -> ActionEffect.<String>sleep(Duration.ofMillis(200)).map(v -> x)));
      System.out.println("in flight: " + runtime.inFlight().stream().map(i -> i.name()).toList());
      h17.outcome().join();
      Thread.sleep(300);
      System.out.println("stats: " + runtime.stats());
    }
  }

  static ActionEffect<String, Integer> nest(ApplicationRuntime runtime, int n, AtomicInteger depth) {
    if (n == 0) return ActionEffect.compute(token -> depth.get());
    return ActionEffect.<String, Integer>compute(token -> {
      depth.accumulateAndGet(51 - n, Math::max);
      return runtime.run(nest(runtime, n - 1, depth)).getOrThrow() + 1;
    }).retry(RetryPolicy.of(2, Duration.ofMillis(1))).named("level-" + n);
  }
}
