package land.echo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.time.Timer;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.Test;

/** Pins {@link Deadlines.RootDeadline} as a {@link Timer.Cancellable} (issue 13). */
class DeadlinesPinTest {

  /**
   * A root deadline's {@code cancel()} withdraws its timer entry and reports, as {@link
   * Timer.Cancellable#cancel()} promises, whether that prevented the action: true the first time,
   * false once withdrawn. Mutations: its return value replaced with true or with false.
   */
  @Test
  void cancellingARootDeadlineWithdrawsItsEntryAndReportsWhetherThatPreventedIt() {
    VirtualTime time = new VirtualTime();
    AtomicInteger fired = new AtomicInteger();
    Duration budget = Duration.ofSeconds(3);
    Deadlines.RootDeadline deadline = new Deadlines.RootDeadline(Deadlines.at(time.nanoTime(), budget));
    deadline.install(time.schedule(budget, fired::incrementAndGet));

    assertThat(deadline.at()).isEqualTo(budget.toNanos());
    assertThat(deadline.cancel()).as("the first cancel prevents the action").isTrue();
    assertThat(deadline.cancel()).as("a second cancel prevents nothing").isFalse();
    time.advance(budget);
    assertThat(fired).hasValue(0);
  }

  /** A root deadline whose action already ran reports that cancelling prevented nothing. */
  @Test
  void cancellingARootDeadlineThatAlreadyFiredReportsFalse() {
    VirtualTime time = new VirtualTime();
    AtomicInteger fired = new AtomicInteger();
    Deadlines.RootDeadline deadline = new Deadlines.RootDeadline(0);
    deadline.install(time.schedule(Duration.ZERO, fired::incrementAndGet));
    time.advance(Duration.ZERO);

    assertThat(fired).hasValue(1);
    assertThat(deadline.cancel()).isFalse();
  }

  /**
   * A root deadline is published before its timer entry exists (the root is queued first): a
   * cancellation in between prevents the action, and the entry installed afterwards is withdrawn
   * at once. Mutations: the check in install removed, cancel's return value replaced.
   */
  @Test
  void aCancellationBeforeTheEntryIsInstalledWithdrawsTheEntryOnInstall() {
    VirtualTime time = new VirtualTime();
    AtomicInteger fired = new AtomicInteger();
    Duration budget = Duration.ofSeconds(3);
    Deadlines.RootDeadline deadline = new Deadlines.RootDeadline(Deadlines.at(time.nanoTime(), budget));

    assertThat(deadline.cancel()).as("cancelling before the entry exists prevents the action").isTrue();
    assertThat(deadline.cancel()).isFalse();
    deadline.install(time.schedule(budget, fired::incrementAndGet));
    assertThat(time.pendingTimers()).isZero();
    time.advance(budget);
    assertThat(fired).hasValue(0);
  }

  /** An entry installed on a live deadline stays until the deadline is cancelled. */
  @Test
  void anEntryInstalledOnALiveDeadlineIsWithdrawnByTheLaterCancel() {
    VirtualTime time = new VirtualTime();
    AtomicInteger fired = new AtomicInteger();
    Duration budget = Duration.ofSeconds(3);
    Deadlines.RootDeadline deadline = new Deadlines.RootDeadline(Deadlines.at(time.nanoTime(), budget));
    deadline.install(time.schedule(budget, fired::incrementAndGet));
    assertThat(time.pendingTimers()).isEqualTo(1);

    assertThat(deadline.cancel()).isTrue();
    time.advance(budget);
    assertThat(fired).hasValue(0);
  }
}
