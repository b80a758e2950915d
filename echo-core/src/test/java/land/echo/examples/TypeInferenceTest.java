package land.echo.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.CommonError;
import land.echo.Effects;
import land.echo.Environment;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.RetryPolicy;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chains written the way users write them, with no explicit type arguments anywhere: each one must
 * compile (the point of {@link Effects}) and run. Results are bound with {@code var} first, so the
 * chain itself, not an assignment target, decides every type; the typed assignment after it proves
 * what was inferred.
 */
@Timeout(60)
class TypeInferenceTest {
  static final Effects<CommonError> IO = Effects.failingWith(CommonError.class);

  /** A capability: reads a file. */
  interface FileSystemReader {
    byte[] read(Path path) throws IOException;
  }

  private final ApplicationRuntime runtime = ApplicationRuntime.create(
      Environment.builder().with(FileSystemReader.class, Files::readAllBytes).build(),
      EchoScheduler.create(SchedulerConfig.builder().workers(2).build()));

  @AfterEach
  void stop() {
    runtime.shutdown(Duration.ofSeconds(10));
  }

  @Test
  void aCapabilityChainWithCatchingMapAndNameInfersEveryType(@TempDir Path dir) throws IOException {
    Path path = Files.writeString(dir.resolve("a.txt"), "one\ntwo\n");
    var lines = IO.blocking(FileSystemReader.class, (fs, token) -> fs.read(path))
        .catching(IOException.class, e -> CommonError.fromIOException(e, path.toString(), "read"))
        .map(bytes -> new String(bytes, StandardCharsets.UTF_8).lines().count())
        .named("file.lines");
    ActionEffect<CommonError, Long> typed = lines;
    assertThat(TestThreads.runPromptly(runtime, typed)).isEqualTo(new Outcome.Success<>(2L));

    Path missing = dir.resolve("missing.txt");
    var failing = IO.blocking(FileSystemReader.class, (fs, token) -> fs.read(missing))
        .catching(IOException.class, e -> CommonError.fromIOException(e, missing.toString(), "read"));
    assertThat(TestThreads.runPromptly(runtime, failing)).isEqualTo(new Outcome.Failure<>(new CommonError.FileSystemNotFound(missing.toString())));
  }

  @Test
  void allOverAStreamBuiltListInfersTheElementType() {
    var squares = IO.all(List.of(1, 2, 3).stream().map(n -> IO.compute(token -> n * n)).toList());
    ActionEffect<CommonError, List<Integer>> typed = squares;
    var sum = typed.map(list -> list.stream().mapToInt(Integer::intValue).sum());
    assertThat(TestThreads.runPromptly(runtime, sum)).isEqualTo(new Outcome.Success<>(14));
  }

  @Test
  void raceOverAStreamBuiltListInfersTheValueType() {
    var fastest = IO.race(List.of(Duration.ofSeconds(30), Duration.ZERO).stream()
        .map(d -> IO.sleep(d).map(ignored -> d.toMillis()))
        .toList());
    ActionEffect<CommonError, Long> typed = fastest;
    assertThat(TestThreads.runPromptly(runtime, typed)).isEqualTo(new Outcome.Success<>(0L));
  }

  @Test
  void flatMapIntoSleepAndThenAValue() {
    var later = IO.compute(token -> "tick")
        .flatMap(x -> IO.sleep(Duration.ofMillis(1)))
        .flatMap(ignored -> IO.succeed("tock"));
    ActionEffect<CommonError, String> typed = later;
    assertThat(TestThreads.runPromptly(runtime, typed)).isEqualTo(new Outcome.Success<>("tock"));
  }

  @Test
  void failInsideAFlatMapNeedsNoWitness() {
    AtomicInteger calls = new AtomicInteger();
    var flaky = IO.compute(token -> calls.incrementAndGet())
        .flatMap(n -> n < 3 ? IO.fail(new CommonError.ExternalService("index", "busy")) : IO.succeed("ok"));
    ActionEffect<CommonError, String> typed = flaky;
    assertThat(TestThreads.runPromptly(runtime, typed.retry(RetryPolicy.of(3, Duration.ZERO)))).isEqualTo(new Outcome.Success<>("ok"));
  }

  @Test
  void retryTimeoutAndOrElseKeepTheTypes() {
    var withFallback = IO.blocking(token -> {
          new java.util.concurrent.CountDownLatch(1).await();
          return "never";
        })
        .timeout(Duration.ofMillis(20))
        .retry(RetryPolicy.of(1, Duration.ZERO))
        .orElse(e -> IO.succeed("fallback"));
    ActionEffect<CommonError, String> typed = withFallback;
    assertThat(TestThreads.runPromptly(runtime, typed)).as("a timeout is a fault: orElse handles domain errors only")
        .isEqualTo(new Outcome.Faulted<>(new Fault.TimedOut(Duration.ofMillis(20))));

    // fail has no argument to infer T from: the assignment gives it.
    ActionEffect<CommonError, String> failing = IO.fail(new CommonError.Unknown("x"));
    var recovered = failing
        .retry(RetryPolicy.of(2, Duration.ZERO), e -> e instanceof CommonError.Unknown)
        .orElse(e -> IO.succeed("fallback: " + e.message()));
    ActionEffect<CommonError, String> typedRecovered = recovered;
    assertThat(TestThreads.runPromptly(runtime, typedRecovered))
        .isEqualTo(new Outcome.Success<>("fallback: An unknown internal error occurred: x"));
  }

  @Test
  void recoverInfersFromTheSuccessType() {
    ActionEffect<CommonError, Integer> parsed = IO.compute(token -> Integer.parseInt("42"))
        .flatMap(n -> n > 100 ? IO.fail(new CommonError.InvalidArgument("n", "too big")) : IO.succeed(n))
        .recover(e -> -1);
    assertThat(TestThreads.runPromptly(runtime, parsed)).isEqualTo(new Outcome.Success<>(42));
  }

  @Test
  void asyncSuspendAndZipInferTheirTypes() {
    var async = IO.async(token -> CompletableFuture.completedFuture("a"));
    var lazy = IO.suspend(() -> IO.succeed(2));
    var both = async.zip(lazy, (s, n) -> s.repeat(n));
    ActionEffect<CommonError, String> typed = both;
    assertThat(TestThreads.runPromptly(runtime, typed)).isEqualTo(new Outcome.Success<>("aa"));
  }

  @Test
  void staticConstructorsInferFromAnAssignmentTarget() {
    ActionEffect<String, Integer> value = ActionEffect.compute(token -> 7);
    ActionEffect<String, Integer> failure = ActionEffect.fail("no");
    ActionEffect<String, Void> nap = ActionEffect.sleep(Duration.ZERO);
    assertThat(TestThreads.runPromptly(runtime, value)).isEqualTo(new Outcome.Success<>(7));
    assertThat(TestThreads.runPromptly(runtime, failure)).isEqualTo(new Outcome.Failure<>("no"));
    assertThat(TestThreads.runPromptly(runtime, nap)).isEqualTo(new Outcome.Success<>(null));
  }

  @Test
  void effectsNamesAndChecksItsErrorType() {
    assertThat(IO.errorType()).isEqualTo(CommonError.class);
    assertThat(IO).isEqualTo(Effects.failingWith(CommonError.class)).hasToString("Effects[failingWith=land.echo.CommonError]");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Effects.failingWith(int.class))
        .isInstanceOf(IllegalArgumentException.class);
    @SuppressWarnings({"unchecked", "rawtypes"})
    Effects<Object> raw = (Effects) IO;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> raw.fail("not a CommonError"))
        .isInstanceOf(ClassCastException.class);
  }
}
