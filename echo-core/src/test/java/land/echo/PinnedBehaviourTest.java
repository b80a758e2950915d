package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pins behaviours that no other test pinned (issue 13, "Behaviour no test pins down"): each test
 * here fails on the mutation named in its comment.
 */
@Timeout(30)
class PinnedBehaviourTest {
  private static final Duration D = Duration.ofMillis(100);

  /** Runtimes a test started with {@link #started}; stopped after each test. */
  private final List<ApplicationRuntime> runtimes = new ArrayList<>();

  /** Returns {@code runtime}, to be stopped after the test whatever happens in it. */
  private ApplicationRuntime started(ApplicationRuntime runtime) {
    runtimes.add(runtime);
    return runtime;
  }

  @AfterEach
  void stopRuntimes() {
    runtimes.forEach(TestRuntimes::stop);
  }

  // ------------------------------------------------------------------ RetryPolicy

  /** Mutations: jitter never applied; only upward or only downward; amplitude halved or doubled. */
  @Test
  void jitterSpreadsTheDelayOverItsWholeFractionInBothDirections() {
    RetryPolicy policy = RetryPolicy.builder().initialDelay(D).jitter(0.5).build();
    Duration min = Duration.ofDays(1);
    Duration max = Duration.ZERO;
    long sumNanos = 0;
    int samples = 2_000;
    for (int i = 0; i < samples; i++) {
      Duration delay = policy.delay(1);
      // No cap here, so nothing clips the upward errors: the documented range is base * [0.5, 1.5].
      assertThat(delay).isBetween(Duration.ofMillis(50), Duration.ofMillis(150));
      min = delay.compareTo(min) < 0 ? delay : min;
      max = delay.compareTo(max) > 0 ? delay : max;
      sumNanos += delay.toNanos();
    }
    // Uniform over [50, 150] ms: with 2,000 samples the extremes are within 1 ms of the ends except
    // with probability about 2 * (0.99)^2000 < 1e-8, and the mean within 5 ms of 100 ms (5 sigma is 3.2 ms).
    assertThat(min).isLessThan(Duration.ofMillis(60));
    assertThat(max).isGreaterThan(Duration.ofMillis(140));
    assertThat(Duration.ofNanos(sumNanos / samples)).isBetween(Duration.ofMillis(95), Duration.ofMillis(105));
    // The jitter applies to each retry's own base delay.
    for (int i = 0; i < 200; i++) {
      assertThat(policy.delay(3)).isBetween(Duration.ofMillis(200), Duration.ofMillis(600));
    }
  }

  /** Mutation: the cap applied before the jitter (the jitter then exceeds maxDelay). */
  @Test
  void jitterNeverExceedsTheCap() {
    RetryPolicy policy = RetryPolicy.builder().initialDelay(D).jitter(1).maxDelay(D).build();
    for (int i = 0; i < 500; i++) {
      assertThat(policy.delay(1)).isBetween(Duration.ZERO, D);
    }
  }

  /** Mutation: multiplier 1 rejected by the builder (the docs allow {@code >= 1}). */
  @Test
  void multiplierOneIsAConstantBackoff() {
    RetryPolicy policy = RetryPolicy.builder().maxRetries(4).initialDelay(D).multiplier(1).build();
    assertThat(policy.multiplier()).isEqualTo(1.0);
    for (int retry = 1; retry <= 4; retry++) {
      assertThat(policy.delay(retry)).isEqualTo(D);
    }
  }

  // ------------------------------------------------------------------ all() with null results

  /** Mutation: {@code all} treating a null child result as "not yet settled" or panicking on it. */
  @Test
  void allOfTwoSleepsSucceedsWithTwoNulls() throws Exception {
    VirtualTime time = new VirtualTime();
    ApplicationRuntime runtime = started(TestRuntimes.onVirtualTime(time));
    EffectHandle<String, List<Void>> handle = runtime.submit(
        ActionEffect.<String, Void>all(List.of(ActionEffect.sleep(D), ActionEffect.sleep(D.multipliedBy(2)))));
    await().atMost(TestRuntimes.PROMPTLY).until(() -> time.pendingTimers() == 2);
    time.advance(D.multipliedBy(2));
    Outcome<String, List<Void>> outcome = TestRuntimes.joinPromptly(handle);
    List<Void> twoNulls = new ArrayList<>();
    twoNulls.add(null);
    twoNulls.add(null);
    assertThat(outcome).isEqualTo(new Outcome.Success<>(twoNulls));
  }

