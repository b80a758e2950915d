package land.echo;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Moves the consequences of a runtime's timers (a deadline cancelling an effect, a {@code timeout}
 * expiring) off the timer's thread; thread-safe.
 *
 * <p>The timer's thread is shared by every runtime in the JVM, and those consequences run user
 * code: cancellation actions, the dependents of a completed handle, log calls. So the timer only
 * enqueues ({@link #dispatch}: one lock-free offer, and a thread start when the queue was idle); a
 * drainer virtual thread then starts one virtual thread per action. The scheduler's workers are not
 * used: they may all be busy with long compute bodies, and a deadline must still be met then.
 * One slow action delays nothing else: not another runtime's timers, not this runtime's other
 * timeouts.
 */
final class TimerDispatch {
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();

  /** Hands {@code action} over; called on the timer's thread. */
  void dispatch(Runnable action) {
    queue.offer(action);
    if (!draining.get() && draining.compareAndSet(false, true)) {
      start(this::drain);
    }
  }

  private void drain() {
    while (true) {
      Runnable action;
      while ((action = queue.poll()) != null) {
        start(action);
      }
      draining.set(false);
      // An offer that saw draining == true just before the reset would otherwise wait for the next one.
      if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
        return;
      }
    }
  }

  private static void start(Runnable action) {
    try {
      Thread.ofVirtual().name("echo-timeout").start(action);
    } catch (Throwable e) {
      // No thread can be started (the heap is exhausted): run it here rather than lose it.
      action.run();
    }
  }
}
