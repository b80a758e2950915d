package land.echo.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import land.echo.ApplicationRuntime;
import land.echo.Fault;
import land.echo.HookResult;
import land.echo.ShutdownAction;
import land.echo.ShutdownReport;
import land.echo.time.Timer;
import org.slf4j.Logger;

/**
 * The shutdown procedure of an {@link ApplicationRuntime}; runs once per runtime, on the caller.
 *
 * <ol>
 *   <li>Close: later submissions are rejected.
 *   <li>Drain: in-flight effects get until the deadline to finish.
 *   <li>Cancel what remains, each effect guarded on its own, so one failure cannot stop the rest.
 *   <li>Unwind: wait, at most {@link ApplicationRuntime#UNWIND_GRACE}, until every cancelled tree
 *       has stopped running (its finalizers have run), so that no finalizer runs after the hooks
 *       (after the database pool is closed). Trees still running then are named in the report.
 *   <li>Hooks, in registration order, each within its own timeout, every one attempted.
 *   <li>Stop the scheduler and wait for its threads, within what is left of the unwinding grace.
 * </ol>
 *
 * <p>So {@code shutdown(d)} returns within {@code d + UNWIND_GRACE + } the sum of the hooks'
 * timeouts. The drain and unwinding waits and the hooks' timeouts use the runtime's injected {@link
 * Timer} (tests drive them on virtual time); only the final wait for the scheduler's threads uses
 * real time. Durations too long to represent (such as {@code ChronoUnit.FOREVER}) saturate.
 */
public final class ShutdownSequence {
  private static final Logger LOG = RuntimeCore.LOG;
  /** Marks a hook whose timeout fired first; compared by identity. */
  private static final Throwable TIMED_OUT = new Exception("hook timed out");
  /** How many names of still-unwinding effects the report keeps. */
  private static final int NAMES_REPORTED = 20;

  /** A registered shutdown hook. */
  public record Hook(String name, Duration timeout, ShutdownAction action) {}

  private ShutdownSequence() {}

