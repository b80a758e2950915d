package land.echo;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.time.VirtualTime;

/** Builds runtimes for tests: small real schedulers, optionally on virtual time. */
final class TestRuntimes {
  private TestRuntimes() {}

  /** A scheduler with {@code workers} workers and strict priorities (fairness picks effectively off). */
  static EchoScheduler scheduler(int workers) {
    return EchoScheduler.create(
        SchedulerConfig.builder().workers(workers).starvationInterval(1_000_000).build());
  }

  static ApplicationRuntime onSystemTime(Environment environment) {
    return ApplicationRuntime.create(environment, scheduler(2));
  }

  static ApplicationRuntime onSystemTime() {
    return onSystemTime(Environment.empty());
  }

  static ApplicationRuntime onVirtualTime(VirtualTime time, int workers) {
    return ApplicationRuntime.builder().scheduler(scheduler(workers)).clock(time).timer(time).build();
  }

  static ApplicationRuntime onVirtualTime(VirtualTime time) {
    return onVirtualTime(time, 2);
  }

  /**
   * How long a test waits for something that, unbroken, happens at once (an effect with no real
   * delay, a cancellation's interrupt): long enough for a loaded CI machine, and short of the
   * mutation tester's per-test timeout (its {@code timeoutConstant}, 8 s), so that a hang fails
   * the test by assertion instead of stalling it.
   */
  static final Duration PROMPTLY = Duration.ofSeconds(5);

  /** Runs {@code effect} and waits at most {@link #PROMPTLY} for its outcome, failing the test by assertion after that. */
  static <E, T> Outcome<E, T> runPromptly(ApplicationRuntime runtime, ActionEffect<E, T> effect) {
    EffectHandle<E, T> handle = runtime.submit(effect);
    try {
      return joinPromptly(handle);
    } catch (AssertionError e) {
      handle.cancel("the test gave up waiting");
      throw e;
    }
  }


  /** Waits at most {@link #PROMPTLY} for {@code handle}'s outcome, failing the test by assertion after that. */
  static <E, T> Outcome<E, T> joinPromptly(EffectHandle<E, T> handle) {
    return land.echo.testing.TestThreads.within(handle.outcome(), PROMPTLY, "the effect's completion");
  }


  /** Waits at most {@link #PROMPTLY} for {@code latch}, failing the test by assertion naming {@code what} after that. */
  static void awaitPromptly(CountDownLatch latch, String what) throws InterruptedException {
    land.echo.testing.TestThreads.awaitWithin(latch, PROMPTLY, what);
  }


  /** Shuts {@code runtime} down without waiting for stragglers (they are cancelled at once). */
  static void stop(ApplicationRuntime runtime) {
    runtime.shutdown(Duration.ZERO);
  }

  /** Waits for {@code latch} ignoring interrupts (a body that will not be cancelled), then restores them. */
  static void awaitUninterruptibly(java.util.concurrent.CountDownLatch latch) {
    land.echo.testing.TestThreads.awaitUninterruptibly(latch);
  }

  /**
   * A blocking body that counts down {@code started}, then waits until it is interrupted, counts
   * down {@code interrupted} and rethrows; it returns {@code value} only if never interrupted.
   */
  static <E, T> ActionEffect<E, T> blockUntilInterrupted(CountDownLatch started, CountDownLatch interrupted, T value) {
    return ActionEffect.blocking(token -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
      return value;
    });
  }
}
