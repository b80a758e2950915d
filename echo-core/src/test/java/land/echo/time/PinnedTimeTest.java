package land.echo.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pins timer behaviours that no other test pinned (issue 13). */
@Timeout(30)
class PinnedTimeTest {

  /** Mutation: a zero-delay action never becomes due (e.g. its deadline saturated or skipped). */
  @Test
  void aZeroDelayActionOnVirtualTimeRunsAtTheNextAdvanceEvenOfZero() {
    VirtualTime time = new VirtualTime();
    List<String> ran = new CopyOnWriteArrayList<>();
    time.schedule(Duration.ZERO, () -> ran.add("zero"));
    assertThat(ran).as("nothing runs before advance").isEmpty();
    assertThat(time.nextDelay()).contains(Duration.ZERO);
    time.advance(Duration.ZERO);
    assertThat(ran).containsExactly("zero");
    assertThat(time.pendingTimers()).isZero();
    assertThat(time.now()).isEqualTo(Duration.ZERO);
    // Later, at a non-zero instant, too.
    time.advance(Duration.ofSeconds(1));
    time.schedule(Duration.ZERO, () -> ran.add("zero at 1s"));
    time.advance(Duration.ZERO);
    assertThat(ran).containsExactly("zero", "zero at 1s");
  }

  /**
   * A withdrawn action never runs, and {@code cancel()} reports whether it prevented it. Mutations:
   * {@code cancel()} always true; cancel not withdrawing the action. No sleeping: a later action on
   * the same single timer thread runs after the withdrawn one would have.
   */
  @Test
  void aWithdrawnActionOnTheSystemTimerNeverRunsAndCancelReportsIt() throws Exception {
    SystemTimer timer = SystemTimer.create("pinned-timer-test");
    try {
      AtomicInteger withdrawnRuns = new AtomicInteger();
      Timer.Cancellable withdrawn = timer.schedule(Duration.ofMillis(20), withdrawnRuns::incrementAndGet);
      assertThat(withdrawn.cancel()).as("the first cancel withdraws it").isTrue();
      CountDownLatch later = new CountDownLatch(1);
      timer.schedule(Duration.ofMillis(40), later::countDown);
      TestThreads.awaitPromptly(later, "later");
      assertThat(withdrawnRuns).as("the withdrawn action ran").hasValue(0);
      assertThat(withdrawn.cancel()).as("a second cancel prevents nothing").isFalse();

      CountDownLatch ran = new CountDownLatch(1);
      Timer.Cancellable done = timer.schedule(Duration.ZERO, ran::countDown);
      TestThreads.awaitPromptly(ran, "ran");
      // The single timer thread has moved past it once a later action has run.
      CountDownLatch after = new CountDownLatch(1);
      timer.schedule(Duration.ZERO, after::countDown);
      TestThreads.awaitPromptly(after, "after");
      assertThat(done.cancel()).as("cancel after the action ran").isFalse();
    } finally {
      timer.close();
    }
  }
}
