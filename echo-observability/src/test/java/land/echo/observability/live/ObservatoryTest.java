package land.echo.observability.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import land.echo.ApplicationRuntime;
import land.echo.CommonError;
import land.echo.EffectHandle;
import land.echo.Effects;
import land.echo.Priority;
import land.echo.RetryPolicy;
import land.echo.observability.NameTags;
import land.echo.observability.TestRuntimes;
import land.echo.spi.OutcomeKind;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ObservatoryTest {
  private static final Effects<String> APP = Effects.failingWith(String.class);

  private final VirtualTime time = new VirtualTime();
  private final Observatory observatory = Observatory.create(NameTags.declared(Set.of("nap", "job"), 0), time, 64);
  private final ApplicationRuntime runtime = TestRuntimes.onVirtualTime(time, observatory);

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  private void nap(Duration d, Priority priority) {
    EffectHandle<String, Void> handle = runtime.submit(APP.<Void>sleep(d).named("nap"), priority);
    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> time.pendingTimers() == 1);
    time.advance(d);
    handle.join();
  }

  @Test
  void theSnapshotHasPerNameCountsAndLatencyPercentiles() {
    for (int i = 1; i <= 100; i++) {
      nap(Duration.ofMillis(i), Priority.NORMAL);
    }
    runtime.run(APP.<Integer>fail("no").named("job"));
    ObservatorySnapshot.NameStats nap = observatory.snapshot().name("nap");
    assertThat(nap.completed()).isEqualTo(100);
    assertThat(nap.succeeded()).isEqualTo(100);
    assertThat(nap.inFlight()).isZero();
    // HdrHistogram, two digits: a value is reported as the highest of its bucket, at most 1% above.
    assertThat(nap.p50Nanos()).isBetween(50_000_000L, 50_500_000L);
    assertThat(nap.p99Nanos()).isBetween(99_000_000L, 99_990_000L);
    assertThat(nap.maxNanos()).isBetween(100_000_000L, 101_000_000L);
    assertThat(nap.successRate()).isEqualTo(1.0);
    ObservatorySnapshot.NameStats job = observatory.snapshot().name("job");
    assertThat(job.failed()).isEqualTo(1);
    assertThat(observatory.snapshot().outcomes()).containsEntry(OutcomeKind.SUCCESS, 100L)
        .containsEntry(OutcomeKind.FAILURE, 1L).containsEntry(OutcomeKind.PANIC, 0L).hasSize(OutcomeKind.values().length);
    assertThat(job.successRate()).isZero();
  }

  @Test
  void queueWaitAndRunTimeAreKeptApart() {
    for (int i = 1; i <= 100; i++) {
      nap(Duration.ofMillis(i), Priority.NORMAL);
    }
    ObservatorySnapshot.NameStats nap = observatory.snapshot().name("nap");
    // Virtual time stands still between submission and start: no queue wait; all of it is run time.
    assertThat(nap.queueWait()).isEqualTo(new ObservatorySnapshot.Latency(100, 0, 0, 0));
    assertThat(nap.run().count()).isEqualTo(100);
    assertThat(nap.run().p50Nanos()).isBetween(50_000_000L, 50_500_000L);
    assertThat(nap.run().maxNanos()).isBetween(100_000_000L, 101_000_000L);
  }

  @Test
  void recentFailuresKeepTheLatestWithTheirText() {
    Observatory small = Observatory.create(NameTags.declared(Set.of("job"), 0), time, 0); // no journal
    ApplicationRuntime observed = TestRuntimes.onVirtualTime(time, small);
    try {
      observed.run(APP.<Integer>succeed(1).named("job"));
      for (int i = 1; i <= Observatory.RECENT_FAILURES + 3; i++) {
        observed.run(APP.<Integer>fail("no " + i).named("job"));
      }
      observed.run(Effects.failingWith(CommonError.class).<Integer>fail(new CommonError.FileSystemNotFound("/x")).named("job"));
      observed.run(APP.<Integer>suspend(() -> {
        throw new IllegalStateException("boom");
      }).named("job"));

      List<ObservatorySnapshot.Failure> failures = small.recentFailures();
      assertThat(failures).hasSize(Observatory.RECENT_FAILURES);
      assertThat(failures.getFirst().message()).isEqualTo("no 6"); // the oldest five are gone
      assertThat(failures.get(failures.size() - 3).message()).isEqualTo("no " + (Observatory.RECENT_FAILURES + 3));
      assertThat(failures.get(failures.size() - 2).message()).isEqualTo(new CommonError.FileSystemNotFound("/x").message());
      assertThat(failures.getLast().outcome()).isEqualTo(OutcomeKind.PANIC.tag());
      assertThat(failures.getLast().message()).contains("boom");
      assertThat(failures).allSatisfy(f -> {
        assertThat(f.name()).isEqualTo("job");
        assertThat(f.priority()).isEqualTo(Priority.NORMAL);
      });
      assertThat(small.events(-1, 10)).as("no journal").isEmpty();
      assertThat(small.snapshot().name("job").completed()).isEqualTo(Observatory.RECENT_FAILURES + 6);
    } finally {
      TestRuntimes.stop(observed);
    }
  }

  @Test
  void anErrorWhoseTextThrowsIsDescribedWithoutThrowing() {
    Object hostile = new Object() {
      @Override
      public String toString() {
        throw new IllegalStateException("no text");
      }
    };
    assertThat(Observatory.describe(new land.echo.Outcome.Failure<>(hostile)))
        .isEqualTo("(the error's text could not be built: java.lang.IllegalStateException)");
  }

  @Test
  void theAttemptOfARetryingEffectIsKeptWhileItIsInFlight() {
    EffectHandle<String, Integer> handle = runtime.submit(
        APP.<Integer>fail("down").retry(RetryPolicy.of(3, Duration.ofSeconds(1))).named("job"));
    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> time.pendingTimers() == 1);
    long id = runtime.inFlight().getFirst().id();
    assertThat(observatory.attemptOf(id)).isEqualTo(2);
    time.advance(Duration.ofSeconds(1));
    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
        .until(() -> observatory.attemptOf(id) == 3 && time.pendingTimers() == 1);
    while (!handle.isDone()) { // each later retry's timer is armed after the previous one fired
      await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
          .until(() -> handle.isDone() || time.pendingTimers() == 1);
      time.advance(Duration.ofSeconds(10));
    }
    assertThat(observatory.attemptOf(id)).isEqualTo(1);
  }

  @Test
  void throughputPerPriorityIsCompletionsPerSecondBetweenTwoSnapshots() {
    ObservatorySnapshot before = observatory.snapshot();
    for (int i = 0; i < 4; i++) {
      nap(Duration.ofMillis(500), Priority.HIGH);
    }
    ObservatorySnapshot after = observatory.snapshot();
    assertThat(after.throughputSince(before, Priority.HIGH)).isEqualTo(2.0);
    assertThat(after.throughputSince(before, Priority.LOW)).isZero();
    assertThat(after.priorities().get(Priority.HIGH).completed()).isEqualTo(4);
  }

  @Test
  void theJournalIsFollowedByCursorFromASnapshot() {
    ObservatorySnapshot start = observatory.snapshot();
    runtime.run(APP.succeed(1).named("job"), Priority.LOW);
    List<EffectEvent> events = observatory.events(start.nextSequence() - 1, 100);
    assertThat(events).extracting(EffectEvent::type).containsExactly(
        EffectEvent.Type.SUBMITTED, EffectEvent.Type.STARTED, EffectEvent.Type.COMPLETED);
    assertThat(events).extracting(EffectEvent::name).containsOnly("job");
    assertThat(events.get(2).outcome()).isEqualTo(OutcomeKind.SUCCESS);
    assertThat(events.get(2).priority()).isEqualTo(Priority.LOW);
    long last = events.get(2).sequence();
    assertThat(observatory.events(last, 100)).isEmpty();
    runtime.run(APP.succeed(2));
    assertThat(observatory.events(last, 100)).hasSize(3).first().extracting(EffectEvent::sequence).isEqualTo(last + 1);
  }

  @Test
  void aReaderThatFellBehindGetsTheNewestEventsTheJournalStillHolds() {
    for (int i = 0; i < 100; i++) {
      runtime.run(APP.succeed(i));
    }
    List<EffectEvent> events = observatory.events(-1, 1000);
    assertThat(events).hasSize(64);
    assertThat(events.get(63).sequence()).isEqualTo(299);
    assertThat(events.get(0).sequence()).isEqualTo(236);
    assertThat(observatory.snapshot().name(NameTags.UNNAMED).completed()).isEqualTo(100);
  }

  /**
   * Throughput is the completions between two snapshots over the time between them, from any
   * start: 4 completions from 1 s to 3 s are 2 per second; two snapshots at one instant give 0.
   */
  @Test
  void throughputIsTheDifferenceOfCompletionsOverTheDifferenceOfTimes() {
    nap(Duration.ofMillis(500), Priority.HIGH);
    nap(Duration.ofMillis(500), Priority.HIGH);
    ObservatorySnapshot before = observatory.snapshot(); // at 1 s, 2 completed
    for (int i = 0; i < 4; i++) {
      nap(Duration.ofMillis(500), Priority.HIGH);
    }
    ObservatorySnapshot after = observatory.snapshot(); // at 3 s, 6 completed

    assertThat(after.throughputSince(before, Priority.HIGH)).isEqualTo(2.0);
    assertThat(after.throughputSince(after, Priority.HIGH)).isZero();
    assertThat(after.takenNanos() - before.takenNanos()).isEqualTo(Duration.ofSeconds(2).toNanos());
  }

  /** A name's completions are its successes, failures and faults, each counted apart. */
  @Test
  void completionsAreTheSumOfSuccessesFailuresAndFaults() {
    runtime.run(APP.succeed(1).named("job"));
    runtime.run(APP.<Integer>fail("no").named("job"));
    runtime.run(APP.<Integer>fail("no").named("job"));
    runtime.run(APP.<Integer>compute(token -> {
      throw new IllegalStateException("boom");
    }).named("job"));
    ObservatorySnapshot.NameStats job = observatory.snapshot().name("job");
    assertThat(List.of(job.completed(), job.succeeded(), job.failed(), job.faulted())).containsExactly(4L, 1L, 2L, 1L);
    assertThat(job.successRate()).isEqualTo(0.25);
  }

  /** The snapshot lists the names in alphabetical order, whatever order they were first seen in. */
  @Test
  void theSnapshotListsTheNamesInOrder() {
    List<String> names = List.of("zeta", "alpha", "kilo", "echo", "bravo", "yankee", "mike", "delta");
    Observatory many = Observatory.create(NameTags.declared(Set.copyOf(names), 0), time, 64);
    ApplicationRuntime other = TestRuntimes.onVirtualTime(time, many);
    try {
      for (String name : names) {
        other.run(APP.succeed(1).named(name));
      }
      assertThat(many.snapshot().names()).extracting(ObservatorySnapshot.NameStats::name)
          .containsExactly("alpha", "bravo", "delta", "echo", "kilo", "mike", "yankee", "zeta");
    } finally {
      TestRuntimes.stop(other);
    }
  }

  /** Root effects only: the observatory does not ask for steps. */
  @Test
  void theObservatoryDoesNotObserveSteps() {
    assertThat(observatory.observesSteps()).isFalse();
  }

  /** A journal of one keeps (at least) the last event; a read of one returns one; zero of either is refused. */
  @Test
  void aJournalOfOneAndAReadOfOneAreTheSmallest() {
    Observatory small = Observatory.create(NameTags.ofDefaults(), time, 1);
    ApplicationRuntime other = TestRuntimes.onVirtualTime(time, small);
    try {
      other.run(APP.succeed(1).named("job"));
      assertThat(small.events(-1, 10)).isNotEmpty().last().extracting(EffectEvent::type).isEqualTo(EffectEvent.Type.COMPLETED);
    } finally {
      TestRuntimes.stop(other);
    }
    runtime.run(APP.succeed(1).named("job"));
    assertThat(observatory.events(-1, 1)).extracting(EffectEvent::type).containsExactly(EffectEvent.Type.SUBMITTED);
    assertThat(observatory.snapshot().nextSequence()).isEqualTo(3);
    assertThatThrownBy(() -> observatory.events(-1, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max");
    assertThatThrownBy(() -> Observatory.create(NameTags.ofDefaults(), time, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("journalCapacity must be at least 0, was -1");
  }
}
