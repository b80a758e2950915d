package land.echo.resilience.internal;

import java.time.Duration;
import java.util.Objects;

/** The validations the policies' builders share; each message names the field. Not instantiable. */
public final class Checks {
  /** The longest duration a policy measures: a long of nanoseconds, about 292 years. */
  public static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);

  private Checks() {}

  /** Returns {@code name} if it is non-blank. */
  public static String name(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    return name;
  }

  /** Returns {@code value} if it is at least {@code min}. */
  public static int atLeast(String field, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be at least " + min + ", was " + value);
    }
    return value;
  }

  /** Returns {@code value} if it is at least {@code min}. */
  public static long atLeast(String field, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be at least " + min + ", was " + value);
    }
    return value;
  }

  /** Returns {@code value} if it is no shorter than {@code other}, the value of {@code otherField}. */
  public static Duration atLeast(String field, Duration value, String otherField, Duration other) {
    if (value.compareTo(other) < 0) {
      throw new IllegalArgumentException(
          field + " must be at least " + otherField + " (" + other + "), was " + value);
    }
    return value;
  }

  /** Returns {@code value} if it is in {@code (low, high]}. */
  public static double inRange(String field, double value, double low, double high) {
    if (!(value > low && value <= high)) {
      throw new IllegalArgumentException(field + " must be in (" + low + ", " + high + "], was " + value);
    }
    return value;
  }

  /** Returns {@code duration} if it is positive. */
  public static Duration positive(String field, Duration duration) {
    Objects.requireNonNull(duration, field);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, was " + duration);
    }
    return duration;
  }

  /** Returns {@code duration} if it is at least {@code least}. */
  public static Duration atLeast(String field, Duration duration, Duration least) {
    Objects.requireNonNull(duration, field);
    if (duration.compareTo(least) < 0) {
      throw new IllegalArgumentException(field + " must be at least " + least + ", was " + duration);
    }
    return duration;
  }

  /** Returns {@code duration} if it is at most {@code most}. */
  public static Duration atMost(String field, Duration duration, Duration most) {
    Objects.requireNonNull(duration, field);
    if (duration.compareTo(most) > 0) {
      throw new IllegalArgumentException(field + " must be at most " + most + ", was " + duration);
    }
    return duration;
  }

  /**
   * Returns {@code duration} if it is positive and no longer than {@link #LONGEST}: for a duration
   * the policy (or the engine under it) converts to nanoseconds or milliseconds, where a longer one
   * would overflow.
   */
  public static Duration measurable(String field, Duration duration) {
    return atMost(field, positive(field, duration), LONGEST);
  }

  /** Returns {@code duration} if it is zero or positive. */
  public static Duration nonNegative(String field, Duration duration) {
    Objects.requireNonNull(duration, field);
    if (duration.isNegative()) {
      throw new IllegalArgumentException(field + " must not be negative, was " + duration);
    }
    return duration;
  }
}
