package land.echo;

/**
 * Thrown by {@link Environment#require(Class)} when the environment has no capability registered
 * under the requested type.
 *
 * <p>Immutable and thread-safe. The message names the missing type.
 */
public final class MissingCapabilityException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The binary name of the missing capability type. */
  private final String capabilityType;

  /**
   * Creates an exception naming the missing capability {@code type}.
   *
   * @param type the capability type that is not registered
   */
  public MissingCapabilityException(Class<?> type) {
    super("No capability registered in the environment for " + type.getName());
    this.capabilityType = type.getName();
  }

  /**
   * Returns the binary name of the missing capability type.
   *
   * @return the missing type's {@link Class#getName() name}
   */
  public String capabilityType() {
    return capabilityType;
  }
}
