package land.echo;

/**
 * The work of an effect that needs no capability: given the effect's cancellation token, it returns
 * a value or throws.
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface TokenBody<T> {
  /**
   * Runs the work, honouring {@code token} where it can.
   *
   * @param token the effect's cancellation token
   * @return the value the effect succeeds with; may be null
   * @throws Exception if the work fails; the effect then ends with a panic, unless {@code catching}
   *     maps the exception to a domain error
   */
  T run(CancellationToken token) throws Exception;
}
