package land.echo.cluster.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import java.util.Map;

/**
 * A change to one task entry, made atomically on the partition's owner. Each is one map operation:
 * the claim, the result and the hand-off take one round trip each, instead of a claim in a map of
 * its own and a result in another. Travels with Compact serialization, never Java serialization.
 *
 * <p>Which changes reach the backups: the result of a task that the partition's own member ran
 * stays on that member ({@link #getBackupProcessor()} returns null). A backup promoted after that
 * member's death then shows the task running on a departed member, and it is run again, which is
 * what at-least-once delivery asks when the result may not have reached its submitter. Every other
 * change (a claim, a result from another member, a release) is applied to the backups as well,
 * where the same processor decides the same on the same value; a call that changes nothing sends
 * no backup. Whether it runs on the member that ran the task is known only where it runs:
 * Hazelcast hands each processor its member ({@link HazelcastInstanceAware}) before it runs;
 * without that, the change is backed up.
 *
 * <p>A HIGH task is submitted with {@link #submit}: stored already claimed by the member the
 * processor runs on (the partition's owner), whose backup stores the same value (a {@code PUT}).
 *
 * <p>Not thread-safe: one instance per call, as Hazelcast uses it.
 */
public final class TaskProcessor implements EntryProcessor<String, Task, Object>, HazelcastInstanceAware {
  private static final long serialVersionUID = 1L;
  static final int CLAIM = 0;
  static final int COMPLETE = 1;
  static final int RELEASE = 2;
  static final int SUBMIT = 3;
  static final int PUT = 4;

  /** {@link #CLAIM}, {@link #COMPLETE} or {@link #RELEASE}. */
  private final int op;
  /** The member claiming, completing or releasing. */
  private final String member;
  /** For a claim: the departed member whose run it replaces, "" for none. */
  private final String replacing;
  /** For a completion: the result. */
  private final TaskResult result;
  /** For a submission: the task; for a put (a submission's backup): the value to store. */
  private final Task task;
  /** What a submission stored, for its backup. */
  private transient Task stored;
  /** The member this runs on, once Hazelcast said so; null until then. */
  private transient String local;
  /** Whether the change made must reach the backups; decided by {@link #process}. */
  private transient boolean backup = true;

  /**
   * Creates a processor; use {@link #claim}, {@link #complete} or {@link #release}.
   *
   * @param op {@link #CLAIM}, {@link #COMPLETE} or {@link #RELEASE}
   * @param member the member claiming, completing or releasing
   * @param replacing for a claim: the departed member whose run it replaces, "" for none
   * @param result for a completion: the result
   * @param task for a submission: the task; for a put: the value
   */
  TaskProcessor(int op, String member, String replacing, TaskResult result, Task task) {
    this.op = op;
    this.member = member;
    this.replacing = replacing;
    this.result = result;
    this.task = task;
  }

  /**
   * Returns the claim of a task by {@code member}. It returns the claimed task; or, when another
   * member runs it, that member's id, so that the caller may claim it again with {@code replacing}
   * if that member has left; or null when the task is gone, cancelled or done.
   *
   * @param member the claiming member
   * @param replacing the member that left while running it, "" for a queued task
   * @return the processor
   */
  public static TaskProcessor claim(String member, String replacing) {
    return new TaskProcessor(CLAIM, member, replacing, null, null);
  }

  /**
   * Returns the completion of a task with {@code result}: the entry becomes {@link Task#DONE} unless
   * it is gone (cancelled) or already done (a second run's result loses to the first). Returns
   * whether it stored the result.
   *
   * @param result the result
   * @return the processor
   */
  public static TaskProcessor complete(TaskResult result) {
    return new TaskProcessor(COMPLETE, result.member(), "", result, null);
  }

  /**
   * Returns the release of a task {@code member} runs: queued again for another member, its
   * unfinished run not counted. Returns whether it released it.
   *
   * @param member the member handing it off
   * @return the processor
   */
  public static TaskProcessor release(String member) {
    return new TaskProcessor(RELEASE, member, "", null, null);
  }

