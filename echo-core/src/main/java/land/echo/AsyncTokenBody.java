package land.echo;

import java.util.concurrent.CompletionStage;

/**
 * Asynchronous work that needs no capability: it starts the work and returns a stage that
 * completes with its value.
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface AsyncTokenBody<T> {
  /**
   * Starts the work and returns its eventual value.
   *
   * @param token the effect's cancellation token
   * @return the stage that completes with the value
   * @throws Exception if the work cannot be started; the effect then ends with a panic, unless
   *     {@code catching} maps the exception to a domain error
   */
  CompletionStage<T> run(CancellationToken token) throws Exception;
}
