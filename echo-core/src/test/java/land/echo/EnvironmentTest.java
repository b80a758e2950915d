package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EnvironmentTest {
  /** A fake file system: a map of paths to contents; anything else is missing. */
  private static final class FakeReader implements FileSystemReader {
    private final Map<String, String> files;

    FakeReader(Map<String, String> files) {
      this.files = files;
    }

    @Override
    public String read(String path) throws NoSuchFileException {
      String text = files.get(path);
      if (text == null) {
        throw new NoSuchFileException(path);
      }
      return text;
    }
  }

  private interface Clipboard {
    String paste();
  }

  private static final int WORKERS = 2;

  private final ApplicationRuntime runtime = ApplicationRuntime.create(
      Environment.builder().with(FileSystemReader.class, new FakeReader(Map.of("/a.txt", "hello"))).build(),
      TestRuntimes.scheduler(WORKERS));

  @AfterEach
  void stop() {
    TestRuntimes.stop(runtime);
  }

  private static ActionEffect<CommonError, String> read(String path) {
    return ActionEffect.<CommonError, String, FileSystemReader>blocking(FileSystemReader.class, (fs, token) -> fs.read(path))
        .catching(NoSuchFileException.class, e -> CommonError.fromIOException(e, path, "read"))
        .named("file.read");
  }

  @Test
  void theEffectReceivesTheRegisteredCapability() {
    assertThat(TestRuntimes.runPromptly(runtime, read("/a.txt"))).isEqualTo(new Outcome.Success<>("hello"));
  }

  @Test
  void aDomainErrorFromTheCapabilityComesBackUnchangedWithItsPath() {
    Outcome<CommonError, String> outcome = TestRuntimes.runPromptly(runtime, read("/missing.txt"));
    assertThat(outcome).isEqualTo(new Outcome.Failure<>(new CommonError.FileSystemNotFound("/missing.txt")));
  }

  /**
   * Occupies both workers of {@link #runtime} until the returned latch is released: while they are
   * held, no effect can run, so a handle done right after {@code submit} was completed by it.
   */
  private CountDownLatch holdTheWorkers() throws InterruptedException {
    CountDownLatch held = new CountDownLatch(WORKERS);
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < WORKERS; i++) {
      runtime.submit(ActionEffect.<String, Integer>compute(token -> {
        held.countDown();
        TestRuntimes.awaitUninterruptibly(release);
        return 0;
      }));
    }
    TestRuntimes.awaitPromptly(held, "held");
    return release;
  }

  @Test
  void aMissingCapabilityFailsAtSubmissionWithoutRunningAnything() throws Exception {
    AtomicBoolean ran = new AtomicBoolean();
    ActionEffect<String, String> direct = ActionEffect.<String, String, Clipboard>compute(Clipboard.class, (c, token) -> {
      ran.set(true);
      return c.paste();
    }).map(s -> s + "!");
    CountDownLatch release = holdTheWorkers();
    EffectHandle<String, String> handle;
    boolean doneAtSubmission;
    try {
      handle = runtime.submit(direct);
      doneAtSubmission = handle.isDone();
    } finally {
      release.countDown();
    }
    assertThat(doneAtSubmission).as("completed during submit, with every worker busy").isTrue();
    assertThat(TestRuntimes.joinPromptly(handle)).isEqualTo(new Outcome.Faulted<>(new Fault.CapabilityMissing(Clipboard.class.getName())));
    assertThat(((Outcome.Faulted<?, ?>) TestRuntimes.joinPromptly(handle)).fault().message()).contains(Clipboard.class.getName());
    assertThat(ran).isFalse();
  }

  @Test
  void aMissingCapabilityInsideAllOrZipIsAlsoCaughtAtSubmission() throws Exception {
    ActionEffect<String, String> needsClipboard = ActionEffect.compute(Clipboard.class, (c, token) -> c.paste());
    Outcome<String, String> missing = new Outcome.Faulted<>(new Fault.CapabilityMissing(Clipboard.class.getName()));
    CountDownLatch release = holdTheWorkers();
    EffectHandle<String, List<String>> all;
    EffectHandle<String, String> zipped;
    boolean allDone;
    boolean zippedDone;
    try {
      all = runtime.submit(ActionEffect.all(List.of(ActionEffect.succeed("x"), needsClipboard)));
      allDone = all.isDone();
      zipped = runtime.submit(ActionEffect.<String, String>succeed("a").zip(needsClipboard, String::concat));
      zippedDone = zipped.isDone();
    } finally {
      release.countDown();
    }
    assertThat(allDone).as("all(..) completed during submit, with every worker busy").isTrue();
    assertThat(zippedDone).as("zip(..) completed during submit, with every worker busy").isTrue();
    assertThat(TestRuntimes.joinPromptly(all)).isEqualTo(missing);
    assertThat(TestRuntimes.joinPromptly(zipped)).isEqualTo(missing);
  }

  @Test
  void aCapabilityReachedThroughFlatMapIsResolvedWhenReached() {
    AtomicBoolean firstStepRan = new AtomicBoolean();
    ActionEffect<String, String> later = ActionEffect.<String, Integer>compute(token -> {
      firstStepRan.set(true);
      return 1;
    }).flatMap(x -> ActionEffect.<String, String, Clipboard>compute(Clipboard.class, (c, token) -> c.paste()));
    assertThat(TestRuntimes.runPromptly(runtime, later)).isEqualTo(new Outcome.Faulted<>(new Fault.CapabilityMissing(Clipboard.class.getName())));
    assertThat(firstStepRan).isTrue();
  }

  @Test
  void requireNamesTheMissingType() {
    assertThatThrownBy(() -> Environment.empty().require(Clipboard.class))
        .isInstanceOf(MissingCapabilityException.class)
        .hasMessageContaining(Clipboard.class.getName());
  }

  @Test
  void findReturnsEmptyForAMissingType() {
    assertThat(runtime.environment().find(Clipboard.class)).isEmpty();
    assertThat(runtime.environment().find(FileSystemReader.class)).isPresent();
  }

  @Test
  void toBuilderDerivesAnEnvironmentWithoutChangingTheOriginal() {
    Environment base = runtime.environment();
    Environment extended = base.toBuilder().with(Clipboard.class, () -> "clip").build();
    assertThat(extended.require(Clipboard.class).paste()).isEqualTo("clip");
    assertThat(base.find(Clipboard.class)).isEmpty();
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void registeringAnInstanceOfTheWrongTypeIsRejected() {
    Environment.Builder builder = Environment.builder();
    assertThatThrownBy(() -> builder.with((Class) Clipboard.class, "not a clipboard"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Clipboard.class.getName());
  }
}
