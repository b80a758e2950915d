package land.echo;

/**
 * Thrown by {@link Environment#require(Class)} when the environment has no capability registered
 * under the requested type.
 *
 * <p>Immutable and thread-safe. The message names the missing type.
 */
public final class MissingCapabilityException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String capabilityType;

  /** Creates an exception naming the missing capability {@code type}. */
  public MissingCapabilityException(Class<?> type) {
    super("No capability registered in the environment for " + type.getName());
    this.capabilityType = type.getName();
  }

  /** Returns the binary name of the missing capability type. */
  public String capabilityType() {
    return capabilityType;
  }
}
