package land.echo.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.Effects;
import land.echo.Environment;
import land.echo.Priority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A tree of forks runs depth-first in its workers' own rings: the rings hold its whole frontier,
 * so none of it spills to the global queue (where global-first picks would bring the largest
 * subtrees back one at a time, each on top of the half-finished ones: see {@code
 * SpmcLocalQueue}'s notes). With rings of 256 tasks, this tree spilled hundreds of times.
 */
class ForkTreeTest {
  private static final Effects<Void> EFFECTS = Effects.failingWith(Void.class);
  private EchoScheduler scheduler;
  private ApplicationRuntime runtime;

  @AfterEach
  void tearDown() {
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  @Timeout(60)
  void aMillionLeafTreeOfForksNeverSpillsToTheGlobalQueue() {
    scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    runtime = ApplicationRuntime.create(Environment.empty(), scheduler);
    AtomicBoolean spilled = new AtomicBoolean();

    for (int round = 0; round < 3; round++) {
      long sum = runtime.run(node(0, 1_000_000, spilled)).getOrThrow();

      assertThat(sum).isEqualTo(499_999_500_000L);
    }
    assertThat(spilled).as("a leaf saw tasks in the NORMAL global queue").isFalse();
  }

  private ActionEffect<Void, Long> node(long first, int leaves, AtomicBoolean spilled) {
    if (leaves == 1) {
      return ActionEffect.compute(token -> {
        if (!scheduler.global[Priority.NORMAL.ordinal()].isEmpty()) {
          spilled.set(true);
        }
        return first;
      });
    }
    int child = leaves / 10;
    return ActionEffect.suspend(() -> {
      List<ActionEffect<Void, Long>> children = new ArrayList<>(10);
      for (int i = 0; i < 10; i++) {
        children.add(node(first + (long) i * child, child, spilled));
      }
      return EFFECTS.all(children).map(values -> values.stream().mapToLong(Long::longValue).sum());
    });
  }
}
