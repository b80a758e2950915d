package land.echo.bench;

import java.util.Locale;

/**
 * The bound on LOW's wait that Echo's scheduler documents (docs/scheduler.md, "Starvation bound"):
 * under a continuous flood of higher-priority work, the oldest
 * task of each LOW source starts within 4K picks of a worker, K being the fairness interval
 * ({@code SchedulerConfig.starvationInterval}, default 61). The starvation benchmark counts the
 * HIGH tasks the whole pool starts while a LOW task waits; with W workers each making at most 4K
 * picks, plus the task each may be running when the LOW task arrives, that count is at most
 * {@code W x (4K + 1)}. In time, with every pick a HIGH task of
 * {@link StarvationBenchmark#DEFAULT_HIGH_MICROS} us, the same bound is {@code (4K + 1)} tasks,
 * provided the workers actually get their CPUs. Not instantiable.
 */
final class StarvationBound {

  private StarvationBound() {}

  /** Returns the bound in picks: {@code 4K}. */
  static int picks() {
    return 4 * EchoSide.starvationInterval();
  }

  /** Returns the bound on HIGH tasks started pool-wide while one LOW task waits: {@code W x (4K + 1)}. */
  static int poolPicks() {
    return Kinds.workers() * (picks() + 1);
  }

  /** Returns the bound in microseconds for the benchmark's HIGH task length. */
  static double micros() {
    return (picks() + 1.0) * Integer.parseInt(StarvationBenchmark.DEFAULT_HIGH_MICROS);
  }

  /** Describes the bound in time for the table. */
  static String describe() {
    return String.format(Locale.ROOT, "(4K+1 picks x %s us = %.0f us, K = %d)",
        StarvationBenchmark.DEFAULT_HIGH_MICROS, micros(), EchoSide.starvationInterval());
  }

  /** Describes the bound in picks for the table. */
  static String describePicks() {
    return String.format(Locale.ROOT, "W x (4K+1) = %d x %d = %d (K = %d)",
        Kinds.workers(), picks() + 1, poolPicks(), EchoSide.starvationInterval());
  }
}
