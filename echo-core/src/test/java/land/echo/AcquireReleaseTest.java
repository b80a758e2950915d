package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code acquireRelease}: release exactly once iff acquired, also under cancellation. */
@Timeout(30)
class AcquireReleaseTest {
  private static final Duration HALF_SECOND = Duration.ofMillis(500);
  private static final Effects<String> APP = Effects.failingWith(String.class);

  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = TestRuntimes.onVirtualTime(time);
  /** What was released, with the outcome the release saw. */
  private final List<String> released = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  private void release(String resource, Outcome<String, ?> outcome) {
    released.add(resource + " " + outcome);
  }

  private static ActionEffect<String, String> blockForever(CountDownLatch started) {
    return APP.blocking(token -> {
      started.countDown();
      new CountDownLatch(1).await();
      return "never";
    });
  }

  @Test
  void releasesAfterASuccessfulUse() {
    ActionEffect<String, Integer> effect =
        APP.acquireRelease(APP.compute(token -> "conn"), conn -> APP.succeed(conn.length()), this::release);
    assertThat(TestRuntimes.runPromptly(runtime, effect).getOrThrow()).isEqualTo(4);
    assertThat(released).containsExactly("conn " + Outcome.success(4));
  }

  @Test
  void releasesAfterAFailedUseAndKeepsTheTypedError() {
    ActionEffect<String, Integer> effect =
        APP.acquireRelease(APP.succeed("conn"), conn -> APP.<Integer>fail("query failed"), this::release);
    assertThat(TestRuntimes.runPromptly(runtime, effect)).isEqualTo(Outcome.failure("query failed"));
    assertThat(released).containsExactly("conn " + Outcome.failure("query failed"));
  }

  @Test
  void releasesWhenTheUseFunctionThrows() {
    ActionEffect<String, Integer> effect = APP.acquireRelease(APP.succeed("conn"), conn -> {
      throw new IllegalStateException("bug");
    }, this::release);
    assertThat(TestRuntimes.runPromptly(runtime, effect)).isInstanceOf(Outcome.Faulted.class);
    assertThat(released).singleElement().asString().startsWith("conn Faulted[fault=Panic");
  }

  @Test
  void aFailedAcquisitionReleasesNothingAndSkipsTheUse() {
    AtomicBoolean used = new AtomicBoolean();
    ActionEffect<String, String> acquire = APP.fail("no connection");
    ActionEffect<String, Integer> effect = APP.acquireRelease(acquire, conn -> {
      used.set(true);
      return APP.succeed(1);
    }, this::release);
    assertThat(TestRuntimes.runPromptly(runtime, effect)).isEqualTo(Outcome.failure("no connection"));
    assertThat(used).isFalse();
    assertThat(released).isEmpty();
  }

  @Test
  void cancellationDuringTheUseReleasesExactlyOnce() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch unwound = new CountDownLatch(1);
    EffectHandle<String, String> handle = runtime.submit(
        APP.acquireRelease(APP.compute(token -> "conn"), conn -> blockForever(started), this::release)
            .ensuring(unwound::countDown));
    TestRuntimes.awaitPromptly(started, "started");
    handle.cancel("stop");
    TestRuntimes.awaitPromptly(unwound, "unwound");
    assertThat(released).containsExactly("conn " + Outcome.faulted(new Fault.Cancelled("stop")));
  }

  @Test
  void aTimeoutDuringTheUseReleasesWithTimedOut() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    EffectHandle<String, String> handle = runtime.submit(
        APP.acquireRelease(APP.succeed("conn"), conn -> blockForever(started), this::release).timeout(HALF_SECOND));
    TestRuntimes.awaitPromptly(started, "started");
    await().until(() -> time.pendingTimers() == 1);
    time.advance(HALF_SECOND);
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(Outcome.faulted(new Fault.TimedOut(HALF_SECOND)));
    await().until(() -> released.size() == 1);
    assertThat(released).containsExactly("conn " + Outcome.faulted(new Fault.TimedOut(HALF_SECOND)));
  }

  @Test
  void cancellationDuringABlockingAcquisitionDoesNotWaitAndReleasesWhenItCompletes() throws Exception {
    CountDownLatch acquiring = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    AtomicBoolean acquisitionInterrupted = new AtomicBoolean();
    AtomicBoolean used = new AtomicBoolean();
    ActionEffect<String, String> acquire = APP.blocking(token -> {
      acquiring.countDown();
      try {
        proceed.await();
      } catch (InterruptedException e) {
        acquisitionInterrupted.set(true);
        throw e;
      }
      return "conn";
    });
    EffectHandle<String, Integer> handle = runtime.submit(APP.acquireRelease(acquire, conn -> {
      used.set(true);
      return APP.succeed(1);
    }, this::release));
    TestRuntimes.awaitPromptly(acquiring, "acquiring");
    handle.cancel("stop");
    // The caller is answered while the acquisition still runs: cancellation never back-pressures.
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(Outcome.faulted(new Fault.Cancelled("stop")));
    assertThat(released).isEmpty();
    proceed.countDown();
    await().until(() -> released.size() == 1);
    assertThat(released).containsExactly("conn " + Outcome.faulted(new Fault.Cancelled("stop")));
    assertThat(acquisitionInterrupted).as("the acquisition is shielded").isFalse();
    assertThat(used).isFalse();
  }

  @Test
  void cancellationDuringAnAsyncAcquisitionReleasesTheLateResource() throws Exception {
    CompletableFuture<String> pending = new CompletableFuture<>();
    CountDownLatch acquiring = new CountDownLatch(1);
    ActionEffect<String, String> acquire = APP.async(token -> {
      acquiring.countDown();
      return pending;
    });
    EffectHandle<String, Integer> handle =
        runtime.submit(APP.acquireRelease(acquire, conn -> APP.succeed(1), this::release));
    TestRuntimes.awaitPromptly(acquiring, "acquiring");
    handle.cancel("stop");
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(Outcome.faulted(new Fault.Cancelled("stop")));
    assertThat(pending.isCancelled()).as("the acquisition's stage is not cancelled").isFalse();
    pending.complete("conn");
    await().until(() -> released.size() == 1);
    assertThat(released).containsExactly("conn " + Outcome.faulted(new Fault.Cancelled("stop")));
  }

  @Test
  void nestedResourcesAreReleasedInnerFirst() {
    ActionEffect<String, String> effect = APP.acquireRelease(APP.compute(token -> "outer"),
        outer -> APP.acquireRelease(APP.compute(token -> "inner"), inner -> APP.succeed(outer + "+" + inner),
            this::release),
        this::release);
    assertThat(TestRuntimes.runPromptly(runtime, effect).getOrThrow()).isEqualTo("outer+inner");
    assertThat(released).containsExactly(
        "inner " + Outcome.success("outer+inner"), "outer " + Outcome.success("outer+inner"));
  }

  @Test
  void aThrowingReleaseTurnsASuccessIntoAPanicAndIsCounted() {
    ActionEffect<String, Integer> effect = APP.acquireRelease(APP.succeed("conn"), conn -> APP.succeed(1),
        (conn, outcome) -> {
          throw new IllegalStateException("close failed");
        });
    assertThat(TestRuntimes.runPromptly(runtime, effect)).isInstanceOfSatisfying(Outcome.Faulted.class,
        f -> assertThat(f.fault()).isInstanceOf(Fault.Panic.class));
    assertThat(runtime.stats().finalizerFailures()).isEqualTo(1);
  }
}
