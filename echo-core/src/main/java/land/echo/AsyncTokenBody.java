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
  /** Starts the work and returns its eventual value. */
  CompletionStage<T> run(CancellationToken token) throws Exception;
}
