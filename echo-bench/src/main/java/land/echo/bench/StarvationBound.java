package land.echo.bench;

import java.util.Locale;

/**
 * The bound on LOW's wait that Echo's scheduler documents (docs/scheduler.md; the fairness notes
 * of its worker): under a continuous flood of higher-priority work, the oldest task of each LOW
 * source starts within 4K picks of a worker, K being the fairness interval
 * ({@code SchedulerConfig.starvationInterval}, default 61). In the starvation benchmark every
 * pick is a HIGH task of {@link StarvationBenchmark#DEFAULT_HIGH_MICROS} of busy work, and a LOW
 * task may arrive while a task is running, so the bound in time is {@code (4K + 1)} such tasks.
 * Not instantiable.
 */
final class StarvationBound {

  private StarvationBound() {}

  /** Returns the bound in picks: {@code 4K}. */
  static int picks() {
    return 4 * EchoSide.starvationInterval();
  }

  /** Returns the bound in microseconds for the benchmark's HIGH task length. */
  static double micros() {
    return (picks() + 1.0) * Integer.parseInt(StarvationBenchmark.DEFAULT_HIGH_MICROS);
  }

  /** Describes the bound for the table. */
  static String describe() {
    return String.format(Locale.ROOT, "(4K+1 picks x %s us = %.0f us, K = %d)",
        StarvationBenchmark.DEFAULT_HIGH_MICROS, micros(), EchoSide.starvationInterval());
  }
}
