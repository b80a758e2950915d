package land.echo;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * When and how often to re-run an effect that did not succeed: exponential backoff with an
 * optional cap and jitter, restricted to the outcomes a predicate accepts.
 *
 * <p>Immutable and thread-safe. {@link #of(int, Duration)} is the original system's policy: up to
 * {@code maxRetries} retries ({@code maxRetries + 1} attempts in total) waiting {@code d, 2d, 4d,
 * ...} between them. When every attempt has failed the effect ends with the last attempt's outcome,
 * unchanged: a domain {@code Failure(E)} stays typed, as in the original, ZIO, Failsafe and
 * Resilience4j. The number of attempts is reported to the {@link RetryListener} set with {@link
 * Builder#onRetry}. An outcome the predicate rejects is returned unchanged at once. By default every
 * failure and fault is retried except a {@link Fault.Cancelled} fault and a {@link
 * CommonError.InvalidArgument} domain failure.
 *
 * <p>The policy is not generic: one policy serves effects of any error type. A predicate over the
 * typed domain error belongs to the effect: {@link ActionEffect#retry(RetryPolicy,
 * java.util.function.Predicate)}.
 */
public final class RetryPolicy {
  private static final Predicate<Outcome<?, ?>> DEFAULT_RETRY_ON = RetryPolicy::retriableByDefault;
  private static final RetryListener NO_LISTENER = (attempt, failed, delay) -> {};

  private final int maxRetries;
  private final Duration initialDelay;
  private final double multiplier;
  private final Duration maxDelay;
  private final double jitter;
  private final Predicate<Outcome<?, ?>> retryOn;
  private final RetryListener listener;

  private RetryPolicy(Builder b) {
    this.maxRetries = b.maxRetries;
    this.initialDelay = b.initialDelay;
    this.multiplier = b.multiplier;
    this.maxDelay = b.maxDelay;
    this.jitter = b.jitter;
    this.retryOn = b.retryOn;
    this.listener = b.listener;
  }

  /**
   * Returns the original system's policy: {@code maxRetries} retries with delays {@code
   * initialDelay, 2 * initialDelay, 4 * initialDelay, ...}, no cap, no jitter.
   *
   * @param maxRetries the maximum number of retries after the first attempt
   * @param initialDelay the delay before the first retry; each later delay doubles
   * @return the policy
   * @throws IllegalArgumentException if {@code maxRetries} or {@code initialDelay} is negative
   */
  public static RetryPolicy of(int maxRetries, Duration initialDelay) {
    return builder().maxRetries(maxRetries).initialDelay(initialDelay).build();
  }

  /**
   * Returns a builder whose defaults are 3 retries, 100 ms initial delay and multiplier 2.
   *
   * @return a new builder with those defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the maximum number of retries after the first attempt.
   *
   * @return the maximum number of retries, {@code >= 0}
   */
  public int maxRetries() {
    return maxRetries;
  }

  /**
   * Returns the delay before the first retry.
   *
   * @return the delay before the first retry
   */
  public Duration initialDelay() {
    return initialDelay;
  }

  /**
   * Returns the factor each delay is multiplied by for the next retry.
   *
   * @return the delay multiplier, {@code >= 1}
   */
  public double multiplier() {
    return multiplier;
  }

  /**
   * Returns the cap on any delay (after jitter).
   *
   * @return the cap on any delay; {@code Long.MAX_VALUE} nanoseconds when there is no cap
   */
  public Duration maxDelay() {
    return maxDelay;
  }

  /**
   * Returns the jitter fraction in {@code [0, 1]}: each delay varies by up to this fraction.
   *
   * @return the jitter fraction, 0 for exact delays
   */
  public double jitter() {
    return jitter;
  }

  /**
   * Returns the listener told about retries and exhaustion (a no-op unless one was set).
   *
   * @return the retry listener, never null
   */
  public RetryListener listener() {
    return listener;
  }

  /**
   * Returns true if {@code outcome} (a failure or a fault) may be retried under this policy.
   *
   * @param outcome the outcome of a failed attempt
   * @return whether this policy's predicate accepts {@code outcome} for a retry
   */
  public boolean retries(Outcome<?, ?> outcome) {
    return retryOn.test(outcome);
  }

  /**
   * Returns the delay before retry number {@code retry} (1 for the first retry) without jitter:
   * {@code min(maxDelay, initialDelay * multiplier^(retry - 1))}.
   *
   * @param retry the retry's number, 1 for the first retry
   * @return the unjittered delay before that retry
   * @throws IllegalArgumentException if {@code retry < 1}
   */
  public Duration baseDelay(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry must be >= 1, was " + retry);
    }
    double nanos = initialDelay.toNanos() * Math.pow(multiplier, retry - 1);
    return Duration.ofNanos((long) Math.min(nanos, maxDelay.toNanos()));
  }

  /**
   * Returns the delay before retry number {@code retry}: the {@link #baseDelay(int)} varied by up to
   * {@code jitter} in either direction, capped at {@link #maxDelay()}.
   *
   * @param retry the retry's number, 1 for the first retry
   * @return the jittered delay before that retry
   * @throws IllegalArgumentException if {@code retry < 1}
   */
  public Duration delay(int retry) {
    Duration base = baseDelay(retry);
    if (jitter == 0) {
      return base;
    }
    double factor = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return Duration.ofNanos((long) Math.min(base.toNanos() * factor, maxDelay.toNanos()));
  }

  @Override
  public String toString() {
    return "RetryPolicy[maxRetries=" + maxRetries + ", initialDelay=" + initialDelay + ", multiplier="
        + multiplier + ", maxDelay=" + maxDelay + ", jitter=" + jitter + "]";
  }

  private static boolean retriableByDefault(Outcome<?, ?> outcome) {
    return switch (outcome) {
      case Outcome.Success<?, ?> s -> false;
      case Outcome.Failure<?, ?> f -> !(f.error() instanceof CommonError.InvalidArgument);
      case Outcome.Faulted<?, ?> f -> !(f.fault() instanceof Fault.Cancelled);
    };
  }

  private static boolean panicCausedBy(Outcome<?, ?> outcome, Class<? extends Throwable>[] types) {
    if (outcome instanceof Outcome.Faulted<?, ?>(Fault.Panic(Throwable cause))) {
      for (Class<? extends Throwable> type : types) {
        if (type.isInstance(cause)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Configures a {@link RetryPolicy}; validates in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private int maxRetries = 3;
    private Duration initialDelay = Duration.ofMillis(100);
    private double multiplier = 2;
    private Duration maxDelay = Duration.ofNanos(Long.MAX_VALUE);
    private double jitter;
    private Predicate<Outcome<?, ?>> retryOn = DEFAULT_RETRY_ON;
    private RetryListener listener = NO_LISTENER;

    private Builder() {}

    /**
     * Sets the maximum number of retries after the first attempt ({@code >= 0}).
     *
     * @param maxRetries the maximum number of retries
     * @return this builder
     */
    public Builder maxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Sets the delay before the first retry ({@code >= 0}).
     *
     * @param initialDelay the delay before the first retry
     * @return this builder
     */
    public Builder initialDelay(Duration initialDelay) {
      this.initialDelay = initialDelay;
      return this;
    }

    /**
     * Sets the factor applied to the delay after each retry ({@code >= 1}; default 2).
     *
     * @param multiplier the factor each delay is multiplied by for the next retry
     * @return this builder
     */
    public Builder multiplier(double multiplier) {
      this.multiplier = multiplier;
      return this;
    }

    /**
     * Sets the cap on any delay ({@code >= initialDelay}; default: no cap).
     *
     * @param maxDelay the cap on any delay, after jitter
     * @return this builder
     */
    public Builder maxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
      return this;
    }

    /**
     * Sets the jitter fraction in {@code [0, 1]} (default 0: exact delays).
     *
     * @param jitter the fraction by which each delay may vary in either direction
     * @return this builder
     */
    public Builder jitter(double jitter) {
      this.jitter = jitter;
      return this;
    }

    /**
     * Sets which failures and faults are retried (default: all but a {@code Cancelled} fault and an
     * {@code InvalidArgument} domain failure), replacing any earlier {@code retryOn}. Cancellation
     * of the retrying effect itself always stops it.
     *
     * @param retryOn accepts the failed outcomes to retry
     * @return this builder
     */
    public Builder retryOn(Predicate<Outcome<?, ?>> retryOn) {
      this.retryOn = retryOn;
      return this;
    }

    /**
     * Retries only {@code Panic} faults whose cause is an instance of one of {@code types}, replacing
     * any earlier {@code retryOn}: domain failures and other faults are then not retried, unless
     * the effect adds a typed predicate with {@link ActionEffect#retry(RetryPolicy,
     * java.util.function.Predicate)}.
     *
     * @param types the exception classes whose panics are retried, including subclasses
     * @return this builder
     * @throws NullPointerException if {@code types} or one of them is null
     * @throws IllegalArgumentException if {@code types} is empty
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only copied and read, never exposed
    public final Builder retryOn(Class<? extends Throwable>... types) {
      Class<? extends Throwable>[] copy = types.clone();
      if (copy.length == 0) {
        throw new IllegalArgumentException("retryOn needs at least one exception type");
      }
      for (Class<? extends Throwable> type : copy) {
        Objects.requireNonNull(type, "types contain null");
      }
      this.retryOn = outcome -> panicCausedBy(outcome, copy);
      return this;
    }

    /**
     * Sets the listener told before each retry and when the policy gives up (default: none). A
     * listener that throws is logged and never changes the execution.
     *
     * @param listener the listener to tell
     * @return this builder
     */
    public Builder onRetry(RetryListener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * Returns the policy.
     *
     * @return a new policy with this builder's settings
     * @throws IllegalArgumentException naming the first invalid setting
     * @throws NullPointerException if a duration or the predicate is null
     */
    public RetryPolicy build() {
      Objects.requireNonNull(initialDelay, "initialDelay");
      Objects.requireNonNull(maxDelay, "maxDelay");
      Objects.requireNonNull(retryOn, "retryOn");
      Objects.requireNonNull(listener, "listener");
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
      }
      if (initialDelay.isNegative()) {
        throw new IllegalArgumentException("initialDelay must be >= 0, was " + initialDelay);
      }
      if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException("multiplier must be a finite number >= 1, was " + multiplier);
      }
      Duration longest = Duration.ofNanos(Long.MAX_VALUE);
      if (initialDelay.compareTo(longest) > 0) {
        throw new IllegalArgumentException("initialDelay must be at most " + longest + ", was " + initialDelay);
      }
      if (maxDelay.compareTo(longest) > 0) {
        maxDelay = longest;
      }
      if (maxDelay.isNegative()) {
        throw new IllegalArgumentException("maxDelay must be >= 0, was " + maxDelay);
      }
      if (maxDelay.compareTo(initialDelay) < 0) {
        throw new IllegalArgumentException(
            "maxDelay (" + maxDelay + ") must not be less than initialDelay (" + initialDelay + ")");
      }
      if (!(jitter >= 0 && jitter <= 1)) {
        throw new IllegalArgumentException("jitter must be in [0, 1], was " + jitter);
      }
      return new RetryPolicy(this);
    }
  }
}
