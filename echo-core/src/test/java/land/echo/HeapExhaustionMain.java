package land.echo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;

/**
 * The child JVM of {@link HeapExhaustionTest}, run with a small heap: bodies that exhaust the heap
 * (a compute body on the only worker, a blocking body on a virtual thread) must still complete
 * their handles with {@code Faulted(Panic(OutOfMemoryError))}, run their finalizers, and leave the
 * runtime able to run the next effect. Prints one line per observation, prefixed {@code RESULT}.
 */
public final class HeapExhaustionMain {
  static final int ROUNDS = 3;
  private static final Duration BUDGET = Duration.ofSeconds(20);
  private static int callerOoms;

  private HeapExhaustionMain() {}

  public static void main(String[] args) {
    ApplicationRuntime runtime = ApplicationRuntime.create(
        Environment.empty(), EchoScheduler.create(SchedulerConfig.builder().workers(1).build()));
    for (int round = 1; round <= ROUNDS; round++) {
      AtomicBoolean computeFinalizer = new AtomicBoolean();
      Outcome<String, Integer> compute = await(runtime.submitWithTimeout(
          ActionEffect.<String, Integer>compute(token -> exhaustHeap()).ensuring(() -> computeFinalizer.set(true)),
          BUDGET, Priority.NORMAL));
      report(round, "compute", compute, computeFinalizer.get());
      report(round, "compute-after", await(runtime.submitWithTimeout(
          ActionEffect.<String, Integer>compute(token -> 41).map(x -> x + 1), BUDGET, Priority.NORMAL)), true);

      AtomicBoolean blockingFinalizer = new AtomicBoolean();
      Outcome<String, Integer> blocking = await(runtime.submitWithTimeout(
          ActionEffect.<String, Integer>blocking(token -> exhaustHeap()).ensuring(() -> blockingFinalizer.set(true)),
          BUDGET, Priority.NORMAL));
      report(round, "blocking", blocking, blockingFinalizer.get());
      report(round, "blocking-after", await(runtime.submitWithTimeout(
          ActionEffect.<String, Integer>blocking(token -> 41).flatMap(x -> ActionEffect.<String, Integer>compute(t -> x + 1)),
          BUDGET, Priority.NORMAL)), true);
    }
    System.out.println("INFO OutOfMemoryErrors that reached the waiting main thread: " + callerOoms);
    ShutdownReport report = runtime.shutdown(Duration.ofSeconds(5));
    System.out.println("RESULT shutdown stillUnwinding=" + report.stillUnwinding().size()
        + " failure=" + report.failure().isPresent());
    System.out.println("RESULT done");
    System.out.flush();
  }

  /**
   * Waits for {@code handle}. While a body exhausts the heap, any thread that allocates may get the
   * OutOfMemoryError, the waiting one included (CompletableFuture.get allocates its waiter): that is
   * the JVM's doing, not the runtime's, so the wait is retried; the handle itself must still complete.
   */
  private static <E, T> Outcome<E, T> await(EffectHandle<E, T> handle) {
    while (true) {
      try {
        return handle.outcome().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (OutOfMemoryError e) {
        callerOoms++;
      } catch (TimeoutException e) {
        throw new IllegalStateException("RESULT handle did not complete within 30 s: " + handle, e);
      } catch (InterruptedException | ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Allocates 1 MB arrays until the heap is exhausted; never returns normally. */
  private static Integer exhaustHeap() {
    List<long[]> hog = new ArrayList<>();
    while (true) {
      hog.add(new long[128 * 1024]);
    }
  }

  private static void report(int round, String what, Outcome<?, ?> outcome, boolean finalizerRan) {
    System.out.println("RESULT round=" + round + " " + what + " outcome=" + describe(outcome)
        + " finalizer=" + finalizerRan);
    System.out.flush();
  }

  private static String describe(Outcome<?, ?> outcome) {
    return switch (outcome) {
      case Outcome.Success<?, ?> s -> "Success(" + s.value() + ")";
      case Outcome.Failure<?, ?> f -> "Failure(" + f.error() + ")";
      case Outcome.Faulted<?, ?> f -> f.fault() instanceof Fault.Panic p
          ? "Faulted(Panic(" + p.cause().getClass().getSimpleName() + "))"
          : "Faulted(" + f.fault() + ")";
    };
  }
}
