package land.echo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
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

/**
 * Pins the static requirement sets that submission checks ({@link Node#union}) and the typed
 * {@code retryIf} of {@link Node.Retry}: mutations of either went unnoticed by the suite.
 */
@Timeout(30)
class RequirementsPinTest {
  private interface Clipboard {
    String paste();
  }

  private interface Printer {
    String print(String text);
  }

  private interface Scanner {
    String scan();
  }

  private final ApplicationRuntime runtime = ApplicationRuntime.create(
      Environment.builder().with(Clipboard.class, () -> "clip").with(Printer.class, t -> "printed " + t).build(),
      EchoScheduler.create(SchedulerConfig.builder().workers(2).build()));

  @AfterEach
  void stop() {
    runtime.shutdown(Duration.ZERO);
  }

  /** The union keeps every distinct type of both sides, left side first, each once. */
  @Test
  void unionKeepsEveryDistinctTypeOfBothSidesInOrder() {
    assertThat(Node.union(Clipboard.class, Printer.class)).isEqualTo(new Class<?>[] {Clipboard.class, Printer.class});
    assertThat(Node.union(new Class<?>[] {Clipboard.class, Printer.class}, new Class<?>[] {Printer.class, Scanner.class}))
        .isEqualTo(new Class<?>[] {Clipboard.class, Printer.class, Scanner.class});
    assertThat(Node.union(new Class<?>[] {Clipboard.class, Printer.class}, Scanner.class))
        .isEqualTo(new Class<?>[] {Clipboard.class, Printer.class, Scanner.class});
  }

  /** A union that adds nothing returns the left side itself, and null stands for "no requirement". */
  @Test
  void unionThatAddsNothingReturnsTheLeftSide() {
    Class<?>[] both = {Clipboard.class, Printer.class};
    assertThat(Node.union(both, Printer.class)).isSameAs(both);
    assertThat(Node.union(both, new Class<?>[] {Printer.class, Clipboard.class})).isSameAs(both);
    assertThat(Node.union(Clipboard.class, Clipboard.class)).isSameAs(Clipboard.class);
    assertThat(Node.union(null, Printer.class)).isSameAs(Printer.class);
    assertThat(Node.union(Printer.class, null)).isSameAs(Printer.class);
    assertThat(Node.union(null, null)).isNull();
  }

  /** An effect needing two capability types runs when both are present and is refused naming the missing one. */
  @Test
  void anEffectNeedingTwoCapabilitiesIsCheckedForBoth() {
    ActionEffect<String, String> clip = ActionEffect.compute(Clipboard.class, (c, token) -> c.paste());
    ActionEffect<String, String> print = ActionEffect.compute(Printer.class, (p, token) -> p.print("x"));
    ActionEffect<String, String> scan = ActionEffect.compute(Scanner.class, (s, token) -> s.scan());
    assertThat(TestThreads.runPromptly(runtime, clip.zip(print, (a, b) -> a + "+" + b))).isEqualTo(new Outcome.Success<>("clip+printed x"));
    assertThat(TestThreads.runPromptly(runtime, ActionEffect.all(List.of(clip, print)))).isEqualTo(new Outcome.Success<>(List.of("clip", "printed x")));
    Outcome<String, ?> missing = new Outcome.Faulted<>(new Fault.CapabilityMissing(Scanner.class.getName()));
    assertThat(TestThreads.runPromptly(runtime, clip.zip(print, String::concat).zip(scan, String::concat))).isEqualTo(missing);
    assertThat(TestThreads.runPromptly(runtime, ActionEffect.all(List.of(clip, scan, print)))).isEqualTo(missing);
    assertThat(Node.requirements(ActionEffect.all(List.of(clip, scan, print))))
        .isEqualTo(new Class<?>[] {Clipboard.class, Scanner.class, Printer.class});
  }

  /** {@code kind(tag)} names a node as {@code kindOf(effect)} does. */
  @Test
  void kindOfATagNamesTheNode() {
    ActionEffect<String, Integer> effect = ActionEffect.<String, Integer>succeed(1).map(x -> x + 1);
    assertThat(Node.kind(((Node.Base<?, ?>) effect).tag)).isEqualTo(Node.kindOf(effect)).isEqualTo("map");
  }

  /** A domain failure that {@code retryIf} refuses is not retried, however many retries the policy allows. */
  @Test
  void retryIfRefusingAFailureStopsAfterTheFirstAttempt() {
    AtomicInteger attempts = new AtomicInteger();
    ActionEffect<String, Integer> failing = ActionEffect.<String, Integer>compute(token -> {
      attempts.incrementAndGet();
      return null;
    }).flatMap(x -> ActionEffect.fail("permanent"));
    Outcome<String, Integer> outcome = TestThreads.runPromptly(runtime, failing.retry(RetryPolicy.of(5, Duration.ZERO), e -> e.equals("transient")));
    assertThat(outcome).isEqualTo(new Outcome.Failure<>("permanent"));
    assertThat(attempts).hasValue(1);
  }

  /** A domain failure that {@code retryIf} accepts is retried as the policy allows. */
  @Test
  void retryIfAcceptingAFailureRetriesUpToThePolicy() {
    AtomicInteger attempts = new AtomicInteger();
    ActionEffect<String, Integer> failing = ActionEffect.<String, Integer>compute(token -> {
      attempts.incrementAndGet();
      return null;
    }).flatMap(x -> ActionEffect.fail("transient"));
    Outcome<String, Integer> outcome = TestThreads.runPromptly(runtime, failing.retry(RetryPolicy.of(3, Duration.ZERO), e -> e.equals("transient")));
    assertThat(outcome).isEqualTo(new Outcome.Failure<>("transient"));
    assertThat(attempts).hasValue(4);
  }
}
