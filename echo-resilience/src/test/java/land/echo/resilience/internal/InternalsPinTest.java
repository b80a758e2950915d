package land.echo.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import land.echo.Priority;
import land.echo.resilience.PolicyEvent;
import land.echo.resilience.Subscription;
import org.junit.jupiter.api.Test;

/**
 * Pins the internal building blocks of the policies (issue 13): the builders' checks at their
 * boundaries, Gradient2's arithmetic, the sliding percentile's window, the priority queue of
 * waiters, the java.time adapter and the listeners. No runtime, no real time.
 */
class InternalsPinTest {

  // ---- Checks -------------------------------------------------------------------------------

  /** A name is returned as given; null and blank names are refused, naming the field. */
  @Test
  void checksNameReturnsItAndRefusesNullOrBlank() {
    assertThat(Checks.name("db")).isEqualTo("db");
    assertThatThrownBy(() -> Checks.name(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
    assertThatThrownBy(() -> Checks.name(" \t")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must not be blank");
  }

  /** atLeast(int) accepts the minimum itself, refuses one below with the field and both values. */
  @Test
  void checksAtLeastIntAcceptsTheMinimumItself() {
    assertThat(Checks.atLeast("n", 3, 3)).isEqualTo(3);
    assertThat(Checks.atLeast("n", 4, 3)).isEqualTo(4);
    assertThatThrownBy(() -> Checks.atLeast("n", 2, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("n must be at least 3, was 2");
  }

  /** atLeast(long) accepts the minimum itself, refuses one below with the field and both values. */
  @Test
  void checksAtLeastLongAcceptsTheMinimumItself() {
    assertThat(Checks.atLeast("n", 3L, 3L)).isEqualTo(3L);
    assertThat(Checks.atLeast("n", 5_000_000_000L, 3L)).isEqualTo(5_000_000_000L);
    assertThatThrownBy(() -> Checks.atLeast("n", 2L, 3L)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("n must be at least 3, was 2");
  }

  /** atLeast(Duration) accepts an equal duration, refuses a shorter one naming both fields. */
  @Test
  void checksAtLeastDurationAcceptsAnEqualOne() {
    Duration second = Duration.ofSeconds(1);
    assertThat(Checks.atLeast("window", second, "every", Duration.ofSeconds(1))).isSameAs(second);
    assertThat(Checks.atLeast("window", Duration.ofSeconds(2), "every", second)).isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> Checks.atLeast("window", Duration.ofMillis(999), "every", second))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("window must be at least every (PT1S), was PT0.999S");
  }

  /**
   * atLeast(Duration, least), atMost and measurable return the duration they accept, the bound
   * itself included; measurable refuses zero and anything longer than a long of nanoseconds.
   */
  @Test
  void checksDurationBoundsReturnWhatTheyAccept() {
    Duration milli = Duration.ofMillis(1);
    assertThat(Checks.atLeast("wait", milli, Duration.ofMillis(1))).isSameAs(milli);
    assertThat(Checks.atMost("wait", Checks.LONGEST, Duration.ofNanos(Long.MAX_VALUE))).isSameAs(Checks.LONGEST);
    assertThat(Checks.measurable("delay", milli)).isSameAs(milli);
    assertThat(Checks.measurable("delay", Checks.LONGEST)).isSameAs(Checks.LONGEST);
    assertThatThrownBy(() -> Checks.measurable("delay", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delay must be positive, was PT0S");
    assertThatThrownBy(() -> Checks.measurable("delay", Checks.LONGEST.plusNanos(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("delay must be at most ");
  }

  /** inRange is (low, high]: low is refused, high accepted, above high and NaN refused. */
  @Test
  void checksInRangeIsOpenBelowAndClosedAbove() {
    assertThat(Checks.inRange("p", 100, 0, 100)).isEqualTo(100.0);
    assertThat(Checks.inRange("p", 0.001, 0, 100)).isEqualTo(0.001);
    assertThatThrownBy(() -> Checks.inRange("p", 0, 0, 100)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("p must be in (0.0, 100.0], was 0.0");
    assertThatThrownBy(() -> Checks.inRange("p", 100.5, 0, 100)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Checks.inRange("p", Double.NaN, 0, 100)).isInstanceOf(IllegalArgumentException.class);
  }

  /** positive refuses zero, negative and null (naming the field), returns a positive duration. */
  @Test
  void checksPositiveRefusesZeroNegativeAndNull() {
    Duration nano = Duration.ofNanos(1);
    assertThat(Checks.positive("d", nano)).isSameAs(nano);
    assertThatThrownBy(() -> Checks.positive("d", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("d must be positive, was PT0S");
    assertThatThrownBy(() -> Checks.positive("d", Duration.ofNanos(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Checks.positive("d", null)).isInstanceOf(NullPointerException.class).hasMessage("d");
  }

  /** nonNegative accepts zero, refuses a negative duration and null (naming the field). */
  @Test
  void checksNonNegativeAcceptsZero() {
    assertThat(Checks.nonNegative("d", Duration.ZERO)).isSameAs(Duration.ZERO);
    assertThat(Checks.nonNegative("d", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    assertThatThrownBy(() -> Checks.nonNegative("d", Duration.ofNanos(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("d must not be negative, was PT-0.000000001S");
    assertThatThrownBy(() -> Checks.nonNegative("d", null)).isInstanceOf(NullPointerException.class).hasMessage("d");
  }

  // ---- Gradient2 (expected values from the documented formula, computed outside the code) ----

  /** At steady latency the limit grows by the queue allowance: exact values of the formula. */
  @Test
  void gradientGrowsByTheSmoothedQueueAllowanceAtSteadyLatency() {
    Gradient2 gradient = new Gradient2(1000, 1, 100_000);
    assertThat(gradient.limit()).isEqualTo(1000);
    List<Integer> limits = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      limits.add(gradient.sample(1_000, 1_000));
    }
    assertThat(limits).containsExactly(1006, 1012, 1019, 1025, 1031);
    assertThat(gradient.limit()).isEqualTo(1031);
  }

  /** The limit moves once half its slots are in flight (inFlight == limit / 2), not below. */
  @Test
  void gradientActsFromHalfTheLimitInFlight() {
    assertThat(new Gradient2(1000, 1, 100_000).sample(1_000, 500)).isEqualTo(1006);
    Gradient2 idle = new Gradient2(1000, 1, 100_000);
    assertThat(idle.sample(1_000, 499)).isEqualTo(1000);
    assertThat(idle.limit()).isEqualTo(1000);
  }

  /** A latency jump shrinks the limit, the gradient clamped at 0.5 (exact values). */
  @Test
  void gradientShrinksWithTheGradientClampedAtOneHalf() {
    Gradient2 gradient = new Gradient2(1000, 1, 100_000);
    for (int i = 0; i < 3; i++) {
      gradient.sample(1_000, 2_000);
    }
    assertThat(gradient.sample(10_000, 2_000)).isEqualTo(923);
    assertThat(gradient.sample(10_000, 2_000)).isEqualTo(872);
  }

  /** A long average far above the latency (ratio over 2) is pulled down by 5%, visible later. */
  @Test
  void gradientPullsALongAverageFarAboveTheLatencyDown() {
    Gradient2 gradient = new Gradient2(1000, 1, 100_000);
    for (int i = 0; i < 3; i++) {
      gradient.sample(100_000, 2_000);
    }
    assertThat(gradient.sample(1_000, 2_000)).isEqualTo(1025);
    // Long average 71,487.5 after the pull-down (75,250 without): 976 here, 980 without it.
    assertThat(gradient.sample(200_000, 2_000)).isEqualTo(976);
  }

  /** A long average exactly twice the latency is not pulled down (strictly over 2 is). */
  @Test
  void gradientDoesNotPullDownAtARatioOfExactlyTwo() {
    Gradient2 gradient = new Gradient2(1000, 1, 100_000);
    assertThat(gradient.sample(3_000, 2_000)).isEqualTo(1006);
    assertThat(gradient.sample(1_000, 2_000)).isEqualTo(1012); // long average 2,000: ratio exactly 2
    assertThat(gradient.sample(10_000, 2_000)).isEqualTo(958); // 956 had it been pulled down
  }

  /** The limit never leaves [min, max]. */
  @Test
  void gradientStaysWithinItsBounds() {
    Gradient2 floor = new Gradient2(10, 10, 100);
    for (int i = 0; i < 3; i++) {
      assertThat(floor.sample(1_000, 0)).isEqualTo(10); // idle: counted, the limit holds
    }
    assertThat(floor.sample(1_000_000_000, 10)).isEqualTo(10); // 9.63 unclamped
    Gradient2 unclamped = new Gradient2(10, 1, 100);
    for (int i = 0; i < 3; i++) {
      unclamped.sample(1_000, 0);
    }
    assertThat(unclamped.sample(1_000_000_000, 10)).isEqualTo(9);

    Gradient2 ceiling = new Gradient2(10, 1, 10);
    assertThat(ceiling.sample(1_000, 10)).isEqualTo(10); // 10.63 unclamped
    Gradient2 roomy = new Gradient2(10, 1, 11);
    roomy.sample(1_000, 10);
    assertThat(roomy.sample(1_000, 10)).isEqualTo(11);
  }

  /** A zero latency counts as 1 ns, not as a division by zero. */
  @Test
  void gradientTreatsAZeroLatencyAsOneNanosecond() {
    Gradient2 gradient = new Gradient2(1000, 1, 100_000);
    assertThat(gradient.sample(0, 1_000)).isEqualTo(1006);
    assertThat(gradient.sample(0, 1_000)).isEqualTo(1012);
    assertThat(gradient.sample(1, 1_000)).isEqualTo(1019);
  }

  // ---- SlidingPercentile ----------------------------------------------------------------------

  /** Nothing counts until the interval is rolled; a sample leaves the window after `slots` more rolls. */
  @Test
  void slidingPercentileKeepsASampleForExactlyItsSlots() {
    SlidingPercentile p = SlidingPercentile.over(Duration.ofSeconds(3), Duration.ofSeconds(1)); // 3 slots
    p.record(200_000);
    assertThat(p.count()).isZero();
    p.roll();
    assertThat(p.count()).isEqualTo(1);
    assertThat(p.percentileNanos(100)).isEqualTo(200_000);
    p.roll();
    p.roll();
    assertThat(p.count()).isEqualTo(1);
    p.roll();
    assertThat(p.count()).isZero();
  }

  /** A window shorter than its interval still has one slot. */
  @Test
  void slidingPercentileHasAtLeastOneSlot() {
    SlidingPercentile p = SlidingPercentile.over(Duration.ofSeconds(1), Duration.ofSeconds(2));
    p.record(100_000);
    p.roll();
    assertThat(p.count()).isEqualTo(1);
    p.roll();
    assertThat(p.count()).isZero();
  }

  /** Values are kept in whole microseconds, at least 1, and the percentile reads across slots. */
  @Test
  void slidingPercentileReadsMicrosecondsAcrossTheWindow() {
    SlidingPercentile p = new SlidingPercentile(2);
    p.record(0);
    p.record(999);
    p.roll();
    assertThat(p.percentileNanos(100)).isEqualTo(1_000);
    for (int us = 1; us <= 100; us++) {
      p.record(us * 1_000L + 999);
    }
    p.roll();
    assertThat(p.count()).isEqualTo(102);
    assertThat(p.percentileNanos(50)).isEqualTo(49_000); // the 51st of 1, 1, 1, 2, .., 100 µs
    assertThat(p.percentileNanos(100)).isEqualTo(100_000);
  }

  // ---- PriorityWaiters ------------------------------------------------------------------------

  /** HIGH first, then NORMAL, then LOW; FIFO within a priority; the arrival time is kept. */
  @Test
  void waitersAreOrderedByPriorityThenArrival() {
    PriorityWaiters q = new PriorityWaiters();
    PriorityWaiters.Waiter low1 = q.add(Priority.LOW, 1);
    PriorityWaiters.Waiter normal1 = q.add(Priority.NORMAL, 2);
    PriorityWaiters.Waiter high1 = q.add(Priority.HIGH, 3);
    PriorityWaiters.Waiter normal2 = q.add(Priority.NORMAL, 4);
    PriorityWaiters.Waiter high2 = q.add(Priority.HIGH, 5);
    assertThat(q.size()).isEqualTo(5);
    assertThat(low1.priority).isEqualTo(Priority.LOW);
    assertThat(normal2.enqueuedNanos).isEqualTo(4);
    assertThat((Object) q.peek()).isSameAs(high1);
    List<PriorityWaiters.Waiter> order = new ArrayList<>();
    PriorityWaiters.Waiter w;
    while ((w = q.poll()) != null) {
      order.add(w);
    }
    assertThat(order).containsExactly(high1, high2, normal1, normal2, low1);
    assertThat(q.size()).isZero();
    assertThat((Object) q.peek()).isNull();
    assertThat((Object) q.leastUrgent()).isNull();
  }

  /** Waiters that gave up are dropped by peek and poll, and skipped by leastUrgent. */
  @Test
  void waitersThatGaveUpAreSkipped() {
    PriorityWaiters q = new PriorityWaiters();
    PriorityWaiters.Waiter high = q.add(Priority.HIGH, 0);
    PriorityWaiters.Waiter normal = q.add(Priority.NORMAL, 0);
    PriorityWaiters.Waiter low = q.add(Priority.LOW, 0);
    high.cancel(false);
    low.cancel(false);
    assertThat(q.size()).isEqualTo(3); // counted until dropped
    assertThat((Object) q.leastUrgent()).isSameAs(normal);
    assertThat((Object) q.peek()).isSameAs(normal);
    assertThat(q.size()).isEqualTo(2);
    assertThat((Object) q.poll()).isSameAs(normal);
    assertThat((Object) q.poll()).isNull();
    assertThat(q.size()).isZero();
  }

  /** leastUrgent is the lowest priority, latest arrival; remove finds that very waiter. */
  @Test
  void theLeastUrgentWaiterIsTheLatestOfTheLowestPriority() {
    PriorityWaiters q = new PriorityWaiters();
    q.add(Priority.NORMAL, 0);
    PriorityWaiters.Waiter low1 = q.add(Priority.LOW, 0);
    PriorityWaiters.Waiter low2 = q.add(Priority.LOW, 0);
    q.add(Priority.HIGH, 0);
    assertThat((Object) q.leastUrgent()).isSameAs(low2);
    assertThat(q.remove(low2)).isTrue();
    assertThat(q.remove(low2)).isFalse();
    assertThat((Object) q.leastUrgent()).isSameAs(low1);
    assertThat(q.size()).isEqualTo(3);
  }

  /** Waiters compare by priority then arrival and are equal only to themselves. */
  @Test
  void waitersCompareByPriorityThenSequenceWithIdentityEquality() {
    PriorityWaiters q = new PriorityWaiters();
    PriorityWaiters.Waiter a = q.add(Priority.NORMAL, 7);
    PriorityWaiters.Waiter b = q.add(Priority.NORMAL, 7);
    PriorityWaiters.Waiter high = q.add(Priority.HIGH, 7);
    assertThat(a.compareTo(b)).isNegative();
    assertThat(b.compareTo(a)).isPositive();
    assertThat(a.compareTo(a)).isZero();
    assertThat(high.compareTo(a)).isNegative();
    assertThat(a.compareTo(high)).isPositive();
    assertThat((Object) a).isEqualTo(a).isNotEqualTo(b);
    assertThat(a.hashCode()).isEqualTo(System.identityHashCode(a));
  }

  // ---- JavaClock ------------------------------------------------------------------------------

  /** Instants and millis are the Echo clock's nanoseconds from the epoch, floored, in UTC. */
  @Test
  void javaClockReadsTheEchoClocksNanoseconds() {
    AtomicLong nanos = new AtomicLong(3_500_000_123L);
    JavaClock clock = new JavaClock(nanos::get);
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    assertThat(clock.withZone(ZoneId.of("Europe/Paris"))).isSameAs(clock);
    assertThat(clock.instant()).isEqualTo(Instant.ofEpochSecond(3, 500_000_123));
    assertThat(clock.millis()).isEqualTo(3_500L);
    nanos.set(-1);
    assertThat(clock.instant()).isEqualTo(Instant.ofEpochSecond(-1, 999_999_999));
    assertThat(clock.millis()).isEqualTo(-1L);
  }

  // ---- Listeners ------------------------------------------------------------------------------

  /** Every listener gets the event; one that throws does not stop the others; close removes one. */
  @Test
  void listenersDeliverToAllSkipTheThrowingOneAndCloseRemovesOnlyItsOwn() {
    Listeners listeners = new Listeners();
    assertThat(listeners.isEmpty()).isTrue();
    List<PolicyEvent> seen = new ArrayList<>();
    Consumer<PolicyEvent> collect = seen::add;
    listeners.add(event -> {
      throw new IllegalStateException("listener bug");
    });
    Subscription first = listeners.add(collect);
    Subscription second = listeners.add(collect); // the same listener twice: two registrations
    assertThat(listeners.isEmpty()).isFalse();
    PolicyEvent event = new PolicyEvent.LimitChanged("db", 1, 2);

    listeners.publish(event);
    assertThat(seen).containsExactly(event, event);

    first.close();
    first.close(); // idempotent: the second registration stays
    listeners.publish(event);
    assertThat(seen).hasSize(3);
    second.close();
    listeners.publish(event);
    assertThat(seen).hasSize(3);
    assertThat(listeners.isEmpty()).isFalse(); // the throwing one is still registered
  }

  /** A null listener is refused. */
  @Test
  void listenersRefuseNull() {
    assertThatThrownBy(() -> new Listeners().add(null)).isInstanceOf(NullPointerException.class).hasMessage("listener");
  }
}
