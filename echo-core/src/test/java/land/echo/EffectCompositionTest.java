package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EffectCompositionTest {
  private final ApplicationRuntime runtime = TestRuntimes.onSystemTime();

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  @Test
  void succeedYieldsItsValue() {
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.succeed("v"))).isEqualTo(new Outcome.Success<>("v"));
  }

  @Test
  void succeedMayCarryNull() {
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.succeed(null))).isEqualTo(new Outcome.Success<>(null));
  }

  @Test
  void failYieldsTheSameDomainErrorInstance() {
    CommonError.FileSystemNotFound error = new CommonError.FileSystemNotFound("/missing");
    Outcome<CommonError, String> outcome = TestRuntimes.runPromptly(runtime, ActionEffect.<CommonError, String>fail(error));
    assertThat(outcome).isInstanceOfSatisfying(Outcome.Failure.class, f -> assertThat(f.error()).isSameAs(error));
  }

  @Test
  void mapTransformsTheValue() {
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>succeed(20).map(x -> x + 1)).getOrThrow()).isEqualTo(21);
  }

  @Test
  void flatMapSequencesEffects() {
    ActionEffect<String, Integer> effect =
        ActionEffect.<String, Integer>compute(token -> 6).flatMap(x -> ActionEffect.compute(token -> x * 7));
    assertThat(TestRuntimes.runPromptly(runtime, effect).getOrThrow()).isEqualTo(42);
  }

  @Test
  void mapIsSkippedOnFailure() {
    AtomicInteger calls = new AtomicInteger();
    Outcome<String, Integer> outcome = TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>fail("bad").map(calls::addAndGet));
    assertThat(outcome).isEqualTo(new Outcome.Failure<>("bad"));
    assertThat(calls).hasValue(0);
  }

  @Test
  void mapErrorTransformsOnlyTheDomainError() {
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>fail("bad").mapError(String::length)))
        .isEqualTo(new Outcome.Failure<>(3));
  }

  @Test
  void recoverTurnsAFailureIntoAValue() {
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>fail("bad").recover(String::length)).getOrThrow()).isEqualTo(3);
  }

  @Test
  void orElseRunsTheFallbackEffect() {
    ActionEffect<String, Integer> effect =
        ActionEffect.<String, Integer>fail("bad").orElse(e -> ActionEffect.compute(token -> e.length() * 10));
    assertThat(TestRuntimes.runPromptly(runtime, effect).getOrThrow()).isEqualTo(30);
  }

  @Test
  void recoverDoesNotHandleFaults() {
    IllegalStateException boom = new IllegalStateException("boom");
    ActionEffect<String, Integer> effect = ActionEffect.<String, Integer>compute(token -> {
      throw boom;
    }).recover(e -> -1);
    assertThat(TestRuntimes.runPromptly(runtime, effect)).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(boom)));
  }

  @Test
  void zipCombinesTwoValuesInOrder() {
    ActionEffect<String, String> effect =
        ActionEffect.<String, String>succeed("a").zip(ActionEffect.<String, Integer>succeed(1), (a, b) -> a + b);
    assertThat(TestRuntimes.runPromptly(runtime, effect).getOrThrow()).isEqualTo("a1");
  }

  @Test
  void aBodyExceptionBecomesAPanicFaultCarryingIt() {
    IllegalStateException boom = new IllegalStateException("boom");
    Outcome<String, Integer> outcome = TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>compute(token -> {
      throw boom;
    }));
    assertThat(outcome).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(boom)));
  }

  @Test
  void aWorkerSurvivesAPanicAndRunsTheNextEffect() {
    for (int i = 0; i < 10; i++) {
      TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>compute(token -> {
        throw new Error("fatal-looking");
      }));
    }
    assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>compute(token -> 5)).getOrThrow()).isEqualTo(5);
  }

  @Test
  void anExceptionInAMapFunctionBecomesAPanic() {
    Outcome<String, Integer> outcome = TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>succeed(1).map(x -> {
      throw new ArithmeticException("map");
    }));
    assertThat(outcome).isInstanceOfSatisfying(Outcome.Faulted.class,
        f -> assertThat(f.fault()).isInstanceOfSatisfying(Fault.Panic.class,
            p -> assertThat(p.cause()).isInstanceOf(ArithmeticException.class)));
  }

  @Test
  void aFlatMapReturningNullIsAPanicNamingTheProblem() {
    Outcome<String, Integer> outcome = TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>succeed(1).flatMap(x -> null));
    assertThat(outcome).isInstanceOfSatisfying(Outcome.Faulted.class,
        f -> assertThat(f.fault().message()).contains("flatMap function returned null"));
  }

  @Test
  void catchingTurnsTheChosenExceptionIntoADomainFailure() {
    ActionEffect<String, Integer> effect = ActionEffect.<String, Integer>blocking(token -> {
      throw new IOException("disk on fire");
    }).catching(IOException.class, e -> "io: " + e.getMessage());
    assertThat(TestRuntimes.runPromptly(runtime, effect)).isEqualTo(new Outcome.Failure<>("io: disk on fire"));
  }

  @Test
  void catchingLeavesOtherExceptionsAsPanics() {
    // A wrapper with a cause: the Panic carries the very exception thrown, not its unwrapped cause.
    UncheckedIOException thrown = new UncheckedIOException(new IOException("x"));
    ActionEffect<String, Integer> effect = ActionEffect.<String, Integer>compute(token -> {
      throw thrown;
    }).catching(IllegalArgumentException.class, e -> "never");
    assertThat(TestRuntimes.runPromptly(runtime, effect)).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(thrown)));
  }

  @Test
  void aCaughtFailureCanBeRecovered() {
    ActionEffect<String, Integer> effect = ActionEffect.<String, Integer>compute(token -> {
      throw new NumberFormatException("nan");
    }).catching(NumberFormatException.class, Throwable::getMessage).recover(String::length);
    assertThat(TestRuntimes.runPromptly(runtime, effect).getOrThrow()).isEqualTo(3);
  }

  @Test
  void effectsAreReRunnable() {
    AtomicInteger runs = new AtomicInteger();
    ActionEffect<String, Integer> effect = ActionEffect.compute(token -> runs.incrementAndGet());
    assertThat(TestRuntimes.runPromptly(runtime, effect).getOrThrow()).isEqualTo(1);
    assertThat(TestRuntimes.runPromptly(runtime, effect).getOrThrow()).isEqualTo(2);
  }

  @Test
  void asyncBodyCompletesWithItsStage() {
    ActionEffect<String, String> effect = ActionEffect.async(token ->
        java.util.concurrent.CompletableFuture.supplyAsync(() -> "later"));
    assertThat(TestRuntimes.runPromptly(runtime, effect).getOrThrow()).isEqualTo("later");
  }

  @Test
  void asyncStageFailingBecomesAPanicWithTheUnwrappedCause() {
    IllegalStateException cause = new IllegalStateException("remote");
    ActionEffect<String, String> effect =
        ActionEffect.async(token -> java.util.concurrent.CompletableFuture.failedFuture(cause));
    assertThat(TestRuntimes.runPromptly(runtime, effect)).isEqualTo(new Outcome.Faulted<>(new Fault.Panic(cause)));
  }

  @Test
  void blockingBodyRunsOffTheWorkers() {
    Outcome<String, Boolean> outcome = TestRuntimes.runPromptly(runtime, ActionEffect.<String, Boolean>blocking(
        token -> Thread.currentThread().isVirtual() && !runtime.scheduler().isWorkerThread()));
    assertThat(outcome.getOrThrow()).isTrue();
  }

  @Test
  void computeBodyRunsOnAWorker() {
    Outcome<String, Boolean> outcome = TestRuntimes.runPromptly(runtime, ActionEffect.<String, Boolean>blocking(token -> true)
        .flatMap(x -> ActionEffect.compute(token -> runtime.scheduler().isWorkerThread())));
    assertThat(outcome.getOrThrow()).isTrue();
  }

  @Test
  void namedEffectReportsItsNameThroughEnclosingOperators() {
    ActionEffect<String, Integer> effect = ActionEffect.<String, Integer>succeed(1).named("index.file");
    assertThat(effect.name()).isEqualTo("index.file");
    assertThat(effect.map(x -> x).name()).isEqualTo("index.file");
    assertThat(ActionEffect.succeed(1).name()).isEqualTo("succeed");
  }

  @Test
  void blankNamesAreRejected() {
    assertThatThrownBy(() -> ActionEffect.succeed(1).named(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
  }

  @Test
  void capabilityOfAComposedEffectIsItsBodysCapability() {
    ActionEffect<String, Integer> effect =
        ActionEffect.<String, String, FileSystemReader>compute(FileSystemReader.class, (fs, token) -> "x")
            .map(String::length);
    assertThat(effect.capability()).isEqualTo(FileSystemReader.class);
    assertThat(ActionEffect.succeed(1).capability()).isEqualTo(Void.class);
  }

  @Test
  void allOfNoEffectsSucceedsWithAnEmptyList() {
    ApplicationRuntime runtime = TestRuntimes.onSystemTime();
    try {
      ActionEffect<String, java.util.List<Integer>> none =
          ActionEffect.all(java.util.stream.Stream.<ActionEffect<String, Integer>>empty().toList());
      assertThat(TestRuntimes.runPromptly(runtime, none)).isEqualTo(new Outcome.Success<>(java.util.List.of()));
    } finally {
      TestRuntimes.stop(runtime);
    }
  }

  @Test
  void raceOfNoEffectsIsRejectedWithAClearMessage() {
    assertThatThrownBy(() -> ActionEffect.race(java.util.List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("race()");
  }
}
