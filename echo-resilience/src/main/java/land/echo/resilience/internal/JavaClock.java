package land.echo.resilience.internal;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import land.echo.time.Clock;

/**
 * A {@link java.time.Clock} whose instants are an Echo {@link Clock}'s monotonic nanoseconds
 * counted from the epoch, for engines that take a {@code java.time.Clock} (Resilience4j). Only
 * differences between its instants mean anything, which is all those engines use. Thread-safe.
 */
public final class JavaClock extends java.time.Clock {
  private final Clock clock;

  /** Wraps {@code clock}. */
  public JavaClock(Clock clock) {
    this.clock = clock;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public java.time.Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    long nanos = clock.nanoTime();
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  @Override
  public long millis() {
    return Math.floorDiv(clock.nanoTime(), 1_000_000L);
  }
}
