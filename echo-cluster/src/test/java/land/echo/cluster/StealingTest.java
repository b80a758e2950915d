package land.echo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import land.echo.ActionEffect;
import land.echo.CommonError;
import land.echo.EffectHandle;
import land.echo.Outcome;
import land.echo.Priority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A member with idle workers takes work queued on a busy one, the most urgent first. The busy
 * member's only worker is held by a latch until the idle member has taken something, so the test
 * does not depend on how long anything takes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StealingTest {
  static final List<String> RAN = Collections.synchronizedList(new ArrayList<>());
  static volatile CountDownLatch gate = new CountDownLatch(0);
  static volatile CountDownLatch idleGate = new CountDownLatch(0);
  static ClusterEffect<String, CommonError, String> work;
  static ClusterEffect<String, CommonError, String> hold;

  private Members members;

  @AfterEach
  void close() {
    gate.countDown();
    idleGate.countDown();
    if (members != null) {
      members.close();
    }
  }

  static void register(EffectRegistry registry) {
    work = registry.register("work", String.class, s -> ActionEffect.compute(token -> {
      RAN.add(Thread.currentThread().getName().substring(0, 7) + " " + s);
      return s;
    }));
    hold = registry.register("hold", String.class, s -> ActionEffect.compute(token -> {
      if (Thread.currentThread().getName().startsWith("member" + s.charAt(0))) { // held on the member named
        (s.charAt(0) == '0' ? gate : idleGate).await();
      }
      return s;
    }));
  }

  @Test
  void anIdleMemberTakesQueuedWorkHighestPriorityFirst() throws InterruptedException {
    RAN.clear();
    gate = new CountDownLatch(1);
    idleGate = new CountDownLatch(1);
    members = Members.start(2, 1, StealingTest::register, c -> c.admissionLimit(1));
    await().atMost(Duration.ofSeconds(30)).until(() -> members.get(0).members().size() == 2);
    EchoCluster busy = members.get(0);
    EchoCluster idle = members.get(1);
    // Partitions migrate to the second member for a while after it joins (and the migration may
    // not have begun when the member list shows it); the keys below must stay where they are.
    await().atMost(Duration.ofSeconds(60)).until(() -> owned(idle) >= owned(busy) - 1
        && busy.hazelcast().getPartitionService().isClusterSafe());
    List<String> keysOnBusy = new ArrayList<>();
    for (int i = 0; keysOnBusy.size() < 8; i++) {
      String key = "k" + i;
      if (busy.hazelcast().getPartitionService().getPartition(key).getOwner().localMember()) {
        keysOnBusy.add(key);
      }
    }
    List<String> keysOnIdle = new ArrayList<>();
    for (int i = 0; keysOnIdle.isEmpty(); i++) {
      String key = "i" + i;
      if (idle.hazelcast().getPartitionService().getPartition(key).getOwner().localMember()) {
        keysOnIdle.add(key);
      }
    }
    // Every task lives in the busy member's partitions: the other member runs only what it takes.
    // Each member's one admission slot and one worker are first taken by a task that waits, so that
    // nothing is taken before every task is queued.
    int holds = hold(busy, "0", keysOnBusy.get(0), busy);
    holds += hold(busy, "1", keysOnIdle.get(0), idle);
    List<EffectHandle<CommonError, String>> handles = new ArrayList<>();
    for (int i = 0; i < 20; i++) { // LOW first: a first-come, first-served thief would take these
      handles.add(busy.submit(work, "low-" + i, Priority.LOW,
          SubmitOptions.defaults().withRoutingKey(keysOnBusy.get(i % keysOnBusy.size()))));
    }
    for (int i = 0; i < 5; i++) {
      handles.add(busy.submit(work, "normal-" + i, Priority.NORMAL,
          SubmitOptions.defaults().withRoutingKey(keysOnBusy.get(i % keysOnBusy.size()))));
    }
    idleGate.countDown(); // the idle member is free now, and takes the most urgent queued work
    await().atMost(Duration.ofSeconds(30)).until(() -> idle.stats().stolen() >= 1);
    gate.countDown();
    for (EffectHandle<CommonError, String> handle : handles) {
      assertThat(handle.join()).isInstanceOf(Outcome.Success.class);
    }
    assertThat(RAN).as("each task ran once").hasSize(25);
    assertThat(busy.stats().ran() + idle.stats().ran()).isEqualTo(25 + holds);
    // The idle member took NORMAL work first (every task was queued when it became free), and no
    // NORMAL task after a LOW one: it takes LOW only when no NORMAL is queued.
    List<String> byIdle = RAN.stream().filter(r -> r.startsWith("member1")).map(r -> r.substring(8)).toList();
    assertThat(byIdle).as("what the idle member ran").isNotEmpty();
    assertThat(byIdle.get(0)).as("what the idle member ran, in order: %s", byIdle).startsWith("normal-");
    int firstLow = byIdle.size();
    for (int i = 0; i < byIdle.size(); i++) {
      if (byIdle.get(i).startsWith("low-")) {
        firstLow = i;
        break;
      }
    }
    assertThat(byIdle.subList(firstLow, byIdle.size())).as("what the idle member ran, in order: %s", byIdle)
        .noneMatch(r -> r.startsWith("normal-"));
  }

  private static long owned(EchoCluster member) {
    return member.hazelcast().getPartitionService().getPartitions().stream()
        .filter(p -> p.getOwner() != null && p.getOwner().localMember()).count();
  }

  /**
   * Sends holding tasks for member {@code which}, routed to {@code key}, until {@code member} runs
   * one (another member may take one first; it then returns at once); returns how many it sent.
   */
  private static int hold(EchoCluster submitter, String which, String key, EchoCluster member) {
    int sent = 0;
    EffectHandle<CommonError, String> held;
    do {
      sent++;
      EffectHandle<CommonError, String> handle = submitter.submit(hold, which, Priority.LOW,
          SubmitOptions.defaults().withRoutingKey(key));
      await().atMost(Duration.ofSeconds(30)).until(() -> handle.isDone() || member.stats().running() == 1);
      held = handle;
    } while (held.isDone());
    return sent;
  }
}
