package land.echo;

/**
 * The work of an effect that needs capability {@code C}: given the capability and the effect's
 * cancellation token, it returns a value or throws.
 *
 * <p>A thrown exception becomes {@code Faulted(Panic(exception))} unless an enclosing {@link
 * ActionEffect#catching} converts it to a domain error.
 *
 * @param <C> the capability type
 * @param <T> the value type
 */
@FunctionalInterface
public interface Body<C, T> {
  /**
   * Runs the work with {@code capability}, honouring {@code token} where it can.
   *
   * @param capability the capability from the runtime's environment
   * @param token the effect's cancellation token
   * @return the value the effect succeeds with; may be null
   * @throws Exception if the work fails; the effect then ends with a panic, unless {@code catching}
   *     maps the exception to a domain error
   */
  T run(C capability, CancellationToken token) throws Exception;
}
