package land.echo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.ShutdownReport;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.time.VirtualTime;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pins what the shutdown does when cancelling one in-flight effect throws (issue 13): it is logged,
 * the other effects and the hooks are unaffected, and the effect counts as cancelled exactly when
 * its handle is done. The failure is injected with {@link HandleFuture#beforeClaimCas} on the
 * shutdown's thread only.
 */
@Timeout(30)
class ShutdownCancelPinTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = ApplicationRuntime.builder()
      .scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(1).build()))
      .clock(time).timer(time).build();

  @AfterEach
  void tearDown() {
    HandleFuture.beforeClaimCas = null;
    if (!runtime.isShutdown()) {
      runtime.shutdownAsync(Duration.ZERO);
    }
  }

  /** Runs a zero-deadline shutdown on a thread of its own, failing the first cancellation it attempts with {@code failure}. */
  private ShutdownReport shutdownWhoseFirstCancellationFails(Runnable beforeFailing) throws Exception {
    AtomicReference<Thread> caller = new AtomicReference<>();
    AtomicBoolean failed = new AtomicBoolean();
    HandleFuture.beforeClaimCas = () -> {
      if (Thread.currentThread() == caller.get() && failed.compareAndSet(false, true)) {
        beforeFailing.run();
        throw new IllegalStateException("cancellation bug");
      }
    };
    CompletableFuture<ShutdownReport> report = new CompletableFuture<>();
    Thread thread = Thread.ofPlatform().name("pin-shutdown-caller").daemon().unstarted(() -> {
      try {
        report.complete(runtime.shutdown(Duration.ZERO));
      } catch (Throwable t) {
        report.completeExceptionally(t);
      }
    });
    caller.set(thread);
    thread.start();
    try {
      return report.get(2, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the shutdown did not return within 2 s", e);
    } finally {
      HandleFuture.beforeClaimCas = null;
    }
  }



  /**
   * A cancellation that throws before completing the handle is logged with the effect's name and
   * is not counted as cancelled; the shutdown's second pass still cancels the effect. Mutations:
   * the log call removed; {@code cancelQuietly} returning true after a failure.
   */
  @Test
  void aCancellationThatThrowsIsLoggedAndNotCountedAsCancelled() throws Exception {
    EffectHandle<String, Object> handle = runtime.submit(ActionEffect.<String, Object>never().named("refusing"));
    ShutdownReport[] report = new ShutdownReport[1];

    String log = TestThreads.stderrOf(() -> report[0] = shutdownWhoseFirstCancellationFails(() -> { }));

    assertThat(log).contains("Cancelling effect 'refusing' during shutdown failed").contains("cancellation bug");
    assertThat(report[0].cancelled()).as("counted as cancelled though its cancellation failed").isZero();
    assertThat(report[0].stillUnwinding()).isEmpty();
    assertThat(TestThreads.joinPromptly(handle)).isInstanceOfSatisfying(Outcome.Faulted.class,
        f -> assertThat(f.fault()).isInstanceOf(Fault.Cancelled.class));
  }

  /**
   * A cancellation that throws after the handle was completed (here by another canceller) still
   * counts the effect as cancelled. Mutation: {@code cancelQuietly} returning false after a failure.
   */
  @Test
  void anEffectCompletedWhileItsCancellationThrewCountsAsCancelled() throws Exception {
    EffectHandle<String, Object> handle = runtime.submit(ActionEffect.<String, Object>never().named("overtaken"));

    ShutdownReport report = shutdownWhoseFirstCancellationFails(() -> handle.cancel("another canceller"));

    assertThat(report.cancelled()).isEqualTo(1);
    assertThat(report.completed()).isZero();
    assertThat(TestThreads.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("another canceller")));
  }
}
