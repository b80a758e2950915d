package land.echo.testing;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.RunOptions;

/** Helpers for tests that run work on threads of their own. Not instantiable. */
public final class TestThreads {
  private TestThreads() {}

  /**
   * How long a test waits for something that, unbroken, happens at once (an effect with no real
   * delay, a cancellation's interrupt, a scheduler's termination after its last task): long enough
   * for a loaded CI machine, and short of the mutation tester's per-test timeout (its {@code
   * timeoutConstant}, 12 s), so that a hang fails the test by assertion instead of stalling it.
   */
  public static final Duration PROMPTLY = Duration.ofSeconds(5);

  /** Runs {@code effect} and waits at most {@link #PROMPTLY} for its outcome, failing the test by assertion after that. */
  public static <E, T> Outcome<E, T> runPromptly(ApplicationRuntime runtime, ActionEffect<E, T> effect) {
    return joinOrCancel(runtime.submit(effect));
  }

  /** {@link #runPromptly(ApplicationRuntime, ActionEffect)} at {@code priority}. */
  public static <E, T> Outcome<E, T> runPromptly(ApplicationRuntime runtime, ActionEffect<E, T> effect, Priority priority) {
    return joinOrCancel(runtime.submit(effect, priority));
  }

  /** {@link #runPromptly(ApplicationRuntime, ActionEffect)} as {@code options} say. */
  public static <E, T> Outcome<E, T> runPromptly(ApplicationRuntime runtime, ActionEffect<E, T> effect, RunOptions options) {
    return joinOrCancel(runtime.submit(effect, options));
  }

  private static <E, T> Outcome<E, T> joinOrCancel(EffectHandle<E, T> handle) {
    try {
      return joinPromptly(handle);
    } catch (AssertionError e) {
      handle.cancel("the test gave up waiting");
      throw e;
    }
  }

  /** Waits at most {@link #PROMPTLY} for {@code handle}'s outcome, failing the test by assertion after that. */
  public static <E, T> Outcome<E, T> joinPromptly(EffectHandle<E, T> handle) {
    return within(handle.outcome(), PROMPTLY, "the effect's completion");
  }

  /**
   * Waits at most {@link #PROMPTLY} for {@code future}'s value, failing the test by assertion naming
   * {@code what} after that. Unlike {@code CompletableFuture.join}, a failed future fails the test
   * with an {@link AssertionError} whose cause is the failure.
   */
  public static <T> T joinPromptly(Future<T> future, String what) {
    return within(future, PROMPTLY, what);
  }

  /** Waits at most {@link #PROMPTLY} for {@code latch}, failing the test by assertion naming {@code what} after that. */
  public static void awaitPromptly(CountDownLatch latch, String what) throws InterruptedException {
    awaitWithin(latch, PROMPTLY, what);
  }

  /** Waits at most {@link #PROMPTLY} for {@code thread} to end, failing the test by assertion naming {@code what} after that. */
  public static void joinPromptly(Thread thread, String what) throws InterruptedException {
    if (!thread.join(PROMPTLY)) {
      throw new AssertionError(what + " did not happen within " + PROMPTLY + " (" + thread + " still " + thread.getState() + ")");
    }
  }

  /**
   * Calls {@code call} (a blocking call under test, such as {@code runtime.runWithRetry}) on a
   * virtual thread of its own and waits at most {@link #PROMPTLY} for its result, failing the test
   * by assertion naming {@code what} after that (the thread is interrupted then). What {@code call}
   * throws is rethrown as is.
   */
  public static <T> T callPromptly(java.util.function.Supplier<T> call, String what) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread caller = Thread.ofVirtual().name("test-caller").start(() -> {
      try {
        result.complete(call.get());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    try {
      return result.get(PROMPTLY.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      caller.interrupt();
      throw new AssertionError(what + " did not happen within " + PROMPTLY, e);
    } catch (InterruptedException e) {
      caller.interrupt();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException exception) {
        throw exception;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new AssertionError(what + " failed", e.getCause());
    }
  }

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
