package land.echo.scheduler;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event: a worker stole tasks from a peer's local queue. Committed by the thief right after a
 * successful steal, only while a recording enables it ({@link #isEnabled()} is checked before any
 * field is filled, so with JFR off a steal pays for one allocation the JIT removes). Not
 * thread-safe; each instance belongs to one thread.
 */
@Name(TasksStolen.NAME)
@Label("Tasks Stolen")
@Category({"Echo", "Scheduler"})
@Description("A worker moved about half of a random peer's local queue into its own")
@StackTrace(false)
final class TasksStolen extends Event {
  /** The event's JFR name. */
  static final String NAME = "land.echo.TasksStolen";

  @Label("Priority")
  String priority;

  @Label("Tasks")
  @Description("Tasks moved, the one the thief runs next included")
  int tasks;

  @Label("Victim")
  @Description("Index of the worker stolen from")
  int victim;
}
