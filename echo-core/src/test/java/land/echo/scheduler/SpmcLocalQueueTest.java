package land.echo.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pins {@link SpmcLocalQueue}'s two ends (the owner's {@code pop} takes the newest task, every
 * other taker the oldest) and forces the interleavings its stamp guards: a thief that read the
 * ring, then lost the race to the owner's pops (and pushes into the same slots), must not claim
 * what it read. {@link SpmcLocalQueueLincheckTest} explores the other interleavings.
 */
@Timeout(30)
class SpmcLocalQueueTest {

  private static Runnable task(int id) {
    return new SpmcLocalQueueLincheckTest.Task(id);
  }

  private static Integer id(Runnable task) {
    return task == null ? null : ((SpmcLocalQueueLincheckTest.Task) task).id();
  }

  @Test
  void theOwnerPopsNewestFirstAndEveryOtherTakerTakesTheOldest() {
    SpmcLocalQueue queue = new SpmcLocalQueue(8);
    for (int i = 0; i < 5; i++) {
      assertThat(queue.offer(task(i))).isTrue();
    }

    assertThat(id(queue.pop())).isEqualTo(4);
    assertThat(id(queue.poll())).isEqualTo(0);
    assertThat(id(queue.pollShared())).isEqualTo(1);
    assertThat(id(queue.pop())).isEqualTo(3);
    assertThat(id(queue.pop())).isEqualTo(2);
    assertThat(queue.pop()).isNull();
    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.size()).isZero();
  }

  @Test
  void popsAndPushesWrapAroundTheRing() {
    SpmcLocalQueue queue = new SpmcLocalQueue(4);
    List<Integer> popped = new ArrayList<>();
    for (int round = 0; round < 10; round++) {
      for (int i = 0; i < 4; i++) {
        assertThat(queue.offer(task(round * 10 + i))).isTrue();
      }
      assertThat(queue.offer(task(-1))).as("full").isFalse();
      assertThat(id(queue.poll())).isEqualTo(round * 10); // moves the head on, so the ring wraps
      for (Runnable r; (r = queue.pop()) != null; ) {
        popped.add(id(r));
      }
    }
    assertThat(popped).hasSize(30);
    assertThat(popped.subList(0, 3)).containsExactly(3, 2, 1);
    assertThat(popped.subList(27, 30)).containsExactly(93, 92, 91);
  }

  @Test
  void aThiefThatReadTheRingBeforeTheOwnerPoppedItAndPushedAgainClaimsOnlyTheNewTasks() {
    SpmcLocalQueue victim = new SpmcLocalQueue(4);
    SpmcLocalQueue thief = new SpmcLocalQueue(4);
    victim.offer(task(1));
    victim.offer(task(2));
    List<Integer> ownerTook = new ArrayList<>();
    victim.beforeStealClaimForTest = () -> {
      victim.beforeStealClaimForTest = null; // only the first attempt is interleaved
      // The thief has read head 0, tail 2 and slot 0 (task 1). The owner now empties the ring
      // from its end and refills the same two slots: head and tail are back where the thief read
      // them, and only the stamp tells that slot 0 holds another task.
      ownerTook.add(id(victim.pop()));
      ownerTook.add(id(victim.pop()));
      victim.offer(task(3));
      victim.offer(task(4));
    };

    Runnable stolen = victim.stealInto(thief);

    assertThat(ownerTook).containsExactly(2, 1);
    assertThat(id(stolen)).as("the thief retried and took the oldest task now there").isEqualTo(3);
    assertThat(thief.isEmpty()).isTrue();
    assertThat(id(victim.pop())).isEqualTo(4);
    assertThat(victim.pop()).isNull();
  }

  @Test
  void aThiefAndTheOwnerRacingForTheLastTaskTakeItOnce() {
    SpmcLocalQueue victim = new SpmcLocalQueue(4);
    SpmcLocalQueue thief = new SpmcLocalQueue(4);
    victim.offer(task(7));
    List<Integer> ownerTook = new ArrayList<>();
    victim.beforeStealClaimForTest = () -> {
      victim.beforeStealClaimForTest = null;
      ownerTook.add(id(victim.pop())); // the thief has read task 7 but not claimed it
    };

    assertThat(victim.stealInto(thief)).isNull();
    assertThat(ownerTook).containsExactly(7);
    assertThat(victim.isEmpty()).isTrue();
  }

  @Test
  void aPopAfterAThiefTookEveryTaskFindsTheRingEmptyAndUsableAgain() {
    SpmcLocalQueue victim = new SpmcLocalQueue(4);
    SpmcLocalQueue thief = new SpmcLocalQueue(4);
    victim.offer(task(1));
    assertThat(id(victim.stealInto(thief))).isEqualTo(1);

    assertThat(victim.pop()).isNull();
    assertThat(victim.size()).isZero();
    assertThat(victim.offer(task(2))).isTrue();
    assertThat(id(victim.pollShared())).isEqualTo(2);
  }
}
