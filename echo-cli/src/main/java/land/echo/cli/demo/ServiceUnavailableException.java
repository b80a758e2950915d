package land.echo.cli.demo;

/**
 * Thrown by {@link FlakySymbolService} when a call fails; the demo maps it to the domain error
 * {@link ServiceFailure} so it can be retried.
 *
 * <p>Immutable and thread-safe.
 */
public final class ServiceUnavailableException extends Exception {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with a message describing the failed call.
   *
   * @param message the description of the failed call
   */
  public ServiceUnavailableException(String message) {
    super(message, null, false, false);
  }
}
