package land.echo.scheduler;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two Lincheck runs that the scheduler's queue tests share, on the {@code @Operation} methods
 * of the subclass: model checking and stress, three threads, short scenarios, about 20 s together
 * per class on two CPUs. The sequential specification is the subclass run on one thread.
 */
@Timeout(120)
abstract class LincheckTestBase {

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .iterations(10)
        .invocationsPerIteration(200)
        .threads(3)
        .actorsPerThread(3)
        .actorsBefore(3)
        .actorsAfter(2)
        .check(getClass());
  }

  @Test
  void stress() {
    new StressOptions()
        .iterations(10)
        .invocationsPerIteration(500)
        .threads(3)
        .actorsPerThread(4)
        .actorsBefore(2)
        .actorsAfter(2)
        .check(getClass());
  }
}
