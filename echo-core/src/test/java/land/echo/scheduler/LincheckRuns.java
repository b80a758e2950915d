package land.echo.scheduler;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * The Lincheck settings the scheduler's queue tests share: three threads, short scenarios, and
 * enough iterations for both modes to take about 20 s together per class on two CPUs.
 */
final class LincheckRuns {
  private LincheckRuns() {}

  /** Model-checks the operations of {@code test} (its {@code @Operation} methods). */
  static void modelCheck(Class<?> test) {
    new ModelCheckingOptions()
        .iterations(10)
        .invocationsPerIteration(200)
        .threads(3)
        .actorsPerThread(3)
        .actorsBefore(3)
        .actorsAfter(2)
        .check(test);
  }

  /** Stress-tests the operations of {@code test} on real threads. */
  static void stress(Class<?> test) {
    new StressOptions()
        .iterations(10)
        .invocationsPerIteration(500)
        .threads(3)
        .actorsPerThread(4)
        .actorsBefore(2)
        .actorsAfter(2)
        .check(test);
  }
}
