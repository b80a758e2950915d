package land.echo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import land.echo.scheduler.EchoScheduler;
import land.echo.time.Timer;
import org.slf4j.Logger;

/**
 * The shutdown procedure of an {@link ApplicationRuntime}: drain until a deadline, cancel what
 * remains, run the hooks in order, stop the scheduler. Runs once per runtime, on the caller.
 *
 * <p>Waits use the runtime's injected {@link Timer} (for the drain deadline and each hook's
 * timeout), so tests drive them with virtual time; only the final wait for the scheduler's threads
 * uses real time, bounded by the deadline.
 */
final class ShutdownSequence {
  private static final Logger LOG = RuntimeCore.LOG;
  /** Marks a hook whose timeout fired first; compared by identity. */
  private static final Throwable TIMED_OUT = new Exception("hook timed out");

  /** A registered shutdown hook. */
  record Hook(String name, Duration timeout, ShutdownAction action) {}

  private ShutdownSequence() {}

  static ShutdownReport run(RuntimeCore core, List<Hook> hooks, Duration deadline) {
    LOG.info("Initiating graceful shutdown of services (deadline {})...", deadline);
    core.closed = true;
    List<Fiber<?, ?>> inFlight = core.registry.snapshot();
    if (!inFlight.isEmpty() && !deadline.isZero()) {
      CompletableFuture<Void> drained = CompletableFuture.allOf(inFlight.toArray(CompletableFuture<?>[]::new));
      CompletableFuture<Void> expired = new CompletableFuture<>();
      Timer.Cancellable timer = core.timer.schedule(deadline, () -> expired.complete(null));
      CompletableFuture.anyOf(drained, expired).join();
      timer.cancel();
    }
    long cancelled = 0;
    CommonError.Cancelled reason = new CommonError.Cancelled("the runtime shut down before the effect completed");
    for (Fiber<?, ?> fiber : inFlight) {
      if (fiber.cancelWith(reason)) {
        cancelled++;
      }
    }
    // Anything that registered concurrently with the close flag completes as well.
    for (Fiber<?, ?> fiber : core.registry.snapshot()) {
      fiber.cancelWith(reason);
    }
    long completed = inFlight.size() - cancelled;
    if (cancelled > 0) {
      LOG.warn("Shutdown deadline {} reached: cancelled {} unfinished effects", deadline, cancelled);
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

    core.scheduler.shutdown();
    if (core.scheduler.isWorkerThread()) {
      // Called from inside an effect: this worker cannot finish while it waits for itself.
      LOG.warn("Shutdown called on a scheduler worker; not waiting for the scheduler to terminate");
    } else {
      try {
        if (!core.scheduler.awaitTermination(Math.max(1, deadline.toMillis()), TimeUnit.MILLISECONDS)) {
          LOG.warn("The scheduler did not terminate within {}", deadline);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    Optional<CommonError.ShutdownFailed> failure =
        failures.isEmpty() ? Optional.empty() : Optional.of(new CommonError.ShutdownFailed(failures));
    failure.ifPresentOrElse(
        f -> LOG.error("Service shutdown completed with errors: {}", f.message()),
        () -> LOG.info("Service shutdown tasks completed successfully."));
    return new ShutdownReport(completed, cancelled, results, failure);
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
        Optional.of("Shutdown hook '" + hook.name() + "' failed: " + outcome));
  }
}
