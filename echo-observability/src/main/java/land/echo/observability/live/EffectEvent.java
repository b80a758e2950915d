package land.echo.observability.live;

import java.util.Objects;
import land.echo.Priority;
import land.echo.spi.OutcomeKind;

/**
 * One event in an {@link Observatory}'s journal: a root effect was submitted, started or
 * completed. Immutable and thread-safe.
 *
 * @param sequence the event's position in the journal, from 0, increasing by one per event
 * @param nanos the runtime clock's reading when it happened
 * @param type what happened
 * @param effectId the effect's id
 * @param name the effect's name, as the runtime reports it (not bounded: events are not metrics)
 * @param priority the effect's priority
 * @param outcome the outcome's kind for {@link Type#COMPLETED}, else null
 */
public record EffectEvent(
    long sequence, long nanos, Type type, long effectId, String name, Priority priority, OutcomeKind outcome) {

  /** Validates the components. */
  public EffectEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(priority, "priority");
    if ((type == Type.COMPLETED) != (outcome != null)) {
      throw new IllegalArgumentException("a COMPLETED event, and only one, has an outcome");
    }
  }

  /** What happened to the effect. */
  public enum Type {
    /** It was submitted. */
    SUBMITTED,
    /** Its fiber ran for the first time. */
    STARTED,
    /** It completed. */
    COMPLETED
  }
}
