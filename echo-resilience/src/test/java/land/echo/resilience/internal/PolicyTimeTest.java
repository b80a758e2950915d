package land.echo.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.Test;

class PolicyTimeTest {

  @Test
  void followingANewClockContinuesTheTimeFromItsLastReading() {
    VirtualTime first = new VirtualTime();
    first.advance(Duration.ofHours(5));
    VirtualTime second = new VirtualTime();
    PolicyTime time = new PolicyTime(null, null);
    time.followClock(first);
    long before = time.nanoTime();

    time.followClock(second); // second reads 0: without the offset the time would jump back 5 hours
    long after = time.nanoTime();
    second.advance(Duration.ofSeconds(3));

    assertThat(after).isEqualTo(before);
    assertThat(time.nanoTime() - after).isEqualTo(Duration.ofSeconds(3).toNanos());
  }

  @Test
  void followingTheSameClockAgainChangesNothing() {
    VirtualTime clock = new VirtualTime();
    PolicyTime time = new PolicyTime(null, null);
    time.followClock(clock);
    long before = time.nanoTime();
    clock.advance(Duration.ofMillis(7));

    time.followClock(clock);

    assertThat(time.nanoTime() - before).isEqualTo(Duration.ofMillis(7).toNanos());
  }

  @Test
  void aClockAndTimerGivenToTheBuilderAreNeverReplaced() {
    VirtualTime fixed = new VirtualTime();
    VirtualTime runtime = new VirtualTime();
    PolicyTime time = new PolicyTime(fixed, fixed);

    time.followClock(runtime);
    time.followTimer(runtime);
    runtime.advance(Duration.ofSeconds(10));

    assertThat(time.nanoTime()).isEqualTo(fixed.nanoTime());
    assertThat(time.timer()).isSameAs(fixed);
    assertThat(time.followsTimer()).isFalse();
  }

  @Test
  void aTimerIsFollowedWhenNoneWasGiven() {
    VirtualTime runtime = new VirtualTime();
    PolicyTime time = new PolicyTime(null, null);

    time.followTimer(runtime);

    assertThat(time.timer()).isSameAs(runtime);
    assertThat(time.followsTimer()).isTrue();
  }

  @Test
  void timeStandsStillUntilARuntimeIsFollowedAndThenStartsFromThere() throws Exception {
    PolicyTime time = new PolicyTime(null, null);
    assertThat(time.nanoTime()).isZero();
    VirtualTime runtime = new VirtualTime();
    runtime.advance(Duration.ofSeconds(42));

    time.followClock(runtime);
    runtime.advance(Duration.ofMillis(5));

    assertThat(time.nanoTime()).isEqualTo(Duration.ofMillis(5).toNanos());
  }
}
