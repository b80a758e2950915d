package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A failure outside the guards around user code (here: user types whose {@code toString()} throws,
 * reached through log lines) must still unwind every finalizer and complete the handle exactly
 * once (issue: finalizers lost).
 */
@Timeout(60)
class InterpreterFailureTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = TestRuntimes.onVirtualTime(time);

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  /** A domain error whose toString() throws. */
  record HostileError(int code) {
    @Override
    public String toString() {
      throw new IllegalStateException("toString of a domain error");
    }
  }

  @Test
  void aRetriedFailureWhoseToStringThrowsStillRetriesAndRunsTheFinalizer() {
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger finalized = new AtomicInteger();
    ActionEffect<HostileError, Integer> effect = ActionEffect.<HostileError, Integer>compute(token -> {
      attempts.incrementAndGet();
      return 0;
    }).flatMap(x -> ActionEffect.<HostileError, Integer>fail(new HostileError(1)));
    EffectHandle<HostileError, Integer> handle = runtime.submit(
        effect.retry(RetryPolicy.of(2, Duration.ZERO)).ensuring(finalized::incrementAndGet));

    Outcome<HostileError, Integer> outcome = TestRuntimes.joinPromptly(handle);

    assertThat(outcome).as("exhaustion returns the last failure unchanged").isInstanceOfSatisfying(Outcome.Failure.class,
        f -> assertThat(f.error()).isInstanceOf(HostileError.class));
    assertThat(attempts).hasValue(3);
    assertThat(finalized).hasValue(1);
  }

  @Test
  void aFinalizerFailureThatBreaksTheLogLineStillRunsTheOuterFinalizersAndCompletesTheHandleOnce() {
    AtomicInteger outer = new AtomicInteger();
    AtomicInteger completions = new AtomicInteger();
    ActionEffect<String, Integer> effect = ActionEffect.<String>sleep(Duration.ofHours(1))
        .map(x -> 1)
        .ensuring(() -> {
          throw new land.echo.testing.HostileException();
        })
        .ensuring(outer::incrementAndGet)
        .ensuring(outer::incrementAndGet);
    EffectHandle<String, Integer> handle = runtime.submit(effect);
    handle.outcome().whenComplete((o, e) -> completions.incrementAndGet());
    await().until(() -> time.pendingTimers() == 1);

    // Cancelled, the effect ends with a fault that is not a Panic, so the failing finalizer is logged
    // with its exception: printing that exception throws inside the interpreter.
    handle.cancel("stop");

    await().until(() -> outer.get() == 2);
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Cancelled("stop")));
    assertThat(completions).hasValue(1);
    assertThat(runtime.shutdown(Duration.ZERO).stillUnwinding()).isEmpty();
  }
}
