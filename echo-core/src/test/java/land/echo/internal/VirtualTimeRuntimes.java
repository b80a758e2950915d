package land.echo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.ShutdownReport;
import land.echo.testing.TestThreads;
import land.echo.time.VirtualTime;
import org.awaitility.core.ConditionFactory;

/** Helpers for the interpreter's tests that run a runtime on virtual time. */
final class VirtualTimeRuntimes {
  private VirtualTimeRuntimes() {}

  /** Returns the core of {@code runtime}, reached through an effect's token (the effect's fiber). */
  static RuntimeCore coreOf(ApplicationRuntime runtime) {
    return TestThreads.runPromptly(runtime,
        ActionEffect.<String, RuntimeCore>compute(token -> ((Fiber<?, ?>) token).core)).getOrThrow();
  }

  /**
   * Waits, as {@code within} allows, until the whole tree of every root of {@code core} has stopped
   * running, every child of every join included: each root has left the registry ({@code
   * inFlight()} only lists roots whose handles are not complete, so it cannot tell).
   */
  static void awaitQuiescent(RuntimeCore core, ConditionFactory within) {
    within.untilAsserted(() -> assertThat(core.registry.size()).as("roots whose trees still run").isZero());
  }

  /**
   * Shuts {@code runtime} down at once unless it already is: its unwinding grace runs on the virtual
   * timer, so time moves on while the shutdown is waited for, as {@code within} allows (a fiber
   * stuck by a broken guard cannot hang the teardown).
   */
  static void shutDown(ApplicationRuntime runtime, VirtualTime time, ConditionFactory within) {
    if (runtime.isShutdown()) {
      return;
    }
    CompletableFuture<ShutdownReport> report = runtime.shutdownAsync(Duration.ZERO);
    within.until(() -> {
      time.advance(ApplicationRuntime.UNWIND_GRACE);
      return report.isDone();
    });
  }
}
