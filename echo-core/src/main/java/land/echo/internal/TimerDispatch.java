package land.echo.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Moves the consequences of one runtime's timers (a deadline cancelling an effect, a {@code timeout}
 * expiring) off the timer's thread; thread-safe.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>The timer's thread is shared by every runtime in the JVM, and those consequences run user
 * code: cancellation actions, the dependents of a completed handle, log calls. So the timer only
 * enqueues ({@link #dispatch}: one lock-free offer, and an unpark only when the consumer sleeps),
 * and a platform thread of this runtime's own runs the actions in order. A burst of expiries in one
 * runtime, or a slow action there, therefore delays no other runtime's timers and no sleep's
 * wake-up (a wake-up is only a resubmission, done on the timer's thread). Within the runtime, a
 * slow cancellation action delays the expiries queued behind it: actions should be short.
 *
 * <p>Rejected: the scheduler's workers (they may all be busy with long compute bodies, and a
 * deadline must be met even then), and a virtual thread per expiry (their carrier pool is shared
 * and FIFO: one runtime's burst of 20,000 expiries queued another runtime's timeout behind it,
 * 95 ms late in echo-bench's {@code timers}).
 *
 * <p>States: {@link #state} is 0 while no consumer thread exists, 1 while one does. A producer
 * that moves it from 0 to 1 starts the thread. The consumer parks after setting {@link #waiting},
 * then re-reads the queue; a producer offers, then reads {@code waiting} and unparks: both sides
 * are volatile accesses, so an action is never left behind a parked consumer. A consumer idle for
 * {@link #IDLE_NANOS} sets the state back to 0 and re-checks the queue; if work arrived and no
 * producer started a new thread meanwhile, it carries on, so an idle runtime holds no thread.
 */
public final class TimerDispatch implements Runnable {
  /** How long the consumer thread outlives its last action: long enough to serve a steady trickle. */
  private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final AtomicInteger RUNTIMES = new AtomicInteger();

  private final String name = "echo-timeouts-" + RUNTIMES.getAndIncrement();
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger state = new AtomicInteger();
  private volatile boolean waiting;
  private volatile Thread consumer;

  /** Hands {@code action} over; called on the timer's thread. */
  public void dispatch(Runnable action) {
    queue.offer(action);
    if (state.get() == 0 && state.compareAndSet(0, 1)) {
      try {
        Thread.ofPlatform().name(name).daemon(true).start(this);
      } catch (Throwable e) {
        // No thread can be started (the heap or the process is exhausted): run the queue here.
        state.set(0);
        drain();
      }
      return;
    }
    if (waiting) {
      LockSupport.unpark(consumer);
    }
  }

  @Override
  public void run() {
    consumer = Thread.currentThread();
    while (true) {
      drain();
      waiting = true;
      if (queue.isEmpty()) {
        LockSupport.parkNanos(this, IDLE_NANOS);
      }
      waiting = false;
      if (queue.isEmpty()) {
        state.set(0);
        if (queue.isEmpty() || !state.compareAndSet(0, 1)) {
          return;
        }
      }
    }
  }

  private void drain() {
    Runnable action;
    while ((action = queue.poll()) != null) {
      try {
        action.run();
      } catch (Throwable t) {
        RuntimeCore.logQuietly("A timer action failed", t);
      }
    }
  }
}
