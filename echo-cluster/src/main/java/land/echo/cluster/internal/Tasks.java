package land.echo.cluster.internal;

import land.echo.Outcome;

/**
 * The cluster's operations on tasks and results, for {@code land.echo.cluster}: the records'
 * transitions stay package-private here. Stateless.
 */
public final class Tasks {
  private Tasks() {}

  /**
   * Returns the result of running {@code task} on {@code member}.
   *
   * @param task the task
   * @param member the member that ran it
   * @param outcome its outcome
   * @return the result to publish
   */
  public static TaskResult result(Task task, String member, Outcome<?, ?> outcome) {
    return TaskResult.of(task, member, outcome);
  }

  /**
   * Returns {@code prior}, a stored idempotent result, as the result of {@code task}.
   *
   * @param prior the result stored under the task's idempotency key
   * @param task the task it answers
   * @return the result, addressed to the task's submitter
   */
  public static TaskResult readdressed(TaskResult prior, Task task) {
    return new TaskResult(task.id(), task.submitter(), prior.kind(), prior.value(), prior.faultKind(),
        prior.faultText(), prior.faultMillis(), prior.policy(), prior.member(), task.runs()); // this task's runs
  }

  /**
   * Returns the outcome {@code result} stands for.
   *
   * @param result a result
   * @param <E> the domain error type
   * @param <T> the success type
   * @return its outcome
   */
  public static <E, T> Outcome<E, T> outcome(TaskResult result) {
    return result.outcome();
  }
}
