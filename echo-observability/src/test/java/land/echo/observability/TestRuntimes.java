package land.echo.observability;

import java.time.Duration;
import land.echo.ApplicationRuntime;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.spi.RuntimeListener;
import land.echo.time.VirtualTime;

/** Builds runtimes for tests (copied in spirit from echo-core's test helpers, not shared as a test jar). */
public final class TestRuntimes {
  private TestRuntimes() {}

  /** A scheduler with {@code workers} workers and strict priorities. */
  public static EchoScheduler scheduler(int workers) {
    return EchoScheduler.create(SchedulerConfig.builder().workers(workers).starvationInterval(1_000_000).build());
  }

  /** A runtime on virtual time with two workers and {@code listeners}. */
  public static ApplicationRuntime onVirtualTime(VirtualTime time, RuntimeListener... listeners) {
    return builder(time, scheduler(2), listeners).build();
  }

  /** A builder on virtual time with {@code scheduler} and {@code listeners}. */
  public static ApplicationRuntime.Builder builder(VirtualTime time, EchoScheduler scheduler, RuntimeListener... listeners) {
    ApplicationRuntime.Builder builder = ApplicationRuntime.builder().scheduler(scheduler).clock(time).timer(time);
    for (RuntimeListener listener : listeners) {
      builder.listener(listener);
    }
    return builder;
  }

  /** Shuts {@code runtime} down without waiting for stragglers. */
  public static void stop(ApplicationRuntime runtime) {
    if (runtime != null) {
      runtime.shutdown(Duration.ZERO);
    }
  }

  /** Waits at most 2 s for {@code handle}'s outcome, failing the test by assertion after that. */
  public static <E, T> land.echo.Outcome<E, T> done(land.echo.EffectHandle<E, T> handle) {
    try {
      return handle.outcome().get(2, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the effect did not end within 2 s", e);
    } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
      throw new AssertionError("the effect's outcome could not be awaited", e);
    }
  }
}
