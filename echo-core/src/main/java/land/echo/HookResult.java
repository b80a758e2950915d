package land.echo;

import java.util.Objects;
import java.util.Optional;

/**
 * What happened to one shutdown hook.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the hook's name
 * @param status whether it completed, failed or timed out
 * @param failure the failure's description, present unless the hook completed
 */
public record HookResult(String name, Status status, Optional<String> failure) {

  /** Validates the components. */
  public HookResult {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(failure, "failure");
  }

  /** How a hook ended. */
  public enum Status {
    /** The hook returned normally. */
    COMPLETED,
    /** The hook threw. */
    FAILED,
    /** The hook did not finish within its timeout and was interrupted. */
    TIMED_OUT
  }
}
