package land.echo;

import java.util.concurrent.CompletionStage;

/**
 * Asynchronous work that needs capability {@code C}: it starts the work and returns a stage that
 * completes with its value.
 *
 * <p>The body itself must not block. When the effect is cancelled, the stage's {@code
 * toCompletableFuture()} is cancelled.
 *
 * @param <C> the capability type
 * @param <T> the value type
 */
@FunctionalInterface
public interface AsyncBody<C, T> {
  /**
   * Starts the work with {@code capability} and returns its eventual value.
   *
   * @param capability the capability from the runtime's environment
   * @param token the effect's cancellation token
   * @return the stage that completes with the value
   * @throws Exception if the work cannot be started; the effect then ends with a panic, unless
   *     {@code catching} maps the exception to a domain error
   */
  CompletionStage<T> run(C capability, CancellationToken token) throws Exception;
}
