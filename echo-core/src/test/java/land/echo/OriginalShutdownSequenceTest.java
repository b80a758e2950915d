package land.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The original Mountain shutdown (Cocoon, terminals, state, flush) expressed as four ordered hooks. */
@Timeout(30)
class OriginalShutdownSequenceTest {
  private final List<String> log = new CopyOnWriteArrayList<>();

  /** The sidecar: refuses the first {@code failures} shutdown notifications. */
  private final class FakeCocoon {
    private int failures;

    FakeCocoon(int failures) {
      this.failures = failures;
    }

    void notifyShutdown() {
      if (failures-- > 0) {
        log.add("cocoon: refused");
        throw new IllegalStateException("sidecar not responding");
      }
      log.add("cocoon: notified");
    }
  }

  private ShutdownAction cocoonHook(FakeCocoon cocoon) {
    return () -> {
      RuntimeException last = null;
      for (int attempt = 1; attempt <= 3; attempt++) {
        try {
          cocoon.notifyShutdown();
          return;
        } catch (RuntimeException e) {
          last = e;
        }
      }
      throw new IllegalStateException("Failed to shutdown Cocoon after maximum retries", last);
    };
  }

  private ShutdownAction terminalsHook(List<String> terminals, String broken) {
    return () -> {
      List<String> errors = new ArrayList<>();
      for (String id : terminals) {
        if (id.equals(broken)) {
          errors.add("terminal " + id + " would not close");
        } else {
          log.add("terminal " + id + " disposed");
        }
      }
      if (!errors.isEmpty()) {
        throw new IllegalStateException("Terminal disposal completed with " + errors.size() + " errors: " + errors);
      }
    };
  }

  private ApplicationRuntime runtime(FakeCocoon cocoon, String brokenTerminal, Map<String, String> pending) {
    Duration step = Duration.ofSeconds(5);
    return ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(1))
        .shutdownHook("cocoon", step, cocoonHook(cocoon))
        .shutdownHook("terminals", step, terminalsHook(List.of("t1", "t2"), brokenTerminal))
        .shutdownHook("state", step, () -> log.add("state saved"))
        .shutdownHook("flush", step, () -> {
          pending.replaceAll((id, waiter) -> "Application shutting down");
          log.add("pending operations flushed");
        })
        .build();
  }

  @Test
  void theFourStepsRunInTheOriginalOrder() {
    Map<String, String> pending = new ConcurrentHashMap<>(Map.of("ui-1", "waiting"));
    ShutdownReport report = runtime(new FakeCocoon(2), "none", pending).shutdown(Duration.ofSeconds(1));
    assertThat(log).containsExactly("cocoon: refused", "cocoon: refused", "cocoon: notified",
        "terminal t1 disposed", "terminal t2 disposed", "state saved", "pending operations flushed");
    assertThat(report.failure()).isEmpty();
    assertThat(pending).containsEntry("ui-1", "Application shutting down");
  }

  @Test
  void earlierFailuresDoNotStopLaterStepsAndAreNamedInOneError() {
    Map<String, String> pending = new ConcurrentHashMap<>(Map.of("ui-1", "waiting"));
    ShutdownReport report = runtime(new FakeCocoon(5), "t1", pending).shutdown(Duration.ofSeconds(1));
    assertThat(log).endsWith("terminal t2 disposed", "state saved", "pending operations flushed");
    List<String> failures = report.failure().orElseThrow().failures();
    assertThat(failures).hasSize(2);
    assertThat(failures.get(0)).contains("'cocoon'").contains("Failed to shutdown Cocoon after maximum retries");
    assertThat(failures.get(1)).contains("'terminals'").contains("terminal t1 would not close");
    assertThat(pending).containsEntry("ui-1", "Application shutting down");
  }
}
