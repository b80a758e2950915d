package land.echo.testing;

/** An exception whose toString() throws, so that printing its stack trace (a log line) throws too. */
public final class HostileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HostileException() {
    super("hostile");
  }

  @Override
  public String toString() {
    throw new IllegalStateException("toString of an exception");
  }
}
