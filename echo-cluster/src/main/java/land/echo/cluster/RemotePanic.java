package land.echo.cluster;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The cause of a {@code Panic} fault raised on another member: the exception itself stays there
 * (exceptions never cross the network as Java-serialized objects); its class, message and stack
 * trace arrive as text, which {@link #getMessage()} holds, with the member that ran the effect.
 *
 * <p>Immutable.
 */
public final class RemotePanic extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The member the effect ran on. */
  private final String member;

  /**
   * Creates the cause.
   *
   * @param member the member that ran the effect
   * @param description the original exception's class, message and stack trace
   */
  public RemotePanic(String member, String description) {
    super("on member " + member + ": " + description, null, false, false);
    this.member = member;
  }

  /**
   * Returns the member the effect panicked on.
   *
   * @return the member's id
   */
  public String member() {
    return member;
  }

  /**
   * Returns {@code cause}'s stack trace as text, as it travels.
   *
   * @param cause the exception a body threw
   * @return its class, message and stack trace
   */
  public static String describe(Throwable cause) {
    StringWriter text = new StringWriter();
    cause.printStackTrace(new PrintWriter(text));
    return text.toString();
  }
}
