package land.echo;

import java.util.Objects;

/**
 * An unchecked exception carrying a {@link Fault} that has no closer standard exception, thrown
 * (wrapped as {@code CompletableFuture} wraps any failure) by the futures of {@link
 * ApplicationRuntime#future}: {@link Fault.Rejected}, {@link Fault.CapabilityMissing} and {@link
 * Fault.ShutdownFailed}. Its message is the fault's {@link Fault#message()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class FaultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * The fault this exception carries.
   */
  private final Fault fault;

  /**
   * Creates an exception carrying {@code fault}.
   *
   * @param fault the runtime's fault, never null
   */
  public FaultException(Fault fault) {
    super(Objects.requireNonNull(fault, "fault").message());
    this.fault = fault;
  }

  /**
   * Returns the fault this exception carries.
   *
   * @return the fault, never null
   */
  public Fault fault() {
    return fault;
  }
}
