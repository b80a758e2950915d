package land.echo;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ApplicationRuntime#shutdown} did.
 *
 * <p>Immutable and thread-safe.
 *
 * @param completed effects in flight when shutdown began that finished before the deadline
 * @param cancelled effects in flight that were still unfinished at the deadline and were cancelled
 * @param hooks the result of every shutdown hook, in registration order
 * @param failure the aggregated failures of the hooks, if any hook failed or timed out
 */
public record ShutdownReport(
    long completed, long cancelled, List<HookResult> hooks, Optional<CommonError.ShutdownFailed> failure) {

  /** Validates and copies the components. */
  public ShutdownReport {
    hooks = List.copyOf(hooks);
    Objects.requireNonNull(failure, "failure");
  }
}
