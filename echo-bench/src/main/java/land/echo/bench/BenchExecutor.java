package land.echo.bench;

import land.echo.Priority;

/**
 * A task executor under benchmark: Echo's scheduler or one of its anchors, behind one interface so
 * that every benchmark drives all of them with identical code.
 *
 * <p>Executors without priorities ignore the {@code priority} argument; that is the point of the
 * priority benchmarks. Implementations are thread-safe.
 */
public interface BenchExecutor extends AutoCloseable {

  /**
   * Submits {@code task} at {@code priority}; anchors without priorities run it like any other.
   *
   * @param task the task to run once
   * @param priority the priority Echo and the priority-queue anchor honour
   */
  void execute(Runnable task, Priority priority);

  /**
   * Submits {@code task} at {@link Priority#NORMAL}.
   *
   * @param task the task to run once
   */
  default void execute(Runnable task) {
    execute(task, Priority.NORMAL);
  }

  /**
   * Returns the JMH parameter value naming this executor, e.g. {@code fjpAsync}.
   *
   * @return the kind's name
   */
  String kind();

  /** Shuts the executor down and waits (bounded) for its threads; shared pools are left running. */
  @Override
  void close();
}
