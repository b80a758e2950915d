package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.context.ContextRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import land.echo.scheduler.EchoScheduler;
import land.echo.spi.ContextPropagator;
import land.echo.spi.MicrometerContextPropagator;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link ContextPropagator} carries the submitter's context into every part of an effect and
 * puts back what each thread held afterwards (issue: Echo core API 1.0).
 */
@Timeout(60)
class ContextPropagationTest {
  private static final ThreadLocal<String> REQUEST = new ThreadLocal<>();

  /** A plain-ThreadLocal propagator that also checks every scope is closed once, on its own thread. */
  private static final class RequestPropagator implements ContextPropagator {
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final Queue<String> misuses = new ConcurrentLinkedQueue<>();

    @Override
    public Captured capture() {
      String value = REQUEST.get();
      return () -> {
        Thread owner = Thread.currentThread();
        String previous = REQUEST.get();
        REQUEST.set(value);
        opened.incrementAndGet();
        AtomicInteger closes = new AtomicInteger();
        return () -> {
          if (Thread.currentThread() != owner || closes.incrementAndGet() != 1) {
            misuses.add("scope closed on " + Thread.currentThread() + " or twice");
          }
          REQUEST.set(previous);
          closed.incrementAndGet();
        };
      };
    }

    void awaitBalanced() {
      await().until(() -> opened.get() == closed.get());
      assertThat(misuses).isEmpty();
    }
  }

