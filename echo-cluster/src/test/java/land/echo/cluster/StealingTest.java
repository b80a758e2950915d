package land.echo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import land.echo.ActionEffect;
import land.echo.CommonError;
import land.echo.EffectHandle;
import land.echo.Outcome;
import land.echo.Priority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A member with idle workers takes work queued on a busy one, the most urgent first. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StealingTest {
  static final List<String> RAN = Collections.synchronizedList(new ArrayList<>());
  static ClusterEffect<String, CommonError, String> slow;

  private Members members;

  @AfterEach
  void close() {
    if (members != null) {
      members.close();
    }
  }

  static void register(EffectRegistry registry) {
    slow = registry.register("slow", String.class, s -> ActionEffect.compute(token -> {
      RAN.add(Thread.currentThread().getName().substring(0, 7) + " " + s);
      Thread.sleep(40);
      return s;
    }));
  }

  @Test
  void anIdleMemberTakesQueuedWorkHighestPriorityFirst() {
    RAN.clear();
    members = Members.start(2, 1, StealingTest::register, c -> c.admissionLimit(1));
    await().atMost(Duration.ofSeconds(30)).until(() -> members.get(0).members().size() == 2);
    EchoCluster busy = members.get(0);
    List<String> keysOnBusy = new ArrayList<>();
    for (int i = 0; keysOnBusy.size() < 8; i++) {
      String key = "k" + i;
      if (busy.hazelcast().getPartitionService().getPartition(key).getOwner().localMember()) {
        keysOnBusy.add(key);
      }
    }
    // Every task lives in the busy member's partitions: the other member runs only what it takes.
    EchoCluster idle = members.get(1);
    List<EffectHandle<CommonError, String>> handles = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      handles.add(busy.submit(slow, "low-" + i, Priority.LOW,
          SubmitOptions.defaults().withRoutingKey(keysOnBusy.get(i % keysOnBusy.size()))));
    }
    for (int i = 0; i < 5; i++) {
      handles.add(busy.submit(slow, "high-" + i, Priority.HIGH,
          SubmitOptions.defaults().withRoutingKey(keysOnBusy.get(i % keysOnBusy.size()))));
    }
    for (EffectHandle<CommonError, String> handle : handles) {
      assertThat(handle.join()).isInstanceOf(Outcome.Success.class);
    }
    assertThat(idle.stats().stolen()).as("tasks the idle member took").isPositive();
    assertThat(busy.stats().ran() + idle.stats().ran()).isEqualTo(35);
    // Every HIGH effect ran before the last LOW one, wherever it ran.
    List<String> order = List.copyOf(RAN);
    int lastHigh = 0;
    int lastLow = 0;
    for (int i = 0; i < order.size(); i++) {
      if (order.get(i).contains("high-")) {
        lastHigh = i;
      } else {
        lastLow = i;
      }
    }
    assertThat(lastHigh).isLessThan(lastLow);
  }
}
