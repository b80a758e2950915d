package land.echo.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.CommonError;
import land.echo.EffectHandle;
import land.echo.Effects;
import land.echo.Environment;
import land.echo.Logging;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.RetryPolicy;
import land.echo.RunOptions;
import land.echo.ShutdownReport;
import land.echo.spi.EffectInfo;
import land.echo.spi.Gate;
import land.echo.spi.RuntimeListener;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples shown in the README, compiled and run so they cannot rot. Each method is one README
 * section; keep the two in step.
 */
@Timeout(60)
class ReadmeExamplesTest {

  /** A capability: what an effect needs from the world. Tests pass a small fake. */
  interface FileSystemReader {
    byte[] read(Path path) throws IOException;
  }

  /** README: "A short complete example": the domain error type, fixed once. */
  static final Effects<CommonError> IO = Effects.failingWith(CommonError.class);

  /** README: "Composing effects": effects whose domain error is a plain message. */
  static final Effects<String> APP = Effects.failingWith(String.class);

  /** README: "A short complete example". */
  static String lineCountReport(Path path) {
    Environment environment =
        Environment.builder().with(FileSystemReader.class, Files::readAllBytes).build();

    try (ApplicationRuntime runtime =
        ApplicationRuntime.create(environment, EchoScheduler.create())) {

      ActionEffect<CommonError, Long> lineCount =
          IO.blocking(FileSystemReader.class, (fs, token) -> fs.read(path))
              .catching(IOException.class,
                  e -> CommonError.fromIOException(e, path.toString(), "read"))
              .map(bytes -> new String(bytes, StandardCharsets.UTF_8).lines().count())
              .named("file.lines");

      Outcome<CommonError, Long> outcome =
          runtime.runWithTimeout(lineCount, Duration.ofSeconds(2), Priority.HIGH);

      return switch (outcome) {
        case Outcome.Success<CommonError, Long> s -> "lines: " + s.value();
        case Outcome.Failure<CommonError, Long> f -> "failed: " + f.error().message();
        case Outcome.Faulted<CommonError, Long> f -> "runtime fault: " + f.fault().message();
      };
    }
  }

