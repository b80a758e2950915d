package land.echo.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VirtualTimeTest {
  private final VirtualTime time = new VirtualTime();
  private final List<String> fired = new ArrayList<>();

  @Test
  void startsAtZeroAndOnlyMovesWhenAdvanced() {
    assertThat(time.nanoTime()).isZero();
    time.advance(Duration.ofMillis(3));
    assertThat(time.now()).isEqualTo(Duration.ofMillis(3));
  }

  @Test
  void actionsRunInDeadlineOrderAtTheirOwnDeadline() {
    List<Duration> at = new ArrayList<>();
    time.schedule(Duration.ofMillis(30), () -> at.add(time.now()));
    time.schedule(Duration.ofMillis(10), () -> at.add(time.now()));
    time.schedule(Duration.ofMillis(20), () -> at.add(time.now()));
    time.advance(Duration.ofMillis(25));
    assertThat(at).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
    assertThat(time.pendingTimers()).isEqualTo(1);
    assertThat(time.nextDelay()).contains(Duration.ofMillis(5));
    time.advance(Duration.ofMillis(5));
    assertThat(at).hasSize(3);
    assertThat(time.nextDelay()).isEmpty();
  }

  @Test
  void nothingFiresBeforeItsExactDeadline() {
    time.schedule(Duration.ofMillis(100), () -> fired.add("due"));
    time.advance(Duration.ofMillis(100).minusNanos(1));
    assertThat(fired).isEmpty();
    time.advance(Duration.ofNanos(1));
    assertThat(fired).containsExactly("due");
  }

  @Test
  void sameInstantActionsRunInSchedulingOrder() {
    time.schedule(Duration.ofMillis(1), () -> fired.add("a"));
    time.schedule(Duration.ofMillis(1), () -> fired.add("b"));
    time.advance(Duration.ofMillis(1));
    assertThat(fired).containsExactly("a", "b");
  }

  @Test
  void aCancelledActionNeverRuns() {
    Timer.Cancellable handle = time.schedule(Duration.ofMillis(1), () -> fired.add("x"));
    assertThat(handle.cancel()).isTrue();
    assertThat(handle.cancel()).isFalse();
    time.advance(Duration.ofSeconds(1));
    assertThat(fired).isEmpty();
    assertThat(time.pendingTimers()).isZero();
  }

  @Test
  void anActionScheduledByAnActionRunsInTheSameAdvanceIfDue() {
    time.schedule(Duration.ofMillis(10), () -> time.schedule(Duration.ofMillis(10), () -> fired.add("chained at " + time.now())));
    time.advance(Duration.ofMillis(30));
    assertThat(fired).containsExactly("chained at PT0.02S");
    assertThat(time.now()).isEqualTo(Duration.ofMillis(30));
  }

  @Test
  void negativeDurationsAreRejected() {
    assertThatThrownBy(() -> time.schedule(Duration.ofMillis(-1), () -> { })).hasMessageContaining("delay");
    assertThatThrownBy(() -> time.advance(Duration.ofMillis(-1))).hasMessageContaining("duration");
  }

  @Test
  void noPendingTimerMeansNoNextDelay() {
    assertThat(time.nextDelay()).isEqualTo(Optional.empty());
  }
}
