package land.echo.observability.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Effects;
import land.echo.Priority;
import land.echo.RetryPolicy;
import land.echo.RunOptions;
import land.echo.observability.NameTags;
import land.echo.observability.TestRuntimes;
import land.echo.scheduler.EchoScheduler;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EchoMetersTest {
  private static final Effects<String> APP = Effects.failingWith(String.class);

  private final VirtualTime time = new VirtualTime();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private ApplicationRuntime runtime;

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  private EchoMeters meters(NameTags names) {
    EchoScheduler scheduler = TestRuntimes.scheduler(2);
    EchoMeters meters = EchoMeters.builder(registry).names(names).clock(time).scheduler(scheduler).build();
    runtime = TestRuntimes.builder(time, scheduler, meters).build();
    return meters;
  }

  private double executions(String name, String priority, String outcome) {
    var counter = registry.find(EchoMeters.EXECUTIONS)
        .tags("name", name, "priority", priority, "outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void executionsAreCountedByNamePriorityAndOutcome() {
    meters(NameTags.ofDefaults());
    runtime.run(APP.succeed(1).named("checkout"), Priority.HIGH);
    runtime.run(APP.succeed(2).named("checkout"), Priority.HIGH);
    runtime.run(APP.<Integer>fail("declined").named("checkout"), Priority.HIGH);
    runtime.run(APP.<Integer>compute(token -> { throw new IllegalStateException("boom"); }).named("checkout"),
        Priority.LOW);
    assertThat(executions("checkout", "high", "success")).isEqualTo(2);
    assertThat(executions("checkout", "high", "failure")).isEqualTo(1);
    assertThat(executions("checkout", "low", "panic")).isEqualTo(1);
    assertThat(registry.get(EchoMeters.SUCCESS_RATIO).tags("name", "checkout", "priority", "high").gauge().value())
        .isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void durationCoversSubmissionToCompletionOnTheRuntimesClock() {
    meters(NameTags.ofDefaults());
    EffectHandle<String, Void> handle = runtime.submit(APP.<Void>sleep(Duration.ofMillis(250)).named("nap"));
    await().until(() -> time.pendingTimers() == 1);
    time.advance(Duration.ofMillis(250));
    handle.join();
    Timer duration = registry.get(EchoMeters.DURATION).tags("name", "nap", "priority", "normal").timer();
    assertThat(duration.count()).isEqualTo(1);
    assertThat(duration.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
    Timer queued = registry.get(EchoMeters.QUEUED).tags("name", "nap", "priority", "normal").timer();
    assertThat(queued.count()).isEqualTo(1);
    assertThat(queued.totalTime(TimeUnit.MILLISECONDS)).as("no virtual time passed before it ran").isZero();
  }

  @Test
  void inFlightCountsEffectsSubmittedAndNotYetCompleted() throws InterruptedException {
    meters(NameTags.ofDefaults());
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    EffectHandle<String, String> handle = runtime.submit(APP.blocking(token -> {
      running.countDown();
      release.await();
      return "done";
    }).named("io"));
    running.await();
    Gauge inFlight = registry.get(EchoMeters.IN_FLIGHT).tags("name", "io", "priority", "normal").gauge();
    assertThat(inFlight.value()).isEqualTo(1);
    release.countDown();
    handle.join();
    assertThat(inFlight.value()).isZero();
  }

  @Test
  void retriesAreCounted() {
    meters(NameTags.ofDefaults());
    AtomicInteger calls = new AtomicInteger();
    ActionEffect<String, Integer> flaky = APP.compute(token -> {
      if (calls.incrementAndGet() < 3) {
        throw new IllegalStateException("flaky");
      }
      return 7;
    });
    runtime.run(flaky.retry(RetryPolicy.of(5, Duration.ZERO)).named("flaky"));
    assertThat(registry.get(EchoMeters.RETRIES).tags("name", "flaky").counter().count()).isEqualTo(2);
    assertThat(executions("flaky", "normal", "success")).isEqualTo(1);
  }

  @Test
  void namesBeyondTheCapAreRecordedUnderOther() {
    meters(NameTags.declared(Set.of("checkout"), 1));
    runtime.run(APP.succeed(1).named("checkout"));
    runtime.run(APP.succeed(1), RunOptions.defaults().withName("user-1"));
    runtime.run(APP.succeed(1), RunOptions.defaults().withName("user-2"));
    runtime.run(APP.succeed(1), RunOptions.defaults().withName("user-3"));
    runtime.run(APP.succeed(1));
    assertThat(executions("checkout", "normal", "success")).isEqualTo(1);
    assertThat(executions("user-1", "normal", "success")).isEqualTo(1);
    assertThat(executions(NameTags.OTHER, "normal", "success")).isEqualTo(2);
    assertThat(executions(NameTags.UNNAMED, "normal", "success")).isEqualTo(1);
    assertThat(registry.find(EchoMeters.EXECUTIONS).counters())
        .extracting(c -> c.getId().getTag("name"))
        .containsExactlyInAnyOrder("checkout", "user-1", NameTags.OTHER, NameTags.UNNAMED);
  }

  @Test
  void schedulerGaugesReadTheSchedulersStatistics() {
    meters(NameTags.ofDefaults());
    runtime.run(APP.compute(token -> 1));
    assertThat(registry.get(EchoMeters.SCHEDULER_QUEUED).tags("priority", "high").gauge().value()).isZero();
    // The worker counts its task after the effect's outcome is delivered, so run() may return first.
    await().until(() -> registry.get(EchoMeters.TASKS_COMPLETED).functionCounter().count() > 0);
    await().until(() -> registry.get(EchoMeters.WORKERS_PARKED).gauge().value() == 2);
    assertThat(registry.get(EchoMeters.WORKERS_BUSY).gauge().value()).isZero();
    assertThat(registry.get(EchoMeters.STEALS).functionCounter().count()).isNotNegative();
  }

  @Test
  void policyMetersAreBoundWithTheSameRegistryAndNameTags() {
    NameTags names = NameTags.declared(Set.of("checkout"), 0);
    AtomicInteger queued = new AtomicInteger(3);
    EchoMeters meters = EchoMeters.builder(registry).names(names)
        .policyMeters((r, n) -> Gauge.builder(EchoMeters.POLICY_PREFIX + "bulkhead.queued", queued, AtomicInteger::get)
            .tag(EchoMeters.POLICY_TAG, "index")
            .tag("name", n.tag("unknown effect"))
            .register(r))
        .build();
    assertThat(meters.names()).isSameAs(names);
    Gauge gauge = registry.get("echo.policy.bulkhead.queued").tags("policy", "index", "name", NameTags.OTHER).gauge();
    assertThat(gauge.value()).isEqualTo(3);
  }

  @Test
  void closingRemovesTheSchedulersMetersSoAnotherSchedulerCanBeBound() {
    EchoMeters first = meters(NameTags.ofDefaults());
    runtime.run(APP.succeed(1).named("job"));
    first.close();
    assertThat(registry.find(EchoMeters.WORKERS_PARKED).gauge()).isNull();
    assertThat(registry.find(EchoMeters.EXECUTIONS).counter()).as("effect meters stay").isNotNull();
    EchoScheduler other = TestRuntimes.scheduler(3);
    try {
      EchoMeters.builder(registry).scheduler(other).build();
      await().until(() -> registry.get(EchoMeters.WORKERS_PARKED).gauge().value() == 3);
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void aBufferLengthBelowOneIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> EchoMeters.builder(registry).distributionBufferLength(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bufferLength");
  }

  /**
   * The duration and the queued time are differences of the runtime's clock, whatever its reading:
   * submitted at 1 s, queued behind two busy workers for 100 ms, then sleeping 250 ms.
   */
  @Test
  void durationAndQueuedTimeAreDifferencesOfTheClockFromAnyStart() {
    meters(NameTags.ofDefaults());
    time.advance(Duration.ofSeconds(1));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(2);
    for (int i = 0; i < 2; i++) {
      runtime.submit(APP.compute(token -> {
        busy.countDown();
        awaitQuietly(release);
        return 0;
      }).named("hog"));
    }
    assertThat(awaitQuietly(busy)).as("both workers are taken").isTrue();
    EffectHandle<String, Void> handle = runtime.submit(APP.<Void>sleep(Duration.ofMillis(250)).named("nap"));
    await().atMost(Duration.ofSeconds(2)).until(
        () -> registry.get(EchoMeters.SCHEDULER_QUEUED).tags("priority", "normal").gauge().value() == 1);
    assertThat(registry.get(EchoMeters.WORKERS_BUSY).gauge().value()).isEqualTo(2);
    time.advance(Duration.ofMillis(100));
    release.countDown();
    await().atMost(Duration.ofSeconds(2)).until(() -> time.pendingTimers() == 1);
    time.advance(Duration.ofMillis(250));
    TestRuntimes.done(handle);

    Timer queued = registry.get(EchoMeters.QUEUED).tags("name", "nap", "priority", "normal").timer();
    assertThat(queued.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(100);
    Timer duration = registry.get(EchoMeters.DURATION).tags("name", "nap", "priority", "normal").timer();
    assertThat(duration.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(350);
  }

  private static boolean awaitQuietly(CountDownLatch latch) {
    try {
      return latch.await(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Steps are not metered. */
  @Test
  void theMetersDoNotObserveSteps() {
    assertThat(meters(NameTags.ofDefaults()).observesSteps()).isFalse();
  }

  /**
   * A name folded into {@code other} stays there at every priority: it is not remembered as a name
   * with its own series (which would also let the remembered names grow without bound).
   */
  @Test
  void aFoldedNameStaysFoldedAtEveryPriority() {
    meters(NameTags.declared(Set.of(), 0));
    runtime.run(APP.succeed(1), RunOptions.defaults().withName("user-1"));
    runtime.run(APP.succeed(1), RunOptions.defaults().withName("user-1").withPriority(Priority.HIGH));
    assertThat(executions(NameTags.OTHER, "normal", "success")).isEqualTo(1);
    assertThat(executions(NameTags.OTHER, "high", "success")).isEqualTo(1);
    assertThat(registry.find(EchoMeters.EXECUTIONS).tag("name", "user-1").counters()).isEmpty();
  }

  /** Closing twice is harmless: the second close does not remove the meters another binding registered since. */
  @Test
  void closingTwiceLeavesALaterBindingsMeters() {
    EchoMeters first = meters(NameTags.ofDefaults());
    first.close();
    EchoScheduler other = TestRuntimes.scheduler(3);
    try {
      EchoMeters.builder(registry).scheduler(other).build();
      first.close();
      await().atMost(Duration.ofSeconds(2)).until(() -> registry.find(EchoMeters.WORKERS_PARKED).gauge() != null
          && registry.get(EchoMeters.WORKERS_PARKED).gauge().value() == 3);
    } finally {
      other.shutdownNow();
    }
  }

  /** The timers publish the configured percentiles; a percentile outside [0, 1] is refused. */
  @Test
  void theTimersPublishTheConfiguredPercentiles() {
    assertThatThrownBy(() -> EchoMeters.builder(registry).percentiles(0.5, -0.01))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-0.01");
    assertThatThrownBy(() -> EchoMeters.builder(registry).percentiles(1.01))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.01");
    assertThatThrownBy(() -> EchoMeters.builder(registry).percentiles(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    EchoScheduler scheduler = TestRuntimes.scheduler(2);
    EchoMeters meters = EchoMeters.builder(registry).clock(time).scheduler(scheduler).percentiles(0, 1)
        .distributionBufferLength(1).build();
    runtime = TestRuntimes.builder(time, scheduler, meters).build();
    runtime.run(APP.succeed(1).named("job"));
    Timer duration = registry.get(EchoMeters.DURATION).tags("name", "job", "priority", "normal").timer();
    assertThat(duration.takeSnapshot().percentileValues()).extracting(v -> v.percentile()).containsExactly(0.0, 1.0);
  }
}