  /**
   * Returns the submission of a HIGH task: stored already claimed by the partition's owner, where
   * it runs, so that the owner starts it without a claim of its own (a round trip through the
   * partition's queue, behind every other operation there, and its backup). Such a task is never
   * stolen: HIGH work is admitted at once, beyond the admission limit. Returns whether it stored
   * the task (false if the key exists).
   *
   * @param task the queued task
   * @return the processor
   */
  public static TaskProcessor submit(Task task) {
    return new TaskProcessor(SUBMIT, task.submitter(), "", null, task);
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcast) {
    onMember(hazelcast.getCluster().getLocalMember().getUuid().toString());
  }

  /** Tells the processor the id of the member it runs on (Hazelcast does, through {@link #setHazelcastInstance}). */
  TaskProcessor onMember(String id) {
    this.local = id;
    return this;
  }

  /** Whether the change the last {@link #process} made must reach the backups. */
  boolean backedUp() {
    return backup;
  }

  @Override
  public EntryProcessor<String, Task, Object> getBackupProcessor() {
    if (!backup) {
      return null;
    }
    // A submission's backup stores what the owner stored: run there, it would claim for the backup.
    return op == SUBMIT ? new TaskProcessor(PUT, member, "", null, stored) : this;
  }

  @Override
  public Object process(Map.Entry<String, Task> entry) {
    backup = false; // unless a change below needs it
    if (op == SUBMIT || op == PUT) {
      if (op == SUBMIT && entry.getValue() != null) {
        return Boolean.FALSE;
      }
      stored = op == PUT || local == null ? task : task.claimedBy(local);
      entry.setValue(stored);
      backup = true;
      return Boolean.TRUE;
    }
    Task task = entry.getValue();
    if (task == null) {
      return op == CLAIM ? null : Boolean.FALSE;
    }
    switch (op) {
      case CLAIM -> {
        if (task.cancelled() || task.state() == Task.DONE) {
          return null;
        }
        if (task.state() == Task.RUNNING && !task.owner().equals(replacing)) {
          return task.owner();
        }
        Task claimed = task.claimedBy(member);
        entry.setValue(claimed);
        backup = true; // so that a promoted backup knows the run died with its member, and counts it
        return claimed;
      }
      case COMPLETE -> {
        if (task.state() == Task.DONE) {
          return Boolean.FALSE;
        }
        entry.setValue(task.done(result.withRuns(Math.max(result.runs(), task.runs()))));
        backup = !member.equals(local);
        return Boolean.TRUE;
      }
      case RELEASE -> {
        if (task.state() != Task.RUNNING || !task.owner().equals(member)) {
          return Boolean.FALSE;
        }
        entry.setValue(task.released());
        backup = true;
        return Boolean.TRUE;
      }
      default -> throw new IllegalStateException("unknown task operation " + op);
    }
  }

  /** The Compact serializer, registered on every member. Stateless. */
  public static final class Serializer implements CompactSerializer<TaskProcessor> {
    /** Creates the serializer. */
    public Serializer() {}

    @Override
    public TaskProcessor read(CompactReader in) {
      return new TaskProcessor(in.readInt32("op"), in.readString("member"), in.readString("replacing"),
          in.readCompact("result"), in.readCompact("task"));
    }

    @Override
    public void write(CompactWriter out, TaskProcessor p) {
      out.writeInt32("op", p.op);
      out.writeString("member", p.member);
      out.writeString("replacing", p.replacing);
      out.writeCompact("result", p.result);
      out.writeCompact("task", p.task);
    }

    @Override
    public String getTypeName() {
      return "echo.TaskProcessor";
    }

    @Override
    public Class<TaskProcessor> getCompactClass() {
      return TaskProcessor.class;
    }
  }
}
