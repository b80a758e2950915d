package land.echo.scheduler;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Decides when a submission must wake a parked worker, and does it, Tokio-style: one packed
 * atomic word holds the number of awake ("unparked") workers and of searching workers, and a
 * short lock guards the stack of parked workers.
 *
 * <p>Thread-safe. The word is read on every submission (a volatile read of a line that changes
 * only when workers start or stop searching or park) and written only when a worker changes idle
 * state, never per task. See {@link EchoScheduler}'s implementation notes for the state machine
 * and the lost-wake-up argument.
 */
final class IdleWorkers {
  private static final int SEARCHING_ONE = 1;
  private static final int UNPARKED_ONE = 1 << 16;
  private static final int SEARCHING_MASK = UNPARKED_ONE - 1;
  /** The most workers whose counts fit the 16-bit halves of the word without carrying. */
  static final int MAX_WORKERS = SEARCHING_MASK - 1;

  private final int workerCount;
  /** (unparked << 16) | searching; 16 bits each, hence {@link #MAX_WORKERS}. */
  private final AtomicInteger state;
  private final ReentrantLock lock = new ReentrantLock();
  private final Worker[] sleepers;
  private int sleeperCount; // guarded by lock
  private volatile long wakeUps; // written under lock

  IdleWorkers(int workerCount) {
    if (workerCount > MAX_WORKERS) {
      throw new IllegalArgumentException("workers must be <= " + MAX_WORKERS + ", was " + workerCount);
    }
    this.workerCount = workerCount;
    this.state = new AtomicInteger(workerCount * UNPARKED_ONE);
    this.sleepers = new Worker[workerCount];
  }

  /**
   * Wakes one parked worker if work was just published and nobody is awake to find it: no worker
   * is searching and some worker is parked. The caller must have published the work with a
   * volatile write (or a CAS) before calling.
   */
  void signalWork() {
    int s = state.get();
    if ((s & SEARCHING_MASK) != 0 || (s >>> 16) >= workerCount) {
      return;
    }
    wakeOne();
  }

  /**
   * {@link #signalWork()} for work a worker published with a plain release store: a push to its
   * own ring (a task submitted from a worker, a fork's children, a named queue's next task) or a
   * batch moved into its ring by a global take or a steal. The full fence orders that store
   * before the read of the idle word (StoreLoad), as Tokio does before its {@code
   * notify_should_wakeup} check; without it the read may pass the store, and a peer parking as
   * the last searcher at that moment re-checks the rings before the task is visible, so the task
   * waits until its pusher has finished whatever it runs next (see {@link EchoScheduler}'s
   * notes and {@code LocalPushWakeUpStressTest}).
   */
  void signalWorkAfterLocalPush() {
    VarHandle.fullFence();
    signalWork();
  }

  private void wakeOne() {
    Worker woken;
    lock.lock();
    try {
      int s = state.get();
      if ((s & SEARCHING_MASK) != 0 || (s >>> 16) >= workerCount || sleeperCount == 0) {
        return;
      }
      woken = sleepers[--sleeperCount];
      sleepers[sleeperCount] = null;
      woken.parked = false;
      state.getAndAdd(UNPARKED_ONE + SEARCHING_ONE);
      woken.notified = true;
      wakeUps++;
    } finally {
      lock.unlock();
    }
    LockSupport.unpark(woken.thread());
  }

  /** Wakes every parked worker as a searcher (shutdown, retirement); they re-check the state. */
  void wakeAll() {
    Worker[] woken;
    int n;
    lock.lock();
    try {
      n = sleeperCount;
      woken = new Worker[n];
      for (int i = 0; i < n; i++) {
        woken[i] = sleepers[i];
        sleepers[i] = null;
        woken[i].parked = false;
        woken[i].notified = true;
      }
      sleeperCount = 0;
      if (n > 0) {
        state.getAndAdd(n * (UNPARKED_ONE + SEARCHING_ONE));
      }
    } finally {
      lock.unlock();
    }
    for (int i = 0; i < n; i++) {
      LockSupport.unpark(woken[i].thread());
    }
  }

  /** Transition 1 -> 2: the calling worker found nothing and starts searching. */
  void startSearching() {
    state.getAndAdd(SEARCHING_ONE);
  }

  /** Transition 2 -> 1: returns true if the caller was the last searcher (it must signal). */
  boolean stopSearching() {
    int prev = state.getAndAdd(-SEARCHING_ONE);
    return (prev & SEARCHING_MASK) == 1;
  }

  /**
   * Transition 2 -> 3: registers the searching caller as parked; returns true if it was the last
   * searcher (it must then re-check every queue and signal if it finds work).
   */
  boolean park(Worker w) {
    lock.lock();
    try {
      w.notified = false;
      w.parked = true;
      sleepers[sleeperCount++] = w;
      int prev = state.getAndAdd(-(UNPARKED_ONE + SEARCHING_ONE));
      return (prev & SEARCHING_MASK) == 1;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Transition to 5 (retired): removes the caller from the idle accounting. {@code afterPark}
   * says the caller registered with {@link #park} and has not consumed a wake-up since: it is then
   * either still on the stack, or was popped and counted as a searcher by its waker.
   */
  void retire(Worker w, boolean searching, boolean afterPark) {
    lock.lock();
    try {
      if (afterPark && !w.parked) {
        state.getAndAdd(-(UNPARKED_ONE + SEARCHING_ONE));
      } else if (w.parked) {
        for (int i = 0; i < sleeperCount; i++) {
          if (sleepers[i] == w) {
            sleepers[i] = sleepers[--sleeperCount];
            sleepers[sleeperCount] = null;
            break;
          }
        }
        w.parked = false;
      } else {
        state.getAndAdd(-(UNPARKED_ONE + (searching ? SEARCHING_ONE : 0)));
      }
    } finally {
      lock.unlock();
    }
  }

  /** A replacement thread takes over a retired worker: it counts as awake (state 1). */
  void rejoin() {
    state.getAndAdd(UNPARKED_ONE);
  }

  /** Undoes {@link #rejoin()} when the replacement thread could not start. */
  void leave() {
    state.getAndAdd(-UNPARKED_ONE);
  }

  /** Returns how many times a signal woke a parked worker (shutdown wake-ups excluded). */
  long wakeUps() {
    return wakeUps;
  }

  /** Returns the number of workers searching for work (read racily; for tests and statistics). */
  int searchingCount() {
    return state.get() & SEARCHING_MASK;
  }

  /** Returns the number of workers neither running nor searching (parked or retired). */
  int parkedCount() {
    return workerCount - (state.get() >>> 16);
  }
}
