package land.echo;

/**
 * The work of an effect that needs no capability: given the effect's cancellation token, it returns
 * a value or throws.
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface TokenBody<T> {
  /** Runs the work, honouring {@code token} where it can. */
  T run(CancellationToken token) throws Exception;
}
