package land.echo.testing;

import java.util.Queue;
import java.util.concurrent.CountDownLatch;

/** Helpers for tests that run work on threads of their own. Not instantiable. */
public final class TestThreads {
  private TestThreads() {}

  /** Fails with the first exception a background thread collected in {@code failures}, the others suppressed. */
  public static void failIfAny(Queue<Throwable> failures) {
    Throwable first = failures.peek();
    if (first != null) {
      AssertionError error = new AssertionError("a background thread failed (" + failures.size() + " failures)", first);
      failures.stream().skip(1).forEach(error::addSuppressed);
      throw error;
    }
  }

  /** Waits for {@code latch} ignoring interrupts (a body that will not be cancelled), then restores them. */
  public static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Returns the seed of a randomized test: {@code -Decho.stress.seed=<n>} if given, else {@code
   * System.nanoTime()}; prints it with the flag that replays it.
   *
   * @param test the test's name, for the printed line
   */
  public static long stressSeed(String test) {
    String property = System.getProperty("echo.stress.seed");
    long seed = property != null && !property.isBlank() ? Long.parseLong(property.trim()) : System.nanoTime();
    System.out.println(test + " seed=" + seed + " (replay: -Decho.stress.seed=" + seed + ")");
    return seed;
  }

  /** An action that may throw. */
  public interface ThrowingAction {
    /**
     * Runs the action.
     *
     * @throws Exception whatever the action throws
     */
    void run() throws Exception;
  }

  /**
   * Returns what was written to {@code System.err} while {@code action} ran (slf4j-simple writes to
   * whatever {@code System.err} is at each call, so this captures the runtime's log lines).
   */
  public static String stderrOf(ThrowingAction action) throws Exception {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Returns {@code future}'s value, waiting at most {@code bound}: something a test expects at once
   * that has not happened by then fails the test by assertion naming {@code what}, instead of
   * hanging it (and, under PIT, instead of a timeout).
   */
  public static <T> T within(java.util.concurrent.Future<T> future, java.time.Duration bound, String what) {
    try {
      return future.get(bound.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(what + " did not happen within " + bound, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError(what + " failed", e.getCause());
    }
  }

  /** Waits at most {@code bound} for {@code latch}, failing the test by assertion naming {@code what} after that. */
  public static void awaitWithin(CountDownLatch latch, java.time.Duration bound, String what) throws InterruptedException {
    if (!latch.await(bound.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
      throw new AssertionError(what + " did not happen within " + bound);
    }
  }
}
