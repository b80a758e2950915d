package land.echo.scheduler;

import java.util.concurrent.Executor;
import land.echo.Priority;

/**
 * The {@link Executor} view of an {@link EchoScheduler} at one {@link Priority}: {@link
 * #execute(Runnable)} is {@link EchoScheduler#execute(Runnable, Priority)}. Immutable and
 * thread-safe; the scheduler keeps one per priority ({@link EchoScheduler#executor(Priority)}).
 */
record PriorityExecutor(EchoScheduler scheduler, Priority priority) implements Executor {

  /** Returns one view per priority, indexed by ordinal. */
  static PriorityExecutor[] allOf(EchoScheduler scheduler) {
    PriorityExecutor[] views = new PriorityExecutor[Priority.COUNT];
    for (int p = 0; p < Priority.COUNT; p++) {
      views[p] = new PriorityExecutor(scheduler, Priority.ofOrdinal(p));
    }
    return views;
  }

  @Override
  public void execute(Runnable task) {
    scheduler.execute(task, priority);
  }

  // Not the record's default: that would print the scheduler's state too, and compare schedulers with equals.
  @Override
  public String toString() {
    return "EchoScheduler.executor(" + priority + ")";
  }
}
