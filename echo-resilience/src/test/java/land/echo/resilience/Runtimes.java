package land.echo.resilience;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CountDownLatch;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Effects;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.time.VirtualTime;

/** Runtimes and effects for the policy tests, on virtual time. */
final class Runtimes {
  private Runtimes() {}

  /** Effects whose domain error is a plain message. */
  static final Effects<String> APP = Effects.failingWith(String.class);

  static ApplicationRuntime onVirtualTime(VirtualTime time) {
    return onVirtualTime(time, 2);
  }

  static ApplicationRuntime onVirtualTime(VirtualTime time, int workers) {
    EchoScheduler scheduler = EchoScheduler.create(
        SchedulerConfig.builder().workers(workers).starvationInterval(1_000_000).build());
    return ApplicationRuntime.builder().scheduler(scheduler).clock(time).timer(time).build();
  }

  static void stop(ApplicationRuntime runtime) {
    runtime.shutdown(Duration.ZERO);
  }

  /** A blocking effect that waits (interruptibly) until {@code release} opens, then returns {@code value}. */
  static <T> ActionEffect<String, T> gated(CountDownLatch release, T value) {
    return APP.blocking(token -> {
      release.await();
      return value;
    });
  }

  /** The typed rejection inside {@code outcome}, or null if it is no policy rejection. */
  static Fault.Rejection rejectionOf(Outcome<?, ?> outcome) {
    return outcome instanceof Outcome.Faulted<?, ?>(Fault.Rejected(var reason, Fault.Rejection r)) ? r : null;
  }

  /**
   * Waits at most 2 s for {@code condition}, which the unbroken policy makes true at once (virtual
   * time, no real delay); a lost wake-up fails the test by assertion naming {@code what}.
   */
  static void within2s(String what, BooleanSupplier condition) {
    org.awaitility.Awaitility.await(what).atMost(Duration.ofSeconds(2)).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(1)).until(condition::getAsBoolean);
  }

  /** Waits at most 2 s for {@code handle}'s outcome, failing the test by assertion naming {@code what} after that. */
  static <T> Outcome<String, T> done(EffectHandle<String, T> handle, String what) {
    try {
      return handle.outcome().get(2, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + " did not end within 2 s: a slot or permit was lost, or a waiter never woken", e);
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError(what + " failed to be awaited", e);
    }
  }
}
