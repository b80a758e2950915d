import java.time.Duration;
import java.util.*;
import land.echo.*;

public class BeatStranger {
  static final Effects<Void> E = Effects.failingWith(Void.class);
  public static void main(String[] a) throws Exception {
    try (ApplicationRuntime rt = ApplicationRuntime.create()) {
      // 1. a burst of budgets, most finishing in time
      for (int i = 0; i < 1000; i++) {
        rt.submitWithTimeout(E.compute(t -> 1), Duration.ofMillis(250), Priority.HIGH);
      }
      System.out.println("timer threads busy: " + timerStates());
      Thread.sleep(1600);
      System.out.println("after 1.6 s quiet: " + timerStates());
      // 2. a budget that must fire after the quiet period
      long t0 = System.nanoTime();
      var o = rt.runWithTimeout(E.blocking(t -> { Thread.sleep(2000); return 1; }), Duration.ofMillis(100));
      System.out.printf("slow effect under 100 ms: %s after %.1f ms%n", o, (System.nanoTime() - t0) / 1e6);
      // 3. a budget shorter than the beat, while beating
      t0 = System.nanoTime();
      o = rt.runWithTimeout(E.blocking(t -> { Thread.sleep(2000); return 1; }), Duration.ofMillis(5));
      System.out.printf("slow effect under 5 ms: %s after %.1f ms%n", o, (System.nanoTime() - t0) / 1e6);
      // 4. a zero budget
      o = rt.runWithTimeout(E.compute(t -> 1), Duration.ZERO);
      System.out.println("zero budget: " + o);
    }
    System.out.println("after close: " + timerStates());
  }
  static Map<String, Thread.State> timerStates() {
    Map<String, Thread.State> m = new TreeMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().startsWith("echo-timer")) m.put(t.getName(), t.getState());
    return m;
  }
}
