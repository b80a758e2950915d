package land.echo;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.testing.TestThreads;
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

  /** {@link land.echo.testing.TestThreads#PROMPTLY}: the bound of a wait for something that, unbroken, happens at once. */
  static final Duration PROMPTLY = TestThreads.PROMPTLY;

  /** {@link TestThreads#runPromptly(ApplicationRuntime, ActionEffect)}. */
  static <E, T> Outcome<E, T> runPromptly(ApplicationRuntime runtime, ActionEffect<E, T> effect) {
    return TestThreads.runPromptly(runtime, effect);
  }

  /** {@link TestThreads#runPromptly(ApplicationRuntime, ActionEffect, Priority)}. */
  static <E, T> Outcome<E, T> runPromptly(ApplicationRuntime runtime, ActionEffect<E, T> effect, Priority priority) {
    return TestThreads.runPromptly(runtime, effect, priority);
  }

  /** {@link TestThreads#runPromptly(ApplicationRuntime, ActionEffect, RunOptions)}. */
  static <E, T> Outcome<E, T> runPromptly(ApplicationRuntime runtime, ActionEffect<E, T> effect, RunOptions options) {
    return TestThreads.runPromptly(runtime, effect, options);
  }

  /** {@link TestThreads#joinPromptly(EffectHandle)}. */
  static <E, T> Outcome<E, T> joinPromptly(EffectHandle<E, T> handle) {
    return TestThreads.joinPromptly(handle);
  }

  /** {@link TestThreads#joinPromptly(java.util.concurrent.Future, String)}. */
  static <T> T joinPromptly(java.util.concurrent.Future<T> future, String what) {
    return TestThreads.joinPromptly(future, what);
  }

  /** {@link TestThreads#callPromptly(java.util.function.Supplier, String)}. */
  static <T> T callPromptly(java.util.function.Supplier<T> call, String what) {
    return TestThreads.callPromptly(call, what);
  }

  /** {@link TestThreads#awaitPromptly(CountDownLatch, String)}. */
  static void awaitPromptly(CountDownLatch latch, String what) throws InterruptedException {
    TestThreads.awaitPromptly(latch, what);
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

  /**
   * Occupies a worker of {@code runtime} with a {@code compute} body at {@code priority} until the
   * returned latch is released; returns once the body runs.
   */
  static CountDownLatch occupyAWorker(ApplicationRuntime runtime, Priority priority) throws InterruptedException {
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    runtime.submit(ActionEffect.<String, Integer>compute(token -> {
      busy.countDown();
      release.await();
      return 0;
    }), priority);
    awaitPromptly(busy, "busy");
    return release;
  }
}
