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
 * @param stillUnwinding names of effects whose cancelled work was still running (a finalizer, or a
 *     body that ignores its token and interrupts) when the grace for unwinding ran out; the hooks
 *     ran regardless. Empty in an orderly shutdown.
 * @param hooks the result of every shutdown hook, in registration order
 * @param failure the aggregated failures of the hooks, if any hook failed or timed out
 */
public record ShutdownReport(
    long completed,
    long cancelled,
    List<String> stillUnwinding,
    List<HookResult> hooks,
    Optional<Fault.ShutdownFailed> failure) {

  /** Validates and copies the components. */
  public ShutdownReport {
    if (completed < 0 || cancelled < 0) {
      throw new IllegalArgumentException(
          "completed and cancelled must be >= 0, were " + completed + " and " + cancelled);
    }
    stillUnwinding = List.copyOf(stillUnwinding);
    hooks = List.copyOf(hooks);
    Objects.requireNonNull(failure, "failure");
  }
}
