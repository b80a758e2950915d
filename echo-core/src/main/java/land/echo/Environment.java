package land.echo;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The capabilities available to effects, registered by type: a typed service locator.
 *
 * <p>Immutable and thread-safe once built. An effect built with {@code compute(FileSystemReader.class,
 * ...)} receives the instance registered under {@code FileSystemReader.class}. Tests register small
 * fakes; no mocking framework is needed.
 */
public final class Environment {
  private static final Environment EMPTY = new Environment(Map.of());

  private final Map<Class<?>, Object> capabilities;

  private Environment(Map<Class<?>, Object> capabilities) {
    this.capabilities = capabilities;
  }

  /**
   * Returns the environment with no capabilities.
   *
   * @return the empty environment
   */
  public static Environment empty() {
    return EMPTY;
  }

  /**
   * Returns a builder for an environment.
   *
   * @return a new, empty builder
   */
  public static Builder builder() {
    return new Builder(Map.of());
  }

  /**
   * Returns a builder pre-filled with this environment's capabilities, to derive a new one.
   *
   * @return a new builder holding this environment's capabilities
   */
  public Builder toBuilder() {
    return new Builder(capabilities);
  }

  /**
   * Returns the capability registered under {@code type}.
   *
   * @param <C> the capability type
   * @param type the capability type to look up
   * @return the capability registered under {@code type}
   * @throws MissingCapabilityException naming {@code type} if none is registered
   */
  public <C> C require(Class<C> type) {
    Object capability = capabilities.get(Objects.requireNonNull(type, "type"));
    if (capability == null) {
      throw new MissingCapabilityException(type);
    }
    return type.cast(capability);
  }

  /**
   * Returns the capability registered under {@code type}, or empty if there is none.
   *
   * @param <C> the capability type
   * @param type the capability type to look up
   * @return the capability, or empty
   */
  public <C> Optional<C> find(Class<C> type) {
    return Optional.ofNullable(type.cast(capabilities.get(Objects.requireNonNull(type, "type"))));
  }

  /**
   * Returns the registered capability types.
   *
   * @return the types capabilities are registered under
   */
  public Set<Class<?>> types() {
    return capabilities.keySet();
  }

  /** Returns the capability registered under {@code type} or null; the interpreter's fast path. */
  Object lookup(Class<?> type) {
    return capabilities.get(type);
  }

  /**
   * Returns whether this environment holds a capability registered under {@code type}.
   *
   * @param type the capability type to look for
   * @return whether {@code type} is present
   */
  public boolean contains(Class<?> type) {
    return capabilities.containsKey(Objects.requireNonNull(type, "type"));
  }

  @Override
  public String toString() {
    return "Environment" + capabilities.keySet();
  }

  /** Collects capabilities for an {@link Environment}; not thread-safe. */
  public static final class Builder {
    private final Map<Class<?>, Object> capabilities;

    private Builder(Map<Class<?>, Object> initial) {
      this.capabilities = new HashMap<>(initial);
    }

    /**
     * Registers {@code capability} under {@code type}, replacing any earlier registration.
     *
     * @param <C> the capability type
     * @param type the type to register the capability under
     * @param capability the capability, an instance of {@code type}
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code capability} is not an instance of {@code type}
     */
    public <C> Builder with(Class<C> type, C capability) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(capability, () -> "capability for " + type.getName());
      if (!type.isInstance(capability)) {
        throw new IllegalArgumentException(
            "capability " + capability.getClass().getName() + " is not a " + type.getName());
      }
      capabilities.put(type, capability);
      return this;
    }

    /**
     * Returns an immutable environment holding the registered capabilities.
     *
     * @return a new environment
     */
    public Environment build() {
      return new Environment(Map.copyOf(capabilities));
    }
  }
}