  // ------------------------------------------------------------------ exception unwrapping

  /** Mutation: every exception with a cause unwrapped (the panic would carry the IOException). */
  @Test
  void anUncheckedIoExceptionFromABodyIsThePanicCauseItself() {
    ApplicationRuntime runtime = started(TestRuntimes.onSystemTime());
    UncheckedIOException thrown = new UncheckedIOException(new IOException("disk"));
    Outcome<String, Integer> outcome = TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>compute(token -> {
      throw thrown;
    }));
    assertThat(outcome).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(thrown)));

    Outcome<String, Integer> caught = TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>compute(token -> {
      throw thrown;
    }).catching(UncheckedIOException.class, e -> "io: " + e.getCause().getMessage()));
    assertThat(caught).isEqualTo(new Outcome.Failure<>("io: disk"));
  }

  /** A wrapper of the user's own is caught as itself; only CompletionException/ExecutionException are unwrapped. */
  @Test
  void catchingAWrapperTypeCatchesTheWrapperAndOnlyTheDocumentedWrappersAreUnwrapped() {
    ApplicationRuntime runtime = started(TestRuntimes.onSystemTime());
    IllegalStateException inner = new IllegalStateException("inner");
    Outcome<String, Integer> caught = TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>compute(token -> {
      throw new WrapperException(inner);
    }).catching(WrapperException.class, e -> "wrapper of " + e.getCause().getMessage()));
    assertThat(caught).isEqualTo(new Outcome.Failure<>("wrapper of inner"));

    // A CompletionException is documented as a wrapper: the panic carries its cause.
    Outcome<String, Integer> unwrapped = TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>compute(token -> {
      throw new CompletionException(inner);
    }));
    assertThat(unwrapped).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(inner)));
  }

  static final class WrapperException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WrapperException(Throwable cause) {
      super(cause);
    }
  }

  // ------------------------------------------------------------------ token and handle contracts

  /** Mutation: {@code throwIfCancelled()} inverted (throws while live, silent once cancelled). */
  @Test
  void throwIfCancelledIsSilentWhileLiveAndThrowsTheReasonOnceCancelled() throws Exception {
    ApplicationRuntime runtime = started(TestRuntimes.onSystemTime());
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<CancellationToken> token = new AtomicReference<>();
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.<String, String>blocking(t -> {
      t.throwIfCancelled(); // live: must not throw
      token.set(t);
      started.countDown();
      TestRuntimes.awaitUninterruptibly(release); // keep the fiber from finishing
      return "done";
    }));
    TestRuntimes.awaitPromptly(started, "started");
    CancellationToken live = token.get();
    live.throwIfCancelled(); // still live
    assertThat(handle.cancel("because")).isTrue();
    assertThatThrownBy(live::throwIfCancelled)
        .isInstanceOf(CancellationException.class)
        .hasMessage("because");
    release.countDown();
  }

  /** Mutations: {@code cancel()} always false, or always true. */
  @Test
  void cancelWithNoArgumentReturnsWhetherThisCallCancelled() throws Exception {
    ApplicationRuntime runtime = started(TestRuntimes.onSystemTime());
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    EffectHandle<String, String> handle =
        runtime.submit(TestRuntimes.blockUntilInterrupted(started, interrupted, "value"));
    TestRuntimes.awaitPromptly(started, "started");
    assertThat(handle.cancel()).isTrue();
    assertThat(handle.cancel()).isFalse();
    assertThat(TestRuntimes.joinPromptly(handle)).isInstanceOfSatisfying(Outcome.Faulted.class,
        f -> assertThat(f.fault()).isEqualTo(new Fault.Cancelled("cancelled by the caller")));
    EffectHandle<String, Integer> done = runtime.submit(ActionEffect.succeed(1));
    assertThat(TestRuntimes.joinPromptly(done)).isEqualTo(new Outcome.Success<>(1));
    assertThat(done.cancel()).isFalse();
  }

  /** Mutation: an action registered after cancellation is stored (never run) instead of run at once. */
  @Test
  void onCancelAfterCancellationRunsAtOnceOnTheCaller() throws Exception {
    ApplicationRuntime runtime = started(TestRuntimes.onSystemTime());
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<CancellationToken> token = new AtomicReference<>();
    EffectHandle<String, String> handle = runtime.submit(ActionEffect.<String, String>blocking(t -> {
      token.set(t);
      started.countDown();
      TestRuntimes.awaitUninterruptibly(release);
      return "done";
    }));
    TestRuntimes.awaitPromptly(started, "started");
    assertThat(handle.cancel()).isTrue();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    token.get().onCancel(() -> ranOn.set(Thread.currentThread()));
    assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    release.countDown();
  }

  // ------------------------------------------------------------------ async stages

  /** Mutation: a stage that fails after the fiber suspended resumes it with a value (or not at all). */
  @Test
  void aStageThatFailsLaterResumesTheFiberWithAPanicOfItsCause() throws Exception {
    ApplicationRuntime runtime = started(TestRuntimes.onSystemTime());
    CompletableFuture<Integer> source = new CompletableFuture<>();
    CountDownLatch invoked = new CountDownLatch(1);
    AtomicInteger finalized = new AtomicInteger();
    EffectHandle<String, Integer> handle = runtime.submit(ActionEffect.<String, Integer>async(token -> {
      invoked.countDown();
      return source;
    }).ensuring(finalized::incrementAndGet));
    TestRuntimes.awaitPromptly(invoked, "invoked");
    IllegalStateException cause = new IllegalStateException("remote failed");
    source.completeExceptionally(cause);
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(cause)));
    assertThat(finalized).hasValue(1);
    // And a domain-level recovery sees the same panic: the fiber resumed on the fault path.
    CompletableFuture<Integer> second = new CompletableFuture<>();
    CountDownLatch invoked2 = new CountDownLatch(1);
    EffectHandle<String, Integer> handle2 = runtime.submit(ActionEffect.<String, Integer>async(token -> {
      invoked2.countDown();
      return second;
    }).catching(IllegalStateException.class, e -> "caught " + e.getMessage()));
    TestRuntimes.awaitPromptly(invoked2, "invoked2");
    second.completeExceptionally(new CompletionException(cause));
    assertThat(TestRuntimes.joinPromptly(handle2)).isEqualTo(new Outcome.Failure<>("caught remote failed"));
  }

  // ------------------------------------------------------------------ multi-capability effects

  interface Database {
    String query();
  }

  interface Cache {
    String get();
  }

  interface Mailer {
    String send();
  }

  private static ActionEffect<String, String> needsAllThree() {
    return ActionEffect.<String, String, Database>compute(Database.class, (db, t) -> db.query())
        .zip(ActionEffect.<String, String, Cache>compute(Cache.class, (c, t) -> c.get()), (a, b) -> a + b)
        .zip(ActionEffect.<String, String, Mailer>compute(Mailer.class, (m, t) -> m.send()), (ab, m) -> ab + m);
  }

  /** Mutation: {@code Node.union} dropping either side's requirements. */
  @Test
  void anEffectNeedingSeveralCapabilityTypesIsCheckedForEachAtSubmission() {
    Database db = () -> "d";
    Cache cache = () -> "c";
    Mailer mailer = () -> "m";
    Environment full = Environment.builder().with(Database.class, db).with(Cache.class, cache)
        .with(Mailer.class, mailer).build();
    assertMissing(Environment.builder().with(Cache.class, cache).with(Mailer.class, mailer).build(), Database.class);
    assertMissing(Environment.builder().with(Database.class, db).with(Mailer.class, mailer).build(), Cache.class);
    assertMissing(Environment.builder().with(Database.class, db).with(Cache.class, cache).build(), Mailer.class);
    // all() unions its children's requirements too.
    ActionEffect<String, List<String>> both = ActionEffect.all(List.of(
        ActionEffect.<String, String, Database>compute(Database.class, (d, t) -> d.query()),
        ActionEffect.<String, String, Cache>compute(Cache.class, (c, t) -> c.get())));
    ApplicationRuntime onlyDb = started(ApplicationRuntime.create(
        Environment.builder().with(Database.class, db).build(), TestRuntimes.scheduler(1)));
    EffectHandle<String, List<String>> handle = onlyDb.submit(both);
    assertThat(handle.isDone()).as("refused at submission").isTrue();
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.CapabilityMissing(Cache.class.getName())));
    ApplicationRuntime runtime = started(ApplicationRuntime.create(full, TestRuntimes.scheduler(1)));
    assertThat(TestRuntimes.runPromptly(runtime, needsAllThree())).isEqualTo(new Outcome.Success<>("dcm"));
  }

  private void assertMissing(Environment environment, Class<?> missing) {
    ApplicationRuntime runtime = started(ApplicationRuntime.create(environment, TestRuntimes.scheduler(1)));
    AtomicInteger ran = new AtomicInteger();
    EffectHandle<String, String> handle = runtime.submit(
        ActionEffect.<String, Integer>compute(t -> ran.incrementAndGet()).zip(needsAllThree(), (x, y) -> y));
    // Checked at submission: the handle is complete when submit returns, and nothing ran.
    assertThat(handle.isDone()).as("refused at submission").isTrue();
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.CapabilityMissing(missing.getName())));
    assertThat(ran).hasValue(0);
  }

  // ------------------------------------------------------------------ ShutdownReport

  /** Mutation: {@code completed} miscounted (e.g. all in-flight effects, or in-flight minus nothing). */
  @Test
  void theShutdownReportCountsCompletedAndCancelledSeparately() throws Exception {
    VirtualTime time = new VirtualTime();
    ApplicationRuntime runtime = started(TestRuntimes.onVirtualTime(time));
    CountDownLatch finishing = new CountDownLatch(1);
    CountDownLatch startedA = new CountDownLatch(1);
    CountDownLatch startedB = new CountDownLatch(1);
    CountDownLatch startedC = new CountDownLatch(1);
    EffectHandle<String, String> a = runtime.submit(ActionEffect.<String, String>blocking(t -> {
      startedA.countDown();
      TestRuntimes.awaitUninterruptibly(finishing);
      return "a";
    }));
    EffectHandle<String, String> b = runtime.submit(TestRuntimes.blockUntilInterrupted(startedB, new CountDownLatch(1), "b"));
    EffectHandle<String, String> c = runtime.submit(TestRuntimes.blockUntilInterrupted(startedC, new CountDownLatch(1), "c"));
    TestRuntimes.awaitPromptly(startedA, "started a");
    TestRuntimes.awaitPromptly(startedB, "started b");
    TestRuntimes.awaitPromptly(startedC, "started c");
    CompletableFuture<ShutdownReport> report = runtime.shutdownAsync(Duration.ofSeconds(5));
    // The drain has armed its deadline on the virtual timer: a finishes within it, b and c do not.
    await().atMost(TestRuntimes.PROMPTLY).until(() -> time.pendingTimers() == 1);
    finishing.countDown();
    assertThat(TestRuntimes.joinPromptly(a)).isEqualTo(new Outcome.Success<>("a"));
    time.advance(Duration.ofSeconds(5));
    ShutdownReport result = TestRuntimes.joinPromptly(report, "the shutdown's report");
    assertThat(result.completed()).isEqualTo(1);
    assertThat(result.cancelled()).isEqualTo(2);
    assertThat(TestRuntimes.joinPromptly(b)).isInstanceOf(Outcome.Faulted.class);
    assertThat(TestRuntimes.joinPromptly(c)).isInstanceOf(Outcome.Faulted.class);
  }

  // ------------------------------------------------------------------ yield quantum

  /**
   * The documented quantum is 1,024 steps (evaluations and frame pops alike): a LOW chain of cheap
   * maps on the only worker gives way to HIGH work after at most 1,024 maps. Mutation: the quantum
   * raised to 102,400 (the HIGH body then sees the whole 8,192-map chain done).
   */
  @Test
  void aFiberYieldsItsWorkerWithinTheDocumentedQuantumOf1024Steps() throws Exception {
    ApplicationRuntime runtime = started(ApplicationRuntime.create(Environment.empty(), TestRuntimes.scheduler(1)));
    CountDownLatch lowStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger lowSteps = new AtomicInteger();
    ActionEffect<String, Integer> chain = ActionEffect.<String, Integer>compute(token -> {
      lowStarted.countDown();
      release.await();
      return 0;
    });
    int maps = 8 * 1024;
    for (int i = 0; i < maps; i++) {
      chain = chain.map(x -> {
        lowSteps.incrementAndGet();
        return x + 1;
      });
    }
    EffectHandle<String, Integer> low = runtime.submit(chain, Priority.LOW);
    TestRuntimes.awaitPromptly(lowStarted, "low started");
    EffectHandle<String, Integer> high = runtime.submit(ActionEffect.compute(token -> lowSteps.get()), Priority.HIGH);
    release.countDown();
    int seen = TestRuntimes.joinPromptly(high).getOrThrow();
    System.out.println("LOW maps done when HIGH ran: " + seen);
    assertThat(seen).as("LOW maps run before the first yield").isBetween(512, 1024);
    assertThat(TestRuntimes.joinPromptly(low).getOrThrow()).isEqualTo(maps);
  }
}