  @Test
  void lineCountReportCountsLines(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("a.txt"), "one\ntwo\nthree\n");
    assertThat(TestThreads.callPromptly(() -> lineCountReport(file), "the line count report")).isEqualTo("lines: 3");
  }

  @Test
  void lineCountReportPassesTheDomainErrorThrough(@TempDir Path dir) {
    assertThat(TestThreads.callPromptly(() -> lineCountReport(dir.resolve("missing.txt")), "the line count report"))
        .startsWith("failed: ")
        .contains("missing.txt");
  }

  /** README: "Composing effects", "Priorities, timeouts, retries, cancellation". */
  @Test
  void composingAndRunning() {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    try (ApplicationRuntime runtime = ApplicationRuntime.create(Environment.empty(), scheduler)) {
      // Parallel fan-out; the first failure cancels the siblings.
      ActionEffect<String, List<Integer>> squares =
          APP.all(List.of(1, 2, 3).stream()
              .map(n -> APP.compute(token -> n * n))
              .toList());
      ActionEffect<String, Integer> sum =
          squares.map(list -> list.stream().mapToInt(Integer::intValue).sum())
              .ensuring(() -> System.out.println("sum finished"))
              .named("squares.sum");
      assertThat(runtime.run(sum, Priority.HIGH)).isEqualTo(new Outcome.Success<>(14));

      // Retry with backoff: the original's d, 2d, 4d... plus a cap and jitter.
      RetryPolicy policy = RetryPolicy.builder()
          .maxRetries(3)
          .initialDelay(Duration.ofMillis(10))
          .maxDelay(Duration.ofMillis(100))
          .jitter(0.2)
          .build();
      int[] calls = {0};
      ActionEffect<String, String> flaky =
          APP.compute(token -> ++calls[0])
              .flatMap(n -> n < 3 ? APP.fail("busy") : APP.succeed("ok"));
      assertThat(runtime.runWithRetry(flaky, policy)).isEqualTo(new Outcome.Success<>("ok"));

      // A timeout cancels: the blocking body is interrupted, the caller gets TimedOut promptly.
      java.util.concurrent.BlockingQueue<String> replies = new java.util.concurrent.SynchronousQueue<>();
      ActionEffect<String, String> slow =
          APP.blocking(token -> replies.take()); // waits for a reply that never comes
      Outcome<String, String> timedOut = runtime.runWithTimeout(slow, Duration.ofMillis(50));
      assertThat(timedOut)
          .isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(Duration.ofMillis(50))));

      // submit returns a handle: a CompletionStage of the outcome, plus cancel().
      EffectHandle<String, String> handle = runtime.submit(slow, Priority.LOW);
      handle.cancel("user closed the editor");
      assertThat(TestThreads.joinPromptly(handle)).isInstanceOf(Outcome.Faulted.class);

      // Exhaustion keeps the typed failure; the listener reports the attempts.
      RetryPolicy counted = RetryPolicy.builder()
          .maxRetries(2)
          .initialDelay(Duration.ZERO)
          .onRetry((attempt, failed, delay) -> System.out.println("attempt " + attempt + " failed: " + failed))
          .build();
      ActionEffect<String, String> busy = APP.fail("busy");
      assertThat(runtime.run(busy.retry(counted, error -> error.startsWith("busy"))))
          .isEqualTo(new Outcome.Failure<>("busy"));

      ShutdownReport report = runtime.shutdown(Duration.ofSeconds(5));
      assertThat(report.failure()).isEmpty();
    }
  }

  /** README: "Composing effects": time out, then fall back; acquire, use, release. */
  @Test
  void fallbackAndResources() {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    try (ApplicationRuntime runtime = ApplicationRuntime.create(Environment.empty(), scheduler)) {
      ActionEffect<String, String> remote = APP.never(); // a call that does not answer in time

      // Time out, then fall back: the effect is cancelled and the fallback runs in its place.
      ActionEffect<String, String> withFallback =
          remote.timeoutTo(Duration.ofMillis(50), APP.succeed("cached"));
      assertThat(TestThreads.runPromptly(runtime, withFallback)).isEqualTo(new Outcome.Success<>("cached"));

      // The general form: continue with an effect built from the whole outcome.
      ActionEffect<String, String> handled = remote.timeout(Duration.ofMillis(50))
          .transformWith(outcome -> switch (outcome) {
            case Outcome.Faulted<String, String>(Fault.TimedOut t) -> APP.succeed("cached");
            default -> APP.fromOutcome(outcome);
          });
      assertThat(TestThreads.runPromptly(runtime, handled)).isEqualTo(new Outcome.Success<>("cached"));

      // Acquire, use, release: released exactly once if acquired, also on cancellation.
      ActionEffect<String, Integer> firstLine = APP.acquireRelease(
          APP.blocking(token -> new java.io.StringReader("line one\nline two")),
          reader -> APP.blocking(token -> new java.io.BufferedReader(reader).readLine().length()),
          (reader, outcome) -> reader.close());
      assertThat(TestThreads.runPromptly(runtime, firstLine)).isEqualTo(new Outcome.Success<>(8));
    }
  }

  /** README: "The scheduler". */
  @Test
  void schedulerExample() throws InterruptedException {
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(6);
    Runnable render = done::countDown;
    Runnable index = done::countDown;
    Runnable nextSlice = done::countDown;
    Runnable[] batch = {done::countDown, done::countDown, done::countDown};
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder()
        .workers(4)
        .blockingLimit(64)
        .namedQueue("indexer", 2)
        .spinBeforePark(java.time.Duration.ofNanos(50_000))
        .build());
    scheduler.execute(render, Priority.HIGH);
    scheduler.queue("indexer").execute(index, Priority.LOW);
    int accepted = scheduler.executeAll(batch, 0, batch.length, Priority.LOW);
    scheduler.requeue(nextSlice, Priority.LOW);
    TestThreads.awaitPromptly(done, "done");
    assertThat(accepted).isEqualTo(3);
    land.echo.scheduler.SchedulerStats stats = scheduler.stats();
    assertThat(stats.workers()).isEqualTo(4);
    assertThat(scheduler.config().spinBeforePark()).isEqualTo(java.time.Duration.ofNanos(50_000));
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(TestThreads.PROMPTLY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
  }
  /** README: "Outcomes and errors" (fold) and "Running: priorities, timeouts, retries, cancellation" (future). */
  @Test
  void bridges() {
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(2).build());
    try (ApplicationRuntime runtime = ApplicationRuntime.create(Environment.empty(), scheduler)) {
      ActionEffect<String, Integer> answer = APP.compute(token -> 6 * 7).named("answer");

      // For future-based frameworks: a CompletableFuture<T>; cancel(true) cancels the effect.
      java.util.concurrent.CompletableFuture<String> reply =
          runtime.future(answer, Priority.HIGH)
              .thenApplyAsync(n -> "answer: " + n); // runs on an Echo worker at HIGH, not the common pool
      assertThat(TestThreads.joinPromptly(reply, "reply")).isEqualTo("answer: 42");

      // A domain failure surfaces as an EffectException carrying the Failure.
      Object busyError = null;
      try {
        runtime.future(APP.fail("busy")).join();
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof land.echo.EffectException failed
            && failed.outcome() instanceof Outcome.Failure<?, ?>(var domainError)) {
          busyError = domainError; // "busy"
        }
      }
      assertThat(busyError).isEqualTo("busy");

      // Outcome helpers: fold is the expression form of the exhaustive switch.
      Outcome<String, Integer> outcome = TestThreads.runPromptly(runtime, answer);
      String text = outcome.fold(
          n -> "answer: " + n,
          error -> "failed: " + error,
          fault -> "runtime fault: " + fault.message());
      assertThat(text).isEqualTo("answer: 42");
      assertThat(outcome.map(n -> n + 1).getOrElse(0)).isEqualTo(43);
      assertThat(TestThreads.runPromptly(runtime, APP.<Integer>fail("busy")).toOptional()).isEmpty();
    }
  }
  /** README: "Run options, listeners and logging". */
  @Test
  void listenersAndRunOptions() {
    LongAdder timeouts = new LongAdder();
    RuntimeListener countTimeouts = new RuntimeListener() {
      @Override
      public void completed(EffectInfo effect, Outcome<?, ?> outcome) {
        if (outcome instanceof Outcome.Faulted<?, ?> f && f.fault() instanceof Fault.TimedOut) {
          timeouts.increment();
        }
      }
    };
    try (ApplicationRuntime runtime = ApplicationRuntime.builder()
        .scheduler(EchoScheduler.create())
        .listener(countTimeouts)
        .logging(Logging.ORIGINAL)      // today's INFO/WARN/ERROR lines; the default is Logging.QUIET
        .build()) {

      RunOptions options = RunOptions.defaults()
          .withPriority(Priority.HIGH)
          .withTimeout(Duration.ofSeconds(2))
          .withName("checkout")
          .withAttribute("tenant", "acme");
      Outcome<String, Integer> total = runtime.run(APP.succeed(42), options);

      List<EffectInfo> running = runtime.inFlight();   // what a dashboard polls

      assertThat(total.getOrThrow()).isEqualTo(42);
      assertThat(running).isEmpty();
      assertThat(timeouts.sum()).isZero();
    }
  }

  /** README: "Your own policies: gates". */
  @Test
  void aGateAroundEachRun() throws Exception {
    try (ApplicationRuntime runtime = ApplicationRuntime.create(Environment.empty(), EchoScheduler.create())) {
      CountDownLatch holding = new CountDownLatch(1);
      ActionEffect<String, Integer> lookup = APP.blocking(token -> {
        holding.await();
        return 7;
      });

      AtomicInteger running = new AtomicInteger();
      Gate atMostOne = new Gate() {
        @Override
        public Object enter(Gate.Run run) {
          if (running.incrementAndGet() > 1) {
            running.decrementAndGet();
            return Gate.instead(APP.fail("busy"));    // refused: the effect does not run, no exit
          }
          return null;                                // a token: exit follows, exactly once
        }

        @Override
        public void exit(Object token, Outcome<?, ?> outcome) {
          running.decrementAndGet();                  // also when the run was cancelled
        }
      };
      ActionEffect<String, Integer> guarded = lookup.gatedBy(atMostOne);

      EffectHandle<String, Integer> first = runtime.submit(guarded);
      await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == 1);
      Outcome<String, Integer> second = runtime.run(guarded);   // Failure("busy")
      holding.countDown();

      assertThat(second).isEqualTo(Outcome.failure("busy"));
      assertThat(first.join()).isEqualTo(Outcome.success(7));
      await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == 0);
    }
  }
}

