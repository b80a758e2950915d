package land.echo.cluster.internal;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.cluster.RemotePanic;

/**
 * A task's outcome as it travels back to the submitter: the value of the result map, keyed by task
 * id (and, for an idempotent task, of the idempotency map, keyed by its idempotency key). Queried by
 * {@code submitter}, so that each member hears of its own results only. Immutable.
 *
 * @param id the task's id
 * @param submitter the member whose handle waits for it
 * @param kind {@link #SUCCESS}, {@link #FAILURE} or {@link #FAULT}
 * @param value the success value or the domain error
 * @param faultKind the fault's tag ({@code cancelled}, {@code timed_out}, ...), "" unless a fault
 * @param faultText the fault's reason or message
 * @param faultMillis a timeout's budget, or a rejection's retry-after (-1 for none)
 * @param policy the policy that rejected, "" for none
 * @param member the member that ran it
 * @param runs how many runs the task took (more than 1 after a failover)
 */
public record TaskResult(
    String id, String submitter, int kind, Object value, String faultKind, String faultText, long faultMillis,
    String policy, String member, int runs) {
  static final int SUCCESS = 0;
  static final int FAILURE = 1;
  static final int FAULT = 2;

  /** Returns this result counting {@code count} runs. */
  TaskResult withRuns(int count) {
    return count == runs ? this
        : new TaskResult(id, submitter, kind, value, faultKind, faultText, faultMillis, policy, member, count);
  }

  /** Returns the result of {@code outcome} for {@code task}, run by {@code member}. */
  static TaskResult of(Task task, String member, Outcome<?, ?> outcome) {
    return switch (outcome) {
      case Outcome.Success<?, ?> s -> new TaskResult(task.id(), task.submitter(), SUCCESS, s.value(), "", "", -1, "",
          member, task.runs());
      case Outcome.Failure<?, ?> f -> new TaskResult(task.id(), task.submitter(), FAILURE, f.error(), "", "", -1, "",
          member, task.runs());
      case Outcome.Faulted<?, ?> f -> ofFault(task.id(), task.submitter(), member, task.runs(), f.fault());
    };
  }

  /** Returns the result carrying {@code fault}. */
  static TaskResult ofFault(String id, String submitter, String member, int runs, Fault fault) {
    return switch (fault) {
      case Fault.TimedOut t -> new TaskResult(id, submitter, FAULT, null, "timed_out", "", t.after().toMillis(), "",
          member, runs);
      case Fault.Cancelled c -> new TaskResult(id, submitter, FAULT, null, "cancelled", c.reason(), -1, "", member,
          runs);
      case Fault.Rejected r -> new TaskResult(id, submitter, FAULT, null, "rejected", r.reason(),
          r.detail().flatMap(Fault.Rejection::retryAfter).map(Duration::toMillis).orElse(-1L),
          r.detail().map(Fault.Rejection::policyName).orElse(""), member, runs);
      case Fault.Panic p -> new TaskResult(id, submitter, FAULT, null, "panic", RemotePanic.describe(p.cause()), -1, "",
          member, runs);
      case Fault.CapabilityMissing m -> new TaskResult(id, submitter, FAULT, null, "capability_missing",
          m.capabilityType(), -1, "", member, runs);
      case Fault.ShutdownFailed s -> new TaskResult(id, submitter, FAULT, null, "shutdown_failed",
          String.join("\n", s.failures()), -1, "", member, runs);
    };
  }

  /** Returns the outcome this result stands for. */
  @SuppressWarnings("unchecked")
  <E, T> Outcome<E, T> outcome() {
    return switch (kind) {
      case SUCCESS -> Outcome.success((T) value);
      case FAILURE -> Outcome.failure((E) value);
      default -> Outcome.faulted(fault());
    };
  }

  private Fault fault() {
    return switch (faultKind) {
      case "timed_out" -> new Fault.TimedOut(Duration.ofMillis(faultMillis));
      case "cancelled" -> new Fault.Cancelled(faultText);
      case "rejected" -> policy.isEmpty()
          ? new Fault.Rejected(faultText)
          : new Fault.Rejected(faultText, new RemoteRejection(policy, faultText,
              faultMillis < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(faultMillis))));
      case "panic" -> new Fault.Panic(new RemotePanic(member, faultText));
      case "capability_missing" -> new Fault.CapabilityMissing(faultText);
      case "shutdown_failed" -> new Fault.ShutdownFailed(List.copyOf(Arrays.asList(faultText.split("\n"))));
      default -> new Fault.Panic(new RemotePanic(member, "unknown fault kind '" + faultKind + "': " + faultText));
    };
  }

  /**
   * A policy's refusal on another member, as the submitter sees it: the policy's name, the message
   * and the retry-after hint survive the trip; the policy's own record type does not.
   *
   * @param policyName the refusing policy's name
   * @param message the refusal's text
   * @param retryAfter when trying again may be admitted
   */
  public record RemoteRejection(String policyName, String message, Optional<Duration> retryAfter)
      implements Fault.Rejection {}

  /** The Compact serializer, registered on every member. Stateless. */
  public static final class Serializer implements CompactSerializer<TaskResult> {
    /** Creates the serializer. */
    public Serializer() {}

    @Override
    public TaskResult read(CompactReader in) {
      return new TaskResult(in.readString("id"), in.readString("submitter"), in.readInt32("kind"),
          Values.read(in, "value"), in.readString("faultKind"), in.readString("faultText"), in.readInt64("faultMillis"),
          in.readString("policy"), in.readString("member"), in.readInt32("runs"));
    }

    @Override
    public void write(CompactWriter out, TaskResult r) {
      out.writeString("id", r.id());
      out.writeString("submitter", r.submitter());
      out.writeInt32("kind", r.kind());
      Values.write(out, "value", r.value());
      out.writeString("faultKind", r.faultKind());
      out.writeString("faultText", r.faultText());
      out.writeInt64("faultMillis", r.faultMillis());
      out.writeString("policy", r.policy());
      out.writeString("member", r.member());
      out.writeInt32("runs", r.runs());
    }

    @Override
    public String getTypeName() {
      return "echo.TaskResult";
    }

    @Override
    public Class<TaskResult> getCompactClass() {
      return TaskResult.class;
    }
  }
}
