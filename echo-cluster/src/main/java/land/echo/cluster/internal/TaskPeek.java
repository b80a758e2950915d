package land.echo.cluster.internal;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import java.util.Map;

/**
 * A read of where a task stands, small enough to ask for thousands at once: its result when it is
 * done, {@link #PRESENT} while it waits or runs, {@link #GONE} when there is no such task. It
 * changes nothing, so it runs without a backup. Travels with Compact serialization. Stateless.
 */
public final class TaskPeek implements EntryProcessor<String, Task, Object>, ReadOnly {
  private static final long serialVersionUID = 1L;
  /** The answer for a task that waits or runs. */
  public static final String PRESENT = "present";
  /** The answer for a key with no task. */
  public static final String GONE = "gone";

  /** Creates the read. */
  public TaskPeek() {}

  @Override
  public Object process(Map.Entry<String, Task> entry) {
    Task task = entry.getValue();
    if (task == null) {
      return GONE;
    }
    return task.state() == Task.DONE && task.result() != null ? task.result() : PRESENT;
  }

  @Override
  public EntryProcessor<String, Task, Object> getBackupProcessor() {
    return null;
  }

  /** The Compact serializer, registered on every member. Stateless. */
  public static final class Serializer implements CompactSerializer<TaskPeek> {
    /** Creates the serializer. */
    public Serializer() {}

    @Override
    public TaskPeek read(CompactReader in) {
      return new TaskPeek();
    }

    @Override
    public void write(CompactWriter out, TaskPeek peek) {
      // no fields
    }

    @Override
    public String getTypeName() {
      return "echo.TaskPeek";
    }

    @Override
    public Class<TaskPeek> getCompactClass() {
      return TaskPeek.class;
    }
  }
}
