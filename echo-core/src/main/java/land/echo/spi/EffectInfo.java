package land.echo.spi;

import java.util.Map;
import java.util.Objects;
import land.echo.Priority;

/**
 * An immutable snapshot of a submitted root effect, as {@link RuntimeListener}s and {@code
 * ApplicationRuntime.inFlight()} see it. Thread-safe.
 *
 * <p>Times are readings of the runtime's {@link land.echo.time.Clock} (nanoseconds, comparable
 * only with each other). The runtime takes them only while it has at least one listener, so that a
 * runtime nobody observes reads no clock per effect; without listeners both are {@code -1}.
 *
 * @param id the effect's number, unique within the JVM, across runtimes, so that a listener that
 *     several runtimes share can key by it (drawn when first needed, so not in submission order)
 * @param name the {@code RunOptions} name, else the effect's {@code named(..)} name, else {@code
 *     "effect#" + id}
 * @param priority the priority it runs at
 * @param submittedNanos the clock reading at submission, or {@code -1}
 * @param startedNanos the clock reading when its fiber first ran, or {@code -1} if it has not (yet)
 * @param attributes the {@code RunOptions} attributes; empty if none
 */
public record EffectInfo(
    long id, String name, Priority priority, long submittedNanos, long startedNanos, Map<String, Object> attributes) {

  /** Validates and copies the components. */
  public EffectInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(priority, "priority");
    attributes = Map.copyOf(attributes);
  }

  /**
   * Returns whether the effect's fiber has run.
   *
   * @return whether the fiber has started
   */
  public boolean isStarted() {
    return startedNanos != -1;
  }
}
