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
  /** Starts the work with {@code capability} and returns its eventual value. */
  CompletionStage<T> run(C capability, CancellationToken token) throws Exception;
}
