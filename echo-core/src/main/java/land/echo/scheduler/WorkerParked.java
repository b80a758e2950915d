package land.echo.scheduler;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event: a worker found no work and parked; its duration is the time until it was woken (or
 * retired). Begun before the park and committed after it, only while a recording enables it; a
 * worker parks only when idle, so the event never touches the path of a busy worker. Not
 * thread-safe; each instance belongs to one thread.
 */
@Name(WorkerParked.NAME)
@Label("Worker Parked")
@Category({"Echo", "Scheduler"})
@Description("An idle worker parked until a submission woke it")
@StackTrace(false)
final class WorkerParked extends Event {
  /** The event's JFR name. */
  static final String NAME = "land.echo.WorkerParked";

  @Label("Worker")
  @Description("Index of the worker")
  int worker;
}
