package land.echo.scheduler;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts submissions from outside the workers that are between their "is the scheduler running?"
 * check and the push of their task, so that shutdown can tell when no accepted task is still in
 * flight.
 *
 * <p>Thread-safe. Each thread always uses the same stripe (chosen by its thread id), so a stripe
 * is never negative and {@link #isQuiescent()} is exact for any submission that entered before
 * the caller's read of the run state: such a submission keeps its stripe at least 1 until its
 * task is pushed. Striping keeps unrelated submitting threads off one contended counter; worker
 * threads do not use the gate at all (their own pushes are drained by themselves before they
 * retire).
 */
final class SubmissionGate {
  private final AtomicLongArray stripes;
  private final int mask;

  /**
   * Creates a gate with twice as many stripes as processors, rounded up to a power of two.
   * {@code LongAdder} stops adding cells at about the processor count; twice that makes it rarer
   * that two running submitters hash to one stripe, and {@link #isQuiescent()} stays a short scan.
   */
  SubmissionGate() {
    this(Runtime.getRuntime().availableProcessors());
  }

  /** Creates a gate sized for {@code processors} (at least 1 is assumed). */
  SubmissionGate(int processors) {
    int n = Integer.highestOneBit(Math.max(1, processors) * 2 - 1) << 1;
    this.stripes = new AtomicLongArray(n);
    this.mask = n - 1;
  }

  /** Returns the number of stripes. */
  int stripes() {
    return stripes.length();
  }

  /** Marks the calling thread as inside a submission; returns the stripe to pass to exit. */
  int enter() {
    int stripe = (int) Thread.currentThread().threadId() & mask;
    stripes.getAndIncrement(stripe);
    return stripe;
  }

  /** Marks the submission that returned {@code stripe} from {@link #enter()} as finished. */
  void exit(int stripe) {
    stripes.getAndDecrement(stripe);
  }

  /** Returns whether no submission is in flight (every stripe read as zero). */
  boolean isQuiescent() {
    for (int i = 0; i < stripes.length(); i++) {
      if (stripes.get(i) != 0) {
        return false;
      }
    }
    return true;
  }
}