  public static ShutdownReport run(RuntimeCore core, List<Hook> hooks, Duration deadline) {
    LOG.info("Initiating graceful shutdown of services (deadline {})...", deadline);
    core.closed = true;
    List<HandleFuture<?, ?>> inFlight = core.registry.snapshot();
    if (!inFlight.isEmpty() && !deadline.isZero()) {
      CompletableFuture<Void> drained = CompletableFuture.allOf(inFlight.toArray(CompletableFuture<?>[]::new));
      CompletableFuture<Void> expired = new CompletableFuture<>();
      Timer.Cancellable timer = core.timer.schedule(deadline, () -> expired.complete(null));
      CompletableFuture.anyOf(drained, expired).join();
      timer.cancel();
    }
    long cancelled = 0;
    Fault.Cancelled reason = new Fault.Cancelled("the runtime shut down before the effect completed");
    for (HandleFuture<?, ?> handle : inFlight) {
      if (cancelQuietly(handle, reason)) {
        cancelled++;
      }
    }
    // Anything that registered concurrently with the close flag completes as well.
    for (HandleFuture<?, ?> handle : core.registry.snapshot()) {
      cancelQuietly(handle, reason);
    }
    long completed = inFlight.size() - cancelled;
    if (cancelled > 0) {
      LOG.warn("Shutdown deadline {} reached: cancelled {} unfinished effects", deadline, cancelled);
    }

    long graceStarted = System.nanoTime();
    List<String> unwinding = awaitQuiescence(core, ApplicationRuntime.UNWIND_GRACE);
    if (!unwinding.isEmpty()) {
      LOG.warn("{} cancelled effects were still unwinding after {}; running the hooks regardless: {}",
          core.registry.size(), ApplicationRuntime.UNWIND_GRACE, unwinding);
    }

    List<HookResult> results = new ArrayList<>(hooks.size());
    List<String> failures = new ArrayList<>();
    for (Hook hook : hooks) {
      HookResult result = runHook(core.timer, hook);
      results.add(result);
      result.failure().ifPresent(failure -> {
        failures.add(failure);
        LOG.warn("{}", failure);
      });
    }

    // ApplicationRuntime refuses a shutdown from the scheduler's own threads, so this wait never
    // waits for its caller.
    core.scheduler.shutdown();
    long left = ApplicationRuntime.UNWIND_GRACE.toNanos() - (System.nanoTime() - graceStarted);
    try {
      if (!core.scheduler.awaitTermination(Math.max(left, TimeUnit.MILLISECONDS.toNanos(10)), TimeUnit.NANOSECONDS)) {
        LOG.warn("The scheduler's threads did not terminate within the shutdown grace");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }

    Optional<Fault.ShutdownFailed> failure =
        failures.isEmpty() ? Optional.empty() : Optional.of(new Fault.ShutdownFailed(failures));
    failure.ifPresentOrElse(
        f -> LOG.error("Service shutdown completed with errors: {}", f.message()),
        () -> LOG.info("Service shutdown tasks completed successfully."));
    return new ShutdownReport(completed, cancelled, unwinding, results, failure);
  }

  private static boolean cancelQuietly(HandleFuture<?, ?> handle, Fault cause) {
    try {
      return handle.cancelWith(cause);
    } catch (Throwable t) {
      // Whatever one effect's cancellation throws, the others are still cancelled and the hooks run.
      RuntimeCore.logQuietly("Cancelling effect '" + handle.name() + "' during shutdown failed", t);
      return handle.isDone();
    }
  }

  /**
   * Waits until every registered root's tree has stopped running, or {@code grace} has passed on
   * the runtime's timer; returns the names of those still running (at most {@link #NAMES_REPORTED}).
   */
  private static List<String> awaitQuiescence(RuntimeCore core, Duration grace) {
    if (core.registry.size() == 0) {
      return List.of();
    }
    boolean[] expired = {false};
    Object lock = core.quiescence;
    Timer.Cancellable timer = core.timer.schedule(grace, () -> {
      synchronized (lock) {
        expired[0] = true;
        lock.notifyAll();
      }
    });
    boolean interrupted = false;
    synchronized (lock) {
      while (core.registry.size() > 0 && !expired[0]) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          interrupted = true;
          break;
        }
      }
    }
    timer.cancel();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    List<String> names = new ArrayList<>();
    for (HandleFuture<?, ?> handle : core.registry.registered()) {
      if (names.size() == NAMES_REPORTED) {
        break;
      }
      names.add(handle.name());
    }
    return names;
  }

  private static HookResult runHook(Timer timer, Hook hook) {
    CompletableFuture<Throwable> done = new CompletableFuture<>();
    Thread thread = Thread.ofVirtual().name("echo-shutdown-" + hook.name()).unstarted(() -> {
      try {
        hook.action().run();
        done.complete(null);
      } catch (Throwable t) {
        done.complete(t);
      }
    });
    Timer.Cancellable timeout = timer.schedule(hook.timeout(), () -> {
      if (done.complete(TIMED_OUT)) {
        thread.interrupt();
      }
    });
    thread.start();
    Throwable outcome = done.join();
    timeout.cancel();
    if (outcome == null) {
      return new HookResult(hook.name(), HookResult.Status.COMPLETED, Optional.empty());
    }
    if (outcome == TIMED_OUT) {
      return new HookResult(hook.name(), HookResult.Status.TIMED_OUT,
          Optional.of("Shutdown hook '" + hook.name() + "' timed out after " + hook.timeout()));
    }
    return new HookResult(hook.name(), HookResult.Status.FAILED,
        Optional.of("Shutdown hook '" + hook.name() + "' failed: " + describe(outcome)));
  }

  /** Describes a hook's failure; a user exception whose {@code toString()} throws cannot lose the report. */
  private static String describe(Throwable failure) {
    try {
      return String.valueOf(failure);
    } catch (Throwable t) {
      return failure.getClass().getName() + " (its toString() threw " + t.getClass().getName() + ")";
    }
  }
}
