package land.echo.cluster;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a cluster effect is submitted, beyond its name, arguments and priority. Immutable; each
 * {@code with} method returns a copy.
 *
 * <pre>{@code
 * SubmitOptions options = SubmitOptions.defaults()
 *     .withRoutingKey(request.path())          // run where the path's data lives
 *     .withIdempotencyKey("index:" + request.path())
 *     .withTimeout(Duration.ofSeconds(5))
 *     .withRetry(3, Duration.ofMillis(10));
 * }</pre>
 *
 * @param routingKey run in the partition of this key (on the member that owns it), unless a member
 *     with idle workers takes the effect first; empty to spread by the effect's id
 * @param idempotencyKey the key under which the result is stored, so that a duplicate run (after a
 *     failover) or a duplicate submission is suppressed and the caller observes one result; empty for
 *     none
 * @param timeout a budget covering the wait in the cluster and the run; empty for none
 * @param retries how many times the running member retries a failure or a fault (Echo's default
 *     retry condition), 0 for none
 * @param retryDelay the first retry's delay, doubling after each
 */
public record SubmitOptions(
    Optional<String> routingKey, Optional<String> idempotencyKey, Optional<Duration> timeout, int retries,
    Duration retryDelay) {
  /** The longest routing or idempotency key accepted. */
  public static final int MAX_KEY_LENGTH = 1_000;

  private static final SubmitOptions DEFAULTS =
      new SubmitOptions(Optional.empty(), Optional.empty(), Optional.empty(), 0, Duration.ZERO);

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException naming the component that is out of range
   * @throws NullPointerException if a component is null
   */
  public SubmitOptions {
    Objects.requireNonNull(routingKey, "routingKey");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(retryDelay, "retryDelay");
    routingKey.ifPresent(k -> checkKey("routingKey", k));
    idempotencyKey.ifPresent(k -> checkKey("idempotencyKey", k));
    if (timeout.isPresent() && (timeout.get().isNegative() || timeout.get().isZero())) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout.get());
    }
    if (retries < 0) {
      throw new IllegalArgumentException("retries must not be negative, was " + retries);
    }
    if (retryDelay.isNegative()) {
      throw new IllegalArgumentException("retryDelay must not be negative, was " + retryDelay);
    }
  }

  private static void checkKey(String what, String key) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    if (key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(what + " must be at most " + MAX_KEY_LENGTH + " characters, was "
          + key.length());
    }
  }

  /**
   * Returns the defaults: spread by id, no idempotency key, no timeout, no retry.
   *
   * @return the default options
   */
  public static SubmitOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns these options routed by {@code key}.
   *
   * @param key the routing key
   * @return new options
   */
  public SubmitOptions withRoutingKey(String key) {
    return new SubmitOptions(Optional.of(Objects.requireNonNull(key, "key")), idempotencyKey, timeout, retries,
        retryDelay);
  }

  /**
   * Returns these options with idempotency key {@code key}.
   *
   * @param key the idempotency key
   * @return new options
   */
  public SubmitOptions withIdempotencyKey(String key) {
    return new SubmitOptions(routingKey, Optional.of(Objects.requireNonNull(key, "key")), timeout, retries,
        retryDelay);
  }

  /**
   * Returns these options with a budget of {@code timeout} from submission.
   *
   * @param timeout the budget, positive
   * @return new options
   */
  public SubmitOptions withTimeout(Duration timeout) {
    return new SubmitOptions(routingKey, idempotencyKey, Optional.of(Objects.requireNonNull(timeout, "timeout")),
        retries, retryDelay);
  }

  /**
   * Returns these options retrying up to {@code retries} times, from {@code delay}, doubling.
   *
   * @param retries retries after the first attempt
   * @param delay the first retry's delay
   * @return new options
   */
  public SubmitOptions withRetry(int retries, Duration delay) {
    return new SubmitOptions(routingKey, idempotencyKey, timeout, retries, delay);
  }
}