  private final RequestPropagator propagator = new RequestPropagator();
  private final EchoScheduler scheduler = TestRuntimes.scheduler(1);
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = ApplicationRuntime.builder()
      .scheduler(scheduler).clock(time).timer(time).contextPropagator(propagator).build();

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
    REQUEST.remove();
  }

  /** Submits {@code effect} from a thread whose request is {@code request}. */
  private <T> EffectHandle<String, T> submitAs(String request, ActionEffect<String, T> effect) {
    REQUEST.set(request);
    try {
      return runtime.submit(effect);
    } finally {
      REQUEST.remove();
    }
  }

  /** Returns what the worker thread holds when it runs a plain task, outside any effect. */
  private String requestSeenByTheIdleWorker() {
    CompletableFuture<String> seen = new CompletableFuture<>();
    scheduler.execute(() -> seen.complete(String.valueOf(REQUEST.get())), Priority.NORMAL);
    return TestRuntimes.joinPromptly(seen, "the idle worker's probe");
  }

  @Test
  void aComputeBodySeesTheSubmittersContextAndTheWorkerIsRestoredAfterwards() {
    EffectHandle<String, String> handle = submitAs("req-1", ActionEffect.compute(token -> REQUEST.get()));

    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Success<>("req-1"));
    propagator.awaitBalanced();
    assertThat(requestSeenByTheIdleWorker()).isEqualTo("null");
  }

  @Test
  void aBlockingBodySeesTheContextOnItsVirtualThread() {
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    EffectHandle<String, String> handle = submitAs("req-2", ActionEffect.blocking(token -> {
      ranOn.set(Thread.currentThread());
      return REQUEST.get();
    }));

    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Success<>("req-2"));
    assertThat(ranOn.get().isVirtual()).isTrue();
    propagator.awaitBalanced();
  }

  @Test
  void childrenOfAllShareTheRootsContext() {
    ActionEffect<String, String> read = ActionEffect.compute(token -> REQUEST.get());
    ActionEffect<String, String> readBlocking = ActionEffect.blocking(token -> REQUEST.get());
    EffectHandle<String, List<String>> handle = submitAs("req-3", ActionEffect.all(List.of(read, readBlocking, read)));

    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Success<>(List.of("req-3", "req-3", "req-3")));
    propagator.awaitBalanced();
  }

  @Test
  void everyKindOfForkPassesTheRootsContextDownToItsGrandchildren() {
    // Each join copies the snapshot from the fiber that forked it: a grandchild finds it through
    // its own join, whatever the kinds of fork above it.
    ActionEffect<String, String> read = ActionEffect.compute(token -> REQUEST.get());
    ActionEffect<String, String> readBlocking = ActionEffect.blocking(token -> REQUEST.get());
    ActionEffect<String, String> raced = ActionEffect.race(List.of(ActionEffect.all(List.of(read, readBlocking))
        .map(values -> String.join("+", values))));
    ActionEffect<String, String> hedged = ActionEffect.firstSuccess(List.of(raced.timeout(Duration.ofSeconds(30))));
    ActionEffect<String, String> acquired = ActionEffect.acquireRelease(hedged,
        value -> ActionEffect.all(List.of(read, ActionEffect.succeed(value))).map(values -> String.join("|", values)),
        (value, outcome) -> {});
    EffectHandle<String, String> handle = submitAs("req-9", acquired);

    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Success<>("req-9|req-9+req-9"));
    propagator.awaitBalanced();
  }

  @Test
  void finalizersSeeTheContext() {
    AtomicReference<String> ensuring = new AtomicReference<>();
    AtomicReference<String> onExit = new AtomicReference<>();
    ActionEffect<String, String> effect = ActionEffect.<String, String>blocking(token -> "done")
        .ensuring(() -> ensuring.set(REQUEST.get()))
        .onExit(outcome -> onExit.set(REQUEST.get()));

    assertThat(TestRuntimes.joinPromptly(submitAs("req-4", effect))).isEqualTo(new Outcome.Success<>("done"));
    assertThat(ensuring.get()).isEqualTo("req-4");
    assertThat(onExit.get()).isEqualTo("req-4");
    propagator.awaitBalanced();
  }

  @Test
  void aCancellationActionRunByARootDeadlineSeesTheContext() {
    CountDownLatch registered = new CountDownLatch(1);
    CompletableFuture<String> seenByAction = new CompletableFuture<>();
    CompletableFuture<Thread> actionThread = new CompletableFuture<>();
    ActionEffect<String, String> effect = ActionEffect.blocking(token -> {
      token.onCancel(() -> {
        actionThread.complete(Thread.currentThread());
        seenByAction.complete(String.valueOf(REQUEST.get()));
      });
      registered.countDown();
      new CountDownLatch(1).await(); // until the deadline's cancellation interrupts it
      return "never";
    });
    REQUEST.set("req-5");
    EffectHandle<String, String> handle;
    try {
      handle = runtime.submitWithTimeout(effect, Duration.ofSeconds(5), Priority.NORMAL);
    } finally {
      REQUEST.remove();
    }
    TestRuntimes.awaitUninterruptibly(registered);

    time.advance(Duration.ofSeconds(5));

    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(Duration.ofSeconds(5))));
    assertThat(TestRuntimes.joinPromptly(seenByAction, "the action's view of the context")).isEqualTo("req-5");
    assertThat(TestRuntimes.joinPromptly(actionThread, "the action's thread").getName()).startsWith("echo-timeouts-");
    propagator.awaitBalanced();
  }

  @Test
  void aCancellationActionRunByAnInnerTimeoutSeesTheContext() {
    CountDownLatch registered = new CountDownLatch(1);
    CompletableFuture<String> seenByAction = new CompletableFuture<>();
    ActionEffect<String, String> effect = ActionEffect.<String, String>blocking(token -> {
      token.onCancel(() -> seenByAction.complete(String.valueOf(REQUEST.get())));
      registered.countDown();
      new CountDownLatch(1).await();
      return "never";
    }).timeout(Duration.ofSeconds(5));
    EffectHandle<String, String> handle = submitAs("req-6", effect);
    TestRuntimes.awaitUninterruptibly(registered);

    time.advance(Duration.ofSeconds(5));

    assertThat(TestRuntimes.joinPromptly(handle)).isInstanceOf(Outcome.Faulted.class);
    assertThat(TestRuntimes.joinPromptly(seenByAction, "the action's view of the context")).isEqualTo("req-6");
    propagator.awaitBalanced();
  }

  @Test
  void anActionRegisteredOnACancelledTokenFromAnotherThreadRunsInTheEffectsContextAndPutsTheThreadsBack() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<CancellationToken> token = new CompletableFuture<>();
    EffectHandle<String, String> handle = submitAs("req-7", ActionEffect.<String, String>blocking(t -> {
      token.complete(t);
      started.countDown();
      new CountDownLatch(1).await();
      return "never";
    }));
    TestRuntimes.awaitPromptly(started, "the body starting");
    handle.cancel();
    AtomicReference<String> seenByAction = new AtomicReference<>();
    REQUEST.set("test-thread");

    // Already cancelled: the action runs at once, here, inside the effect's context.
    TestRuntimes.joinPromptly(token, "the token").onCancel(() -> seenByAction.set(REQUEST.get()));

    assertThat(seenByAction.get()).isEqualTo("req-7");
    assertThat(REQUEST.get()).as("this thread's own context, put back").isEqualTo("test-thread");
    propagator.awaitBalanced();
  }

  @Test
  void aPropagatorThatThrowsNeverBreaksTheEffect() {
    ApplicationRuntime failing = ApplicationRuntime.builder().scheduler(TestRuntimes.scheduler(1))
        .contextPropagator(() -> {
          throw new IllegalStateException("capture failed");
        })
        .contextPropagator(() -> () -> {
          throw new IllegalStateException("restore failed");
        })
        .build();
    try {
      assertThat(TestRuntimes.runPromptly(failing, ActionEffect.<String, String>compute(token -> "ok")))
          .isEqualTo(new Outcome.Success<>("ok"));
    } finally {
      TestRuntimes.stop(failing);
    }
  }

  @Test
  void micrometerRegistry() {
    // @start region="micrometer"
    ContextRegistry registry = new ContextRegistry()
        .registerThreadLocalAccessor("request", REQUEST::get, REQUEST::set, REQUEST::remove);
    ApplicationRuntime runtime = ApplicationRuntime.builder()
        .scheduler(scheduler)
        .contextPropagator(MicrometerContextPropagator.of(registry))
        .build();
    // @end
    try {
      REQUEST.set("req-7");
      EffectHandle<String, String> handle = runtime.submit(ActionEffect.blocking(token -> REQUEST.get()));
      REQUEST.remove();

      assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Success<>("req-7"));
    } finally {
      TestRuntimes.stop(runtime);
    }
  }

  @Test
  void aMicrometerRegistryReachesWorkersAndVirtualThreadsAndTheWorkerIsClearedAfterwards() {
    // slf4j-simple binds SLF4J's NOP MDC adapter, so MDC itself cannot be observed in this module's
    // tests; a logging backend's MDC accessor is registered the same way as this ThreadLocal.
    ContextRegistry registry = new ContextRegistry()
        .registerThreadLocalAccessor("request", REQUEST::get, REQUEST::set, REQUEST::remove);
    EchoScheduler oneWorker = TestRuntimes.scheduler(1);
    ApplicationRuntime micrometer = ApplicationRuntime.builder()
        .scheduler(oneWorker).contextPropagator(MicrometerContextPropagator.of(registry)).build();
    try {
      REQUEST.set("req-8");
      EffectHandle<String, List<String>> handle = micrometer.submit(ActionEffect.all(List.of(
          ActionEffect.<String, String>compute(token -> REQUEST.get()),
          ActionEffect.<String, String>blocking(token -> REQUEST.get()))));
      REQUEST.remove();

      assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Success<>(List.of("req-8", "req-8")));
      await().untilAsserted(() -> {
        CompletableFuture<String> probe = new CompletableFuture<>();
        oneWorker.execute(() -> probe.complete(String.valueOf(REQUEST.get())), Priority.NORMAL);
        assertThat(TestRuntimes.joinPromptly(probe, "the worker's probe")).isEqualTo("null");
      });
    } finally {
      TestRuntimes.stop(micrometer);
    }
  }
}
