package land.echo.spi;

import java.util.Objects;

/**
 * An immutable description of one step inside a root effect's tree, as {@link RuntimeListener}s
 * see it: a {@code named(..)} step, or a child that {@code all}, {@code race} or {@code
 * firstSuccess} forked. Thread-safe.
 *
 * <p>Steps form a tree under their root: {@link #parentId()} is the id of the innermost step that
 * was open where this one began (across {@code flatMap} continuations, which run inside whatever
 * step encloses them, and across forks, whose children open inside the step that forked them), or
 * {@link #ROOT} when no step encloses it and its parent is the root effect itself. Ids are unique
 * within a runtime and never {@code ROOT}.
 *
 * @param id the step's number, unique within the JVM (across runtimes), never {@link #ROOT}
 * @param parentId the enclosing step's id, or {@link #ROOT} for the root effect
 * @param name the {@code named(..)} name; for a forked child, its kind and index, e.g. {@code
 *     "all[2]"}
 * @param kind what opened the step
 * @param attempt the attempt (1 for the first) of the innermost {@code retry} enclosing the step,
 *     or 1 when none does
 */
public record StepInfo(long id, long parentId, String name, Kind kind, int attempt) {

  /** The parent id of a step directly under its root effect; the id {@code retrying} uses for the root. */
  public static final long ROOT = 0;

  /**
   * The step id {@code retrying} reports, when no listener of the runtime observes steps, for a
   * retry that is not the root effect's own (see {@link RuntimeListener#observesSteps()}).
   */
  public static final long UNTRACKED = -1;

  /** Validates the components. */
  public StepInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    if (id == ROOT) {
      throw new IllegalArgumentException("a step's id is never ROOT");
    }
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
    }
  }

  /** What opened a step. */
  public enum Kind {
    /** A {@code named(..)} step. */
    NAMED,
    /** A child forked by {@code all}, {@code race} or {@code firstSuccess}. */
    FORKED
  }
}
