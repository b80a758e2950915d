package land.echo.spi;

import java.util.Locale;
import land.echo.Fault;
import land.echo.Outcome;

/**
 * What an {@link Outcome} was, without its value or error: the closed set of labels that metrics,
 * traces and JFR events tag an execution with, so that a tag's cardinality is fixed. Thread-safe.
 *
 * {@snippet :
 * String outcomeTag = OutcomeKind.of(outcome).tag();   // "success", "timed_out", ...
 * }
 */
public enum OutcomeKind {
  /** {@code Outcome.Success}. */
  SUCCESS,
  /** {@code Outcome.Failure}: the effect's own domain error. */
  FAILURE,
  /** {@code Faulted(TimedOut)}. */
  TIMED_OUT,
  /** {@code Faulted(Cancelled)}. */
  CANCELLED,
  /** {@code Faulted(Rejected)}. */
  REJECTED,
  /** {@code Faulted(CapabilityMissing)}. */
  CAPABILITY_MISSING,
  /** {@code Faulted(Panic)}: a body threw. */
  PANIC,
  /** {@code Faulted(ShutdownFailed)}. */
  SHUTDOWN_FAILED;

  private final String tag = name().toLowerCase(Locale.ROOT);

  /**
   * Returns the kind of {@code outcome}.
   *
   * @param outcome an outcome
   * @return its kind
   */
  public static OutcomeKind of(Outcome<?, ?> outcome) {
    return switch (outcome) {
      case Outcome.Success<?, ?> s -> SUCCESS;
      case Outcome.Failure<?, ?> f -> FAILURE;
      case Outcome.Faulted<?, ?> f -> switch (f.fault()) {
        case Fault.TimedOut t -> TIMED_OUT;
        case Fault.Cancelled c -> CANCELLED;
        case Fault.Rejected r -> REJECTED;
        case Fault.CapabilityMissing m -> CAPABILITY_MISSING;
        case Fault.Panic p -> PANIC;
        case Fault.ShutdownFailed sf -> SHUTDOWN_FAILED;
      };
    };
  }

  /**
   * Returns the kind's label in lower snake case ({@code "timed_out"}), as metrics and traces tag it.
   *
   * @return the label
   */
  public String tag() {
    return tag;
  }
}
