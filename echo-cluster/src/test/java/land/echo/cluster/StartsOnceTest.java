package land.echo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.map.IMap;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.ActionEffect;
import land.echo.CommonError;
import land.echo.EffectHandle;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.cluster.internal.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task is started once per claim, whatever snapshots of it a sweep offers again: these tests offer
 * such a snapshot at the moments that used to start the task a second time or leave it queued twice.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StartsOnceTest {
  static final AtomicInteger BUILDS = new AtomicInteger();
  static final AtomicInteger BODIES = new AtomicInteger();
  static volatile CountDownLatch buildGate = new CountDownLatch(0);
  static volatile CountDownLatch bodyGate = new CountDownLatch(0);

  static ClusterEffect<String, CommonError, String> slowToBuild;
  static ClusterEffect<String, CommonError, String> slowToRun;
  static ClusterEffect<String, CommonError, String> quick;

  private Members members;

  static void register(EffectRegistry registry) {
    slowToBuild = registry.register("slow.build", String.class, s -> {
      BUILDS.incrementAndGet();
      awaitQuietly(buildGate);
      return ActionEffect.succeed(s);
    });
    slowToRun = registry.register("slow.run", String.class, s -> ActionEffect.blocking(token -> {
      BODIES.incrementAndGet();
      bodyGate.await();
      return s;
    }));
    quick = registry.register("quick", String.class, ActionEffect::succeed);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void close() {
    buildGate.countDown();
    bodyGate.countDown();
    if (members != null) {
      members.close();
    }
  }

  /** Starts a cluster of one member with two workers. */
  private EchoCluster oneMember() {
    members = Members.start(1, 2, StartsOnceTest::register, c -> {});
    return members.get(0);
  }

  /** The only entry of the task map, the one task a test has submitted, claimed by now. */
  private static Map.Entry<String, Task> onlyTaskClaimed(EchoCluster cluster) {
    IMap<String, Task> tasks = cluster.hazelcast().getMap("echo.tasks");
    assertThat(tasks.size()).isEqualTo(1);
    Map.Entry<String, Task> entry = tasks.entrySet().iterator().next();
    assertThat(entry.getValue().state()).isEqualTo(Task.RUNNING);
    return entry;
  }

  @Test
  void aSnapshotTakenWhileTheTaskRanDoesNotStartItAgainOnceItHasFinished() {
    BODIES.set(0);
    bodyGate = new CountDownLatch(1);
    EchoCluster cluster = oneMember();
    // HIGH is claimed for the submitting member at submission: "RUNNING, owned by this member".
    EffectHandle<CommonError, String> handle = cluster.submit(slowToRun, "once", Priority.HIGH);
    await().atMost(Duration.ofSeconds(10)).until(() -> BODIES.get() == 1);
    Map.Entry<String, Task> running = onlyTaskClaimed(cluster);
    bodyGate.countDown();
    assertThat(handle.join()).isEqualTo(Outcome.success("once"));

    // Accepted only once the run has left runningKeys, that is, once its result is stored.
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.offer(running.getKey(), running.getValue()));
    // The dispatcher takes HIGH offers in order and starts them on its own thread: once a HIGH task
    // offered after the snapshot has run, the snapshot has been dealt with.
    assertThat(cluster.submit(quick, "after", Priority.HIGH).join()).isEqualTo(Outcome.success("after"));

    assertThat(BODIES.get()).isEqualTo(1);
    assertThat(cluster.stats().ran()).isEqualTo(2);
  }

  @Test
  void aSnapshotOfferedWhileTheTaskIsBeingStartedIsRefused() {
    BUILDS.set(0);
    buildGate = new CountDownLatch(1);
    EchoCluster cluster = oneMember();
    EffectHandle<CommonError, String> handle = cluster.submit(slowToBuild, "once", Priority.NORMAL);
    // The member has claimed the task and is building its effect: claimed, not yet in runningKeys.
    await().atMost(Duration.ofSeconds(10)).until(() -> BUILDS.get() == 1);
    Map.Entry<String, Task> claimed = onlyTaskClaimed(cluster);

    // Accepted, it would wait in the pending queue, counted as pending while the task runs, until
    // the dispatcher dropped it (at once here; behind a full admission limit, only once a slot freed).
    assertThat(cluster.offer(claimed.getKey(), claimed.getValue())).isFalse();
    assertThat(cluster.stats().pending()).isZero();

    buildGate.countDown();
    assertThat(handle.join()).isEqualTo(Outcome.success("once"));
    assertThat(BUILDS.get()).isEqualTo(1);
    assertThat(cluster.stats().ran()).isEqualTo(1);
  }

  @Test
  void aSnapshotOfferedWhileTheTaskRunsIsRefused() {
    BODIES.set(0);
    bodyGate = new CountDownLatch(1);
    EchoCluster cluster = oneMember();
    EffectHandle<CommonError, String> handle = cluster.submit(slowToRun, "once", Priority.LOW);
    await().atMost(Duration.ofSeconds(10)).until(() -> BODIES.get() == 1);
    Map.Entry<String, Task> running = onlyTaskClaimed(cluster);

    assertThat(cluster.offer(running.getKey(), running.getValue())).isFalse();
    assertThat(cluster.stats().pending()).isZero();
    assertThat(cluster.stats().running()).isEqualTo(1);

    bodyGate.countDown();
    assertThat(handle.join()).isEqualTo(Outcome.success("once"));
    assertThat(BODIES.get()).isEqualTo(1);
  }
}
