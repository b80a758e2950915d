import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.*;
import land.echo.spi.ContextPropagator;
import land.echo.spi.EffectInfo;

/** A stranger's checks of the 136-byte root: context in deep forks, names, deadlines, retries. */
public class Shrunk {
  static final ThreadLocal<String> REQUEST = new ThreadLocal<>();

  static final ContextPropagator PROPAGATOR = () -> {
    String captured = REQUEST.get();
    return () -> {
      String before = REQUEST.get();
      REQUEST.set(captured);
      return () -> REQUEST.set(before);
    };
  };

  static ActionEffect<String, Integer> tower(int depth, AtomicInteger wrong) {
    ActionEffect<String, Integer> here = ActionEffect.compute(token -> {
      if (!"req-7".equals(REQUEST.get())) wrong.incrementAndGet();
      return 1;
    });
    if (depth == 0) {
      return ActionEffect.<String, Integer>blocking(token -> {
        if (!"req-7".equals(REQUEST.get())) wrong.incrementAndGet();
        return 1;
      });
    }
    return ActionEffect.all(List.of(here, ActionEffect.suspend(() -> tower(depth - 1, wrong))))
        .map(l -> l.get(0) + l.get(1));
  }

  public static void main(String[] args) throws Exception {
    try (ApplicationRuntime runtime = ApplicationRuntime.builder().contextPropagator(PROPAGATOR).build()) {
      // 1. A fork 3,000 deep: every level, and the blocking leaf, sees the submitter's context.
      AtomicInteger wrong = new AtomicInteger();
      REQUEST.set("req-7");
      Outcome<String, Integer> deep = runtime.run(tower(3000, wrong));
      REQUEST.remove();
      System.out.println("deep fork: " + deep + ", wrong contexts " + wrong.get() + ", thread's own after: " + REQUEST.get());

      // 2. A named root with a timeout and no options: the name shows in inFlight, the deadline fires.
      CountDownLatch entered = new CountDownLatch(1);
      EffectHandle<String, Object> slow = runtime.submitWithTimeout(ActionEffect.<String, Object>blocking(token -> {
        entered.countDown();
        Thread.sleep(60_000);
        return "never";
      }).named("slow-report"), Duration.ofMillis(300), Priority.NORMAL);
      entered.await();
      System.out.println("in flight: " + runtime.inFlight().stream().map(EffectInfo::name).toList());
      System.out.println("named with deadline: " + slow.outcome().join());

      // 3. A retried root: attempts counted, outcome the last.
      AtomicInteger attempts = new AtomicInteger();
      Outcome<String, Integer> retried = runtime.runWithRetry(ActionEffect.<String, Integer>compute(token -> {
        if (attempts.incrementAndGet() < 3) throw new IllegalStateException("flaky");
        return 3;
      }), RetryPolicy.of(5, Duration.ofMillis(1)));
      System.out.println("retried: " + retried + " after " + attempts.get() + " attempts");

      // 4. 200,000 children in one fork: every value at its index.
      List<ActionEffect<String, Integer>> many = new ArrayList<>();
      for (int i = 0; i < 200_000; i++) {
        int n = i;
        many.add(ActionEffect.compute(token -> n));
      }
      List<Integer> values = runtime.run(ActionEffect.all(many)).getOrThrow();
      boolean ordered = true;
      for (int i = 0; i < values.size(); i++) ordered &= values.get(i) == i;
      System.out.println("200k children: " + values.size() + " values, in order: " + ordered);

      // 5. An oversized fork is refused when built.
      try {
        ActionEffect.race(java.util.Collections.nCopies(40_000_000, ActionEffect.<String, Integer>succeed(1)));
        System.out.println("oversized race: accepted?!");
      } catch (IllegalArgumentException e) {
        System.out.println("oversized race: " + e.getMessage());
      }

      // 6. Cancelling a root from a cancellation action that runs in the root's context.
      REQUEST.set("req-7");
      AtomicInteger seen = new AtomicInteger();
      EffectHandle<String, Object> parked = runtime.submit(ActionEffect.<String, Object>blocking(token -> {
        token.onCancel(() -> { if ("req-7".equals(REQUEST.get())) seen.incrementAndGet(); });
        Thread.sleep(60_000);
        return null;
      }));
      REQUEST.remove();
      Thread.sleep(100);
      parked.cancel("enough");
      System.out.println("cancelled: " + parked.outcome().join() + ", cancel action saw the context: " + (seen.get() == 1));
      System.out.println("stats: " + runtime.stats());
    }
  }
}
