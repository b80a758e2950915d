package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.spi.EffectInfo;
import land.echo.spi.RuntimeListener;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The runtime listener SPI, {@code inFlight()}, {@link RunOptions} and effect naming. */
@Timeout(60)
class RuntimeListenerTest {
  private static final Duration SECOND = Duration.ofSeconds(1);

  private final VirtualTime time = new VirtualTime();
  private final Recording recording = new Recording();
  private ApplicationRuntime runtime;

  @AfterEach
  void stop() {
    if (runtime != null) {
      TestRuntimes.stop(runtime);
    }
  }

  private ApplicationRuntime observed(RuntimeListener... listeners) {
    ApplicationRuntime.Builder builder =
        ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(2)).clock(time).timer(time);
    for (RuntimeListener listener : listeners) {
      builder.listener(listener);
    }
    runtime = builder.build();
    return runtime;
  }

  @Test
  void aNamedComputeEffectReportsItsWholeLifeInOrder() {
    observed(recording);
    ActionEffect<String, Integer> effect =
        ActionEffect.<String, Integer>compute(token -> 20).map(n -> n + 1).named("calc");
    Outcome<String, Integer> outcome = TestRuntimes.runPromptly(runtime, effect);
    assertThat(outcome.getOrThrow()).isEqualTo(21);
    assertThat(recording.events).containsExactly(
        "submitted calc", "started calc", "stepStarted calc calc", "stepEnded calc calc Success[value=21]",
        "completed calc Success[value=21]");
  }

  @Test
  void aBlockingBodyOnAVirtualThreadIsReportedLikeACompute() {
    observed(recording);
    ActionEffect<String, String> effect =
        ActionEffect.<String, String>blocking(token -> "read").named("io");
    assertThat(TestRuntimes.runPromptly(runtime, effect, RunOptions.defaults().withName("job")).getOrThrow()).isEqualTo("read");
    assertThat(recording.events).containsExactly(
        "submitted job", "started job", "stepStarted job io", "stepEnded job io Success[value=read]",
        "completed job Success[value=read]");
  }

  @Test
  void aDeadlineReportsTheCancellationOffTheTimerThread() throws InterruptedException {
    observed(recording);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    ActionEffect<String, Integer> slow = ActionEffect.blocking(token -> {
      running.countDown();
      never.await();
      return 1;
    });
    EffectHandle<String, Integer> handle =
        runtime.submit(slow, RunOptions.defaults().withName("slow").withTimeout(SECOND));
    TestRuntimes.awaitPromptly(running, "running");
    time.advance(SECOND);
    Outcome<String, Integer> outcome = TestRuntimes.joinPromptly(handle);
    assertThat(outcome).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(SECOND)));
    assertThat(recording.events).containsExactly(
        "submitted slow", "started slow", "cancelled slow " + new Fault.TimedOut(SECOND),
        "completed slow " + outcome);
    // Virtual time fires the deadline on this thread, as a timer fires it on its own: never the listener's.
    assertThat(List.copyOf(recording.threads).get(2)).isNotEqualTo(Thread.currentThread().getName());
  }

  @Test
  void retriesAreReportedWithTheAttemptAndTheDelay() {
    observed(recording);
    AtomicInteger calls = new AtomicInteger();
    ActionEffect<String, Integer> flaky = ActionEffect.<String, Integer>suspend(
        () -> calls.incrementAndGet() < 3 ? ActionEffect.fail("busy") : ActionEffect.succeed(7))
        .retry(RetryPolicy.of(5, Duration.ZERO))
        .named("flaky");
    assertThat(TestRuntimes.runPromptly(runtime, flaky).getOrThrow()).isEqualTo(7);
    assertThat(recording.events).contains(
        "retrying flaky 1 Failure[error=busy] PT0S", "retrying flaky 2 Failure[error=busy] PT0S");
  }

  @Test
  void aListenerThatThrowsNeverBreaksAnExecutionAndIsCounted() {
    RuntimeListener broken = new RuntimeListener() {
      @Override
      public void submitted(EffectInfo effect) {
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void completed(EffectInfo effect, Outcome<?, ?> outcome) {
        throw new IllegalStateException("listener bug");
      }
    };
    observed(broken, recording);
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.succeed(1).named("one")).getOrThrow()).isEqualTo(1);
    assertThat(recording.events).contains("submitted one", "completed one Success[value=1]");
    assertThat(runtime.stats().listenerFailures()).isEqualTo(2);
  }

  @Test
  void inFlightListsTheRootsNotYetCompleteWithTheirOptions() throws InterruptedException {
    observed(recording);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      running.countDown();
      release.await();
      return 1;
    }), RunOptions.defaults().withPriority(Priority.HIGH).withAttribute("tenant", "acme"));
    TestRuntimes.awaitPromptly(running, "running");
    List<EffectInfo> inFlight = runtime.inFlight();
    assertThat(inFlight).singleElement().satisfies(info -> {
      assertThat(info.name()).isEqualTo("effect#" + info.id());
      assertThat(info.priority()).isEqualTo(Priority.HIGH);
      assertThat(info.attributes()).isEqualTo(Map.of("tenant", "acme"));
      assertThat(info.submittedNanos()).isZero();
      assertThat(info.isStarted()).isTrue();
    });
    release.countDown();
    TestRuntimes.joinPromptly(handle);
    await().until(() -> runtime.inFlight().isEmpty());
  }

  @Test
  void withoutListenersNoClockIsReadAndInFlightSaysSo() throws InterruptedException {
    runtime = TestRuntimes.onVirtualTime(time);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
      running.countDown();
      release.await();
      return 1;
    }).named("quiet"));
    TestRuntimes.awaitPromptly(running, "running");
    assertThat(runtime.inFlight()).singleElement().satisfies(info -> {
      assertThat(info.name()).isEqualTo("quiet");
      assertThat(info.submittedNanos()).isEqualTo(-1);
      assertThat(info.startedNanos()).isEqualTo(-1);
    });
    release.countDown();
    assertThat(TestRuntimes.joinPromptly(handle).getOrThrow()).isEqualTo(1);
  }

  @Test
  void anUnnamedEffectIsCalledByItsIdNotByItsNodeKind() {
    observed(recording);
    TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>succeed(1).map(n -> n + 1));
    assertThat(recording.events.peek()).matches("submitted effect#\\d+");
  }

  @Test
  void runOptionsRejectANegativeTimeoutNamingTheField() {
    assertThatThrownBy(() -> RunOptions.defaults().withTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> RunOptions.defaults().withName(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
  }

  @Test
  void aQueuedEffectCancelledBeforeItRunsIsNeverReportedStarted() throws InterruptedException {
    observed(recording);
    CountDownLatch busy = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    List<EffectHandle<String, Integer>> blockers = List.of(
        runtime.submit(hog(busy, release)), runtime.submit(hog(busy, release)));
    TestRuntimes.awaitPromptly(busy, "busy");
    EffectHandle<String, Integer> queued = runtime.submit(ActionEffect.<String, Integer>succeed(1).named("queued"));
    assertThat(queued.cancel()).isTrue();
    release.countDown();
    blockers.forEach(EffectHandle::join);
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.succeed("marker")).isSuccess()).isTrue();
    assertThat(recording.events).contains("submitted queued").doesNotContain("started queued");
  }

  private static ActionEffect<String, Integer> hog(CountDownLatch busy, CountDownLatch release) {
    return ActionEffect.compute(token -> {
      busy.countDown();
      TestRuntimes.awaitUninterruptibly(release);
      return 0;
    });
  }

  /** Records every event as a line, and the threads they arrived on. */
  static final class Recording implements RuntimeListener {
    final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();

    private void record(String line) {
      events.add(line);
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void submitted(EffectInfo effect) {
      record("submitted " + effect.name());
    }

    @Override
    public void started(EffectInfo effect) {
      record("started " + effect.name());
    }

    @Override
    public void stepStarted(EffectInfo effect, String name) {
      record("stepStarted " + effect.name() + " " + name);
    }

    @Override
    public void stepEnded(EffectInfo effect, String name, Outcome<?, ?> outcome) {
      record("stepEnded " + effect.name() + " " + name + " " + outcome);
    }

    @Override
    public void retrying(EffectInfo effect, int attempt, Outcome<?, ?> failed, Duration delay) {
      record("retrying " + effect.name() + " " + attempt + " " + failed + " " + delay);
    }

    @Override
    public void cancelled(EffectInfo effect, Fault cause) {
      record("cancelled " + effect.name() + " " + cause);
    }

    @Override
    public void completed(EffectInfo effect, Outcome<?, ?> outcome) {
      record("completed " + effect.name() + " " + outcome);
    }
  }
}
