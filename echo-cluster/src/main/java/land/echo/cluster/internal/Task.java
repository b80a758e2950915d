package land.echo.cluster.internal;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;

/**
 * One accepted cluster effect, the value of the task map: what to run (a registered name and its
 * arguments), at which priority, and where it stands. The map's key is {@code id@routingKey}, so
 * the task lives in its routing key's partition. The entry is the task's whole life: queued, claimed
 * by a member ({@link TaskProcessor} changes it in place, on the partition's owner and its backups),
 * then done with its result, until the submitter has heard of it and deletes it. Queried by
 * {@code state}, {@code owner}, {@code submitter} and {@code priority}. Immutable.
 *
 * @param id the task's id (a UUID)
 * @param name the registered effect's name
 * @param args its arguments
 * @param priority the priority's ordinal
 * @param state {@link #QUEUED}, {@link #RUNNING} or {@link #DONE}
 * @param owner the member running it (or that ran it), "" while queued
 * @param submitter the member whose handle waits for the result
 * @param idempotencyKey the caller's idempotency key, "" for none
 * @param deadlineMillis the epoch millisecond the budget ends, 0 for none
 * @param timeoutMillis the whole budget the caller set, 0 for none
 * @param runs how many times a member has claimed it (1 on the first run)
 * @param retries the retry policy's retries, 0 for none
 * @param retryDelayMillis the retry policy's first delay
 * @param cancelled the submitter cancelled it
 * @param result its result once {@link #DONE}, else null
 */
public record Task(
    String id, String name, Object args, int priority, int state, String owner, String submitter,
    String idempotencyKey, long deadlineMillis, long timeoutMillis, int runs, int retries, long retryDelayMillis,
    boolean cancelled, TaskResult result) {
  /** Waiting for a member. */
  public static final int QUEUED = 0;
  /** Claimed by {@link #owner}. */
  public static final int RUNNING = 1;
  /** Finished: {@link #result} waits for the submitter. */
  public static final int DONE = 2;

  /**
   * Returns a new task, queued.
   *
   * @param id the task's id
   * @param name the registered effect's name
   * @param args its arguments
   * @param priority the priority's ordinal
   * @param submitter the submitting member
   * @param idempotencyKey the idempotency key, "" for none
   * @param deadlineMillis the epoch millisecond the budget ends, 0 for none
   * @param timeoutMillis the whole budget, 0 for none
   * @param retries the retry policy's retries
   * @param retryDelayMillis the retry policy's first delay
   * @return the task
   */
  public static Task queued(String id, String name, Object args, int priority, String submitter, String idempotencyKey,
      long deadlineMillis, long timeoutMillis, int retries, long retryDelayMillis) {
    return new Task(id, name, args, priority, QUEUED, "", submitter, idempotencyKey, deadlineMillis, timeoutMillis, 0,
        retries, retryDelayMillis, false, null);
  }

  /** Returns this task claimed by {@code member}: one more run. */
  Task claimedBy(String member) {
    return new Task(id, name, args, priority, RUNNING, member, submitter, idempotencyKey, deadlineMillis,
        timeoutMillis, runs + 1, retries, retryDelayMillis, cancelled, null);
  }

  /** Returns this task queued again, its unfinished run not counted (a member handed it off). */
  Task released() {
    return new Task(id, name, args, priority, QUEUED, "", submitter, idempotencyKey, deadlineMillis, timeoutMillis,
        Math.max(0, runs - 1), retries, retryDelayMillis, cancelled, null);
  }

  /** Returns this task done, with {@code outcome}. */
  Task done(TaskResult outcome) {
    return new Task(id, name, args, priority, DONE, outcome.member(), submitter, idempotencyKey, deadlineMillis,
        timeoutMillis, runs, retries, retryDelayMillis, cancelled, outcome);
  }

  /** The Compact serializer, registered on every member. Stateless. */
  public static final class Serializer implements CompactSerializer<Task> {
    /** Creates the serializer. */
    public Serializer() {}

    @Override
    public Task read(CompactReader in) {
      return new Task(in.readString("id"), in.readString("name"), Values.read(in, "args"), in.readInt32("priority"),
          in.readInt32("state"), in.readString("owner"), in.readString("submitter"), in.readString("idempotencyKey"),
          in.readInt64("deadlineMillis"), in.readInt64("timeoutMillis"), in.readInt32("runs"), in.readInt32("retries"),
          in.readInt64("retryDelayMillis"), in.readBoolean("cancelled"), in.readCompact("result"));
    }

    @Override
    public void write(CompactWriter out, Task t) {
      out.writeString("id", t.id());
      out.writeString("name", t.name());
      Values.write(out, "args", t.args());
      out.writeInt32("priority", t.priority());
      out.writeInt32("state", t.state());
      out.writeString("owner", t.owner());
      out.writeString("submitter", t.submitter());
      out.writeString("idempotencyKey", t.idempotencyKey());
      out.writeInt64("deadlineMillis", t.deadlineMillis());
      out.writeInt64("timeoutMillis", t.timeoutMillis());
      out.writeInt32("runs", t.runs());
      out.writeInt32("retries", t.retries());
      out.writeInt64("retryDelayMillis", t.retryDelayMillis());
      out.writeBoolean("cancelled", t.cancelled());
      out.writeCompact("result", t.result());
    }

    @Override
    public String getTypeName() {
      return "echo.Task";
    }

    @Override
    public Class<Task> getCompactClass() {
      return Task.class;
    }
  }
}
