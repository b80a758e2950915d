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
