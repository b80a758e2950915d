package land.echo;

/**
 * The urgency of a piece of work; the scheduler always prefers a higher priority.
 *
 * <p>Declaration order is urgency order: {@code HIGH} first. {@link #ordinal()} is used as an
 * index into per-priority queues, so the order must not change.
 */
public enum Priority {
  /** Interactive work: a user is waiting for it. */
  HIGH,
  /** The default for work that has no particular urgency. */
  NORMAL,
  /** Background work that may wait while anything more urgent is runnable. */
  LOW;

  private static final Priority[] VALUES = values();

  /** The number of priority levels. */
  public static final int COUNT = VALUES.length;

  /**
   * Returns the priority with the given ordinal.
   *
   * @param ordinal the priority's {@link #ordinal()}
   * @return the priority with that ordinal
   * @throws IllegalArgumentException if {@code ordinal} is not in {@code [0, COUNT)}
   */
  public static Priority ofOrdinal(int ordinal) {
    if (ordinal < 0 || ordinal >= COUNT) {
      throw new IllegalArgumentException("priority ordinal must be in [0, " + COUNT + "), was " + ordinal);
    }
    return VALUES[ordinal];
  }
}
