package land.echo;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How one submission runs: its priority, an optional whole-effect timeout, an optional name that
 * overrides the effect's own in logs and {@link land.echo.spi.EffectInfo}, and attributes handed to
 * {@link land.echo.spi.RuntimeListener}s. Immutable and thread-safe; the {@code with*} methods
 * return modified copies.
 *
 * {@snippet :
 * RunOptions options = RunOptions.defaults()
 *     .withPriority(Priority.HIGH)
 *     .withTimeout(Duration.ofSeconds(2))
 *     .withName("checkout")
 *     .withAttribute("tenant", "acme");
 * Outcome<CommonError, Receipt> receipt = runtime.run(checkout, options);
 * }
 *
 * @param priority the priority the effect runs at
 * @param timeout a budget covering queue wait and execution, as in {@link
 *     ApplicationRuntime#submitWithTimeout}; empty for none
 * @param name the name used for this execution instead of the effect's; empty to keep it
 * @param attributes values copied into {@link land.echo.spi.EffectInfo#attributes()}; no null keys
 *     or values
 */
public record RunOptions(
    Priority priority, Optional<Duration> timeout, Optional<String> name, Map<String, Object> attributes) {

  private static final RunOptions DEFAULTS =
      new RunOptions(Priority.NORMAL, Optional.empty(), Optional.empty(), Map.of());

  /**
   * Validates and copies the components.
   *
   * @throws IllegalArgumentException if {@code timeout} is negative or {@code name} is blank
   * @throws NullPointerException if a component, an attribute key or an attribute value is null
   */
  public RunOptions {
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(attributes, "attributes");
    if (timeout.isPresent() && timeout.get().isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, was " + timeout.get());
    }
    if (name.isPresent() && name.get().isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    attributes = Map.copyOf(attributes);
  }

  /**
   * Returns the defaults: {@code NORMAL} priority, no timeout, the effect's own name, no
   * attributes.
   *
   * @return the default options
   */
  public static RunOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns these options at {@code priority}.
   *
   * @param priority the priority to run at
   * @return new options, otherwise equal to these
   */
  public RunOptions withPriority(Priority priority) {
    return new RunOptions(priority, timeout, name, attributes);
  }

  /**
   * Returns these options with a whole-effect budget of {@code timeout}.
   *
   * @param timeout the budget, starting at submission
   * @return new options, otherwise equal to these
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public RunOptions withTimeout(Duration timeout) {
    return new RunOptions(priority, Optional.of(Objects.requireNonNull(timeout, "timeout")), name, attributes);
  }

  /**
   * Returns these options naming the execution {@code name}.
   *
   * @param name the name to report the execution under
   * @return new options, otherwise equal to these
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public RunOptions withName(String name) {
    return new RunOptions(priority, timeout, Optional.of(Objects.requireNonNull(name, "name")), attributes);
  }

  /**
   * Returns these options with attribute {@code key} set to {@code value} (replacing any previous
   * value).
   *
   * @param key the attribute's key
   * @param value the attribute's value
   * @return new options, otherwise equal to these
   */
  public RunOptions withAttribute(String key, Object value) {
    Map<String, Object> copy = new HashMap<>(attributes);
    copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return new RunOptions(priority, timeout, name, copy);
  }
}
