package land.echo.jfr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Effects;
import land.echo.Priority;
import land.echo.RetryPolicy;
import land.echo.RunOptions;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.spi.RuntimeListener;
import land.echo.testing.TestThreads;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Echo's JFR events, recorded to a file and read back with {@code jdk.jfr.consumer}. */
@Timeout(60)
class JfrListenerTest {
  private static final Effects<String> APP = Effects.failingWith(String.class);

  @TempDir
  Path dir;

  private static List<RecordedEvent> read(Path file, String name) throws Exception {
    List<RecordedEvent> events = new ArrayList<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      if (e.getEventType().getName().equals(name)) {
        events.add(e);
      }
    }
    return events;
  }

  /** An effect that fails while {@code calls} is below 3 (it counts its own runs), then returns 7. */
  private static ActionEffect<String, Integer> failsTwiceThenSevenFrom(AtomicInteger calls) {
    return APP.compute(token -> {
      if (calls.incrementAndGet() < 3) {
        throw new IllegalStateException("flaky");
      }
      return 7;
    });
  }

  @Test
  void everyRootEffectIsOneEventWithNamePriorityTimesOutcomeAndAttempt() throws Exception {
    VirtualTime time = new VirtualTime();
    Path file = dir.resolve("effects.jfr");
    AtomicInteger calls = new AtomicInteger();
    ActionEffect<String, Integer> flaky = failsTwiceThenSevenFrom(calls);
    try (Recording recording = new Recording()) {
      recording.enable(JfrListener.EFFECT_EXECUTED);
      recording.start();
      ApplicationRuntime runtime = ApplicationRuntime.builder()
          .scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(2).build()))
          .clock(time).timer(time)
          .listener(JfrListener.create(time))
          .build();
      try {
        EffectHandle<String, Void> nap = runtime.submit(APP.<Void>sleep(Duration.ofMillis(300)).named("nap"), Priority.HIGH);
        await().until(() -> time.pendingTimers() == 1);
        time.advance(Duration.ofMillis(300));
        TestThreads.joinPromptly(nap);
        TestThreads.runPromptly(runtime, flaky.retry(RetryPolicy.of(5, Duration.ZERO)), RunOptions.defaults().withName("flaky"));
        calls.set(0);
        TestThreads.runPromptly(runtime, flaky.retry(RetryPolicy.of(5, Duration.ZERO)).named("flakyNamed"));
        TestThreads.runPromptly(runtime, APP.<Integer>fail("no").named("refused"), Priority.LOW);
      } finally {
        runtime.shutdown(Duration.ZERO);
      }
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events = read(file, JfrListener.EFFECT_EXECUTED);
    assertThat(events).extracting(e -> e.getString("name")).containsExactlyInAnyOrder("nap", "flaky", "flakyNamed", "refused");
    RecordedEvent nap = events.stream().filter(e -> e.getString("name").equals("nap")).findFirst().orElseThrow();
    assertThat(nap.getString("priority")).isEqualTo("HIGH");
    assertThat(nap.getString("outcome")).isEqualTo("success");
    assertThat(nap.getDuration("running")).isEqualTo(Duration.ofMillis(300));
    assertThat(nap.getDuration("queued")).isZero();
    assertThat(nap.getInt("attempt")).isEqualTo(1);
    RecordedEvent retried = events.stream().filter(e -> e.getString("name").equals("flaky")).findFirst().orElseThrow();
    assertThat(retried.getInt("attempt")).isEqualTo(3);
    RecordedEvent named = events.stream().filter(e -> e.getString("name").equals("flakyNamed")).findFirst().orElseThrow();
    assertThat(named.getInt("attempt")).as("a retry inside the effect's own named step").isEqualTo(3);
    RecordedEvent refused = events.stream().filter(e -> e.getString("name").equals("refused")).findFirst().orElseThrow();
    assertThat(refused.getString("outcome")).isEqualTo("failure");
    assertThat(refused.getString("priority")).isEqualTo("LOW");
  }

  @Test
  void theOwnAttemptsAreCountedAlsoWhenAnotherListenerTurnsTheStepTreeOn() throws Exception {
    Path file = dir.resolve("steps.jfr");
    AtomicInteger calls = new AtomicInteger();
    ActionEffect<String, Integer> flaky = failsTwiceThenSevenFrom(calls);
    RuntimeListener observesSteps = new RuntimeListener() {}; // observesSteps() is true by default
    try (Recording recording = new Recording()) {
      recording.enable(JfrListener.EFFECT_EXECUTED);
      recording.start();
      ApplicationRuntime runtime = ApplicationRuntime.builder()
          .scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(2).build()))
          .listener(JfrListener.create())
          .listener(observesSteps)
          .build();
      try {
        TestThreads.runPromptly(runtime, flaky.retry(RetryPolicy.of(5, Duration.ZERO)).named("flakyNamed"));
        calls.set(0);
        TestThreads.runPromptly(runtime, flaky.retry(RetryPolicy.of(5, Duration.ZERO)), RunOptions.defaults().withName("flaky"));
      } finally {
        runtime.shutdown(Duration.ZERO);
      }
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events = read(file, JfrListener.EFFECT_EXECUTED);
    assertThat(events).extracting(e -> e.getString("name") + ":" + e.getInt("attempt"))
        .containsExactlyInAnyOrder("flakyNamed:3", "flaky:3");
  }

  @Test
  void onItsOwnTheListenerMakesTheRuntimeKeepNoStepTree() {
    assertThat(JfrListener.create().observesSteps()).isFalse();
  }

  @Test
  void aParkedWorkerThatIsWokenRecordsAParkEvent() throws Exception {
    Path file = dir.resolve("scheduler.jfr");
    try (Recording recording = new Recording()) {
      recording.enable(JfrListener.WORKER_PARKED);
      recording.enable(JfrListener.TASKS_STOLEN);
      recording.start();
      EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
      try (ApplicationRuntime runtime = ApplicationRuntime.builder().scheduler(scheduler).build()) {
        await().until(() -> scheduler.stats().parkedWorkers() == 2);
        TestThreads.runPromptly(runtime, APP.compute(token -> 1));
      }
      recording.stop();
      recording.dump(file);
    }
    assertThat(read(file, JfrListener.WORKER_PARKED)).isNotEmpty()
        .allSatisfy(e -> assertThat(e.getInt("worker")).isBetween(0, 1));
  }

  @Test
  void withoutARecordingNothingIsCommittedAndTheListenerStillCountsNothing() {
    VirtualTime time = new VirtualTime();
    JfrListener listener = JfrListener.create(time);
    try (ApplicationRuntime runtime = ApplicationRuntime.builder()
        .scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(2).build()))
        .clock(time).timer(time).listener(listener).build()) {
      assertThat(TestThreads.runPromptly(runtime, APP.succeed(1)).getOrThrow()).isEqualTo(1);
      assertThat(runtime.stats().listenerFailures()).isZero();
    }
  }
}
