package land.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A blocking call to the runtime from inside an effect either works or fails at once, never hangs. */
@Timeout(60)
class NestedRunTest {
  private ApplicationRuntime runtime;

  @AfterEach
  void stop() {
    runtime.shutdown(Duration.ZERO);
  }

  private static ApplicationRuntime withScheduler(SchedulerConfig config) {
    return ApplicationRuntime.create(Environment.empty(), EchoScheduler.create(config));
  }

  private static void assertRefused(Outcome<String, ?> outcome) {
    assertThat(outcome).isInstanceOfSatisfying(Outcome.Faulted.class, f -> assertThat(f.fault())
        .isInstanceOfSatisfying(Fault.Panic.class, p -> assertThat(p.cause())
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("inside an effect of this runtime (on a worker of its scheduler")
            .hasMessageContaining("flatMap")));
  }

  @Test
  void runInsideAComputeBodyOnOneWorkerFailsAtOnceInsteadOfHanging() {
    runtime = withScheduler(SchedulerConfig.builder().workers(1).build());
    Outcome<String, Outcome<String, Integer>> outcome = TestRuntimes.runPromptly(runtime, ActionEffect.<String, Outcome<String, Integer>>compute(
        token -> runtime.run(ActionEffect.<String, Integer>succeed(1))));
    assertRefused(outcome);
  }

  @Test
  void runWithRetryAndRunWithTimeoutInsideComputeBodiesFailAtOnce() {
    runtime = withScheduler(SchedulerConfig.builder().workers(1).build());
    assertRefused(TestRuntimes.runPromptly(runtime, ActionEffect.<String, Object>compute(
        token -> runtime.runWithRetry(ActionEffect.<String, Integer>succeed(1), RetryPolicy.of(1, Duration.ZERO)))));
    assertRefused(TestRuntimes.runPromptly(runtime, ActionEffect.<String, Object>compute(
        token -> runtime.runWithTimeout(ActionEffect.<String, Integer>succeed(1), Duration.ofSeconds(1)))));
  }

  @Test
  void twoParallelLevelsOfNestedRunOnTwoWorkersFailInsteadOfHanging() {
    runtime = withScheduler(SchedulerConfig.builder().workers(2).build());
    ActionEffect<String, Object> nested = ActionEffect.<String, Object>compute(
        token -> runtime.run(ActionEffect.<String, Object>compute(t -> runtime.run(ActionEffect.succeed(1)))));
    Outcome<String, List<Object>> outcome = TestRuntimes.runPromptly(runtime, ActionEffect.all(List.of(nested, nested)));
    assertRefused(outcome);
  }

  @Test
  void aBlockingBodyMayRunABlockingEffectEvenWithABlockingLimitOfOne() {
    runtime = withScheduler(SchedulerConfig.builder().workers(1).blockingLimit(1).build());
    Outcome<String, Outcome<String, Integer>> outcome = TestRuntimes.runPromptly(runtime, ActionEffect.<String, Outcome<String, Integer>>blocking(
        token -> runtime.run(ActionEffect.<String, Integer>blocking(t -> 42))));
    assertThat(outcome).isEqualTo(new Outcome.Success<>(new Outcome.Success<>(42)));
  }

  @Test
  void anotherRuntimesWorkerMayRunAnEffectHere() {
    runtime = withScheduler(SchedulerConfig.builder().workers(1).build());
    ApplicationRuntime other = withScheduler(SchedulerConfig.builder().workers(1).build());
    try {
      Outcome<String, Outcome<String, Integer>> outcome = TestRuntimes.runPromptly(other, ActionEffect.<String, Outcome<String, Integer>>compute(
          token -> runtime.run(ActionEffect.<String, Integer>succeed(5))));
      assertThat(outcome).isEqualTo(new Outcome.Success<>(new Outcome.Success<>(5)));
    } finally {
      other.shutdown(Duration.ZERO);
    }
  }
}
