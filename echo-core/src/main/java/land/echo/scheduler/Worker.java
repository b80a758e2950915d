package land.echo.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import land.echo.Priority;

/**
 * One Echo worker: its local queues (one {@link SpmcLocalQueue} per priority), its pick loop and
 * its statistics. Runs on its own platform {@link WorkerThread}.
 *
 * <p>Thread-safe under its contract: the loop and every non-volatile field belong to the worker's
 * thread; other threads only steal from its queues, read its statistics racily, and set
 * {@link #notified}/{@link #parked} through {@link IdleWorkers}.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>The numbered worker states and the memory-ordering argument are in {@link EchoScheduler}'s
 * notes; this class implements them.
 *
 * <p><b>A pick</b> ({@link #findWork}) walks the levels HIGH, NORMAL, LOW and, at each, tries the
 * local ring (its newest task: a fork runs depth-first), then the global injector (moving a batch
 * of up to {@value #GLOBAL_BATCH} into the local ring, newest first, so that the batch still runs
 * oldest first), then a steal of about half of a random peer's ring at that level (its oldest
 * tasks). A lower level is
 * therefore reached only after every source of every higher level looked empty: priority is
 * strict across the local, global and peer phases. Looking costs, per higher level, an empty poll
 * of the local ring and of the injector and an {@code isEmpty} of each peer's ring, i.e. two
 * volatile reads per ring of cache lines that are written only when that level is in use; no
 * shared counter is written per task. The peer check is a separate small method so that the JIT
 * inlines it: with the random-victim steal inlined in its place, the chains workload cost about
 * 1.5 times more CPU per task (docs/scheduler.md, "Measurements").
 *
 * <p><b>Fairness</b>: every K-th pick (K = {@code starvationInterval}) is a fairness pick that
 * tries a preferred lower level first and the rest in priority order. Fairness picks cycle over
 * four variants: prefer LOW then NORMAL, each with the global injector first and then with the
 * local ring first. Hence while LOW work is queued, at least one in every 2K picks of each worker
 * runs LOW work, and the oldest task of each LOW source (the injector, the worker's own ring)
 * starts within 4K picks even under a continuous flood of HIGH work; the same holds for NORMAL.
 * Half-way between two fairness picks (for K >= 4), a pick keeps strict priority but tries each
 * level's global injector before the local ring, so a task submitted from outside waits at most
 * K picks behind local re-submissions of its own priority. While a higher level has work, a
 * fairness pick takes the oldest task of the preferred level's local ring, not the newest, so the
 * bound holds for a task that newer local ones keep jumping too.
 *
 * <p><b>JFR</b>: a successful steal commits a {@link TasksStolen} event and a park a {@link
 * WorkerParked} event, each only when a recording enables it; neither is on the path of a worker
 * that finds work in its own ring.
 *
 * <p><b>Busy time</b> is measured per busy period (from the first task after being idle to the
 * first pick that finds nothing), so the hot path pays no clock read per task.
 */
final class Worker implements Runnable {
  /**
   * Most tasks moved from a global injector into the local ring in one take: a quarter of the
   * ring, so one take never fills it and peers still find a useful amount to steal.
   */
  static final int GLOBAL_BATCH = SpmcLocalQueue.CAPACITY / 4;

  private static final int LEVELS = Priority.COUNT;
  static final long IDLE = Long.MIN_VALUE;
  private static final VarHandle STARTED;
  private static final VarHandle COMPLETED;
  private static final VarHandle FAILED;
  private static final VarHandle STEALS;
  private static final VarHandle BUSY;
  private static final VarHandle BUSY_SINCE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      STARTED = lookup.findVarHandle(Worker.class, "started", long.class);
      COMPLETED = lookup.findVarHandle(Worker.class, "completed", long.class);
      FAILED = lookup.findVarHandle(Worker.class, "failed", long.class);
      STEALS = lookup.findVarHandle(Worker.class, "steals", long.class);
      BUSY = lookup.findVarHandle(Worker.class, "busyNanos", long.class);
      BUSY_SINCE = lookup.findVarHandle(Worker.class, "busySince", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final int index;
  final SpmcLocalQueue[] local = new SpmcLocalQueue[LEVELS];
  /** Scratch array of {@link #takeGlobal} (owner only, emptied after each take): a take allocates nothing. */
  private final Runnable[] batch = new Runnable[GLOBAL_BATCH];
  private final EchoScheduler pool;
  private final int fairnessInterval;
  /** The value of untilFairPick at which a pick looks at the global injectors first. */
  private final int globalFirstAt;
  /** The current thread; replaced (by the dying one) when an Error kills the loop. */
  private volatile WorkerThread thread;

  /** Set by {@link IdleWorkers} when it wakes this worker; read by the parked worker. */
  volatile boolean notified;
  /** Whether this worker is on the sleepers stack; guarded by {@link IdleWorkers}' lock. */
  boolean parked;

  // Owner-only state.
  /** Whether the idle accounting counts this worker as searching. */
  private boolean searching;
  /** True between {@link IdleWorkers#park} and consuming the wake-up. */
  private boolean afterPark;
  /** Picks until the next fairness pick. */
  private int untilFairPick;
  /** Fairness picks so far; selects the variant. */
  private int fairRound;
  /** Xorshift state for victim selection. */
  private int seed;

  // Statistics: written by the owner only (opaque stores, no fence), read racily by stats().
  // No padding: an A/B run of the chains workload with padded and unpadded workers and rings
  // showed no difference (docs/scheduler.md, "Measurements").
  private long started;
  private long completed;
  private long failed;
  private long steals;
  private long busyNanos;
  private long busySince;

  Worker(EchoScheduler pool, int index, int fairnessInterval) {
    this.pool = pool;
    this.index = index;
    this.fairnessInterval = fairnessInterval;
    this.globalFirstAt = fairnessInterval >= 4 ? (fairnessInterval + 1) / 2 : 0;
    this.untilFairPick = fairnessInterval;
    this.seed = 0x9E3779B9 * (index + 1);
    this.busySince = IDLE;
    for (int p = 0; p < LEVELS; p++) {
      local[p] = new SpmcLocalQueue();
    }
  }

  /** Makes {@code thread} this worker's thread, before it starts; resets the owner's idle state. */
  void attach(WorkerThread thread) {
    this.searching = false;
    this.afterPark = false;
    this.thread = thread;
  }

  Thread thread() {
    return thread;
  }

  /** Pushes a task submitted on this worker's own thread to its local ring (owner only). */
  void pushLocal(Runnable task, int level) {
    SpmcLocalQueue queue = local[level];
    Injector global = pool.global[level];
    while (!queue.offer(task)) {
      queue.spillHalfTo(global);
    }
  }

  @Override
  public void run() {
    boolean lost = true;
    try {
      loop();
      lost = false;
    } finally {
      pool.idle.retire(this, searching, afterPark);
      // A Throwable out of the loop (an Error in the scheduler's own code: task failures are
      // caught in runTask) kills only this thread; it still reaches the thread's uncaught
      // exception handler, and a new thread takes over this worker and its rings.
      if (!lost || !pool.replaceWorker(this)) {
        pool.workerRetired(this);
      }
    }
  }

  private void loop() {
    BUSY_SINCE.setOpaque(this, System.nanoTime());
    for (;;) {
      if (pool.runState() >= EchoScheduler.STOP) {
        runLeftoversAfterStop();
        return;
      }
      Runnable task = findWork();
      if (task == null) {
        endBusyPeriod();
        task = awaitWork();
        if (task == null) {
          if (pool.runState() >= EchoScheduler.STOP) {
            runLeftoversAfterStop();
          }
          return;
        }
        BUSY_SINCE.setOpaque(this, System.nanoTime());
      }
      runTask(task);
    }
  }

  /** States 2 and 3: search, then park until woken; returns a task, or null to retire. */
  private Runnable awaitWork() {
    Error fault = pool.idleFaultForTest;
    if (fault != null) {
      pool.idleFaultForTest = null;
      throw fault;
    }
    IdleWorkers idle = pool.idle;
    idle.startSearching();
    searching = true;
    for (;;) {
      Runnable task = findWork();
      if (task == null && pool.spinNanos > 0) {
        task = watch(pool.spinNanos);
      }
      if (task != null) {
        searching = false;
        if (idle.stopSearching() && pool.hasWork()) {
          idle.signalWork(); // the last searcher hands the search on (see the notes)
        }
        return task;
      }
      boolean lastSearcher = idle.park(this);
      searching = false;
      afterPark = true;
      if (lastSearcher && pool.hasWork()) {
        idle.signalWork(); // may wake this very worker
      }
      if (pool.runState() != EchoScheduler.RUNNING && !notified && pool.readyToRetire()) {
        return null;
      }
      WorkerParked parkedEvent = new WorkerParked();
      parkedEvent.begin();
      while (!notified) {
        if (pool.runState() >= EchoScheduler.STOP) {
          return null;
        }
        Thread.interrupted(); // a stale interrupt must not turn park into a spin
        LockSupport.park(this);
      }
      if (parkedEvent.shouldCommit()) {
        parkedEvent.worker = index;
        parkedEvent.commit();
      }
      searching = true; // the waker counted this worker as searching
      afterPark = false;
      if (pool.runState() >= EchoScheduler.STOP) {
        return null;
      }
    }
  }

  /**
   * A watching worker looks at its peers' rings on every 128th spin (this mask plus one; about every
   * microsecond), at the injectors on every spin. Reading a busy peer's ring indices on every
   * spin keeps moving their cache lines away from the peer, which writes them per task: in the
   * ping-pong harness that slowed the peer's game (docs/scheduler.md, "Performance").
   */
  private static final int PEER_LOOK_MASK = 127;

  /**
   * The brief watch before parking (see the notes): for up to {@code budget} nanoseconds, as a
   * searcher, looks for work that needs no steal of a peer's lone task: a task in a global
   * injector, or a peer's ring holding two or more tasks at a level. Returns a task, or null when
   * the budget ran out, the scheduler stopped running, or a look found the work gone.
   */
  private Runnable watch(long budget) {
    long deadline = System.nanoTime() + budget;
    for (int spins = 1; ; spins++) {
      if (pool.runState() != EchoScheduler.RUNNING) {
        return null;
      }
      if (workWorthTaking((spins & PEER_LOOK_MASK) == 0)) {
        Runnable task = findWork();
        if (task != null) {
          return task;
        }
      }
      Thread.onSpinWait();
      if ((spins & 15) == 0 && System.nanoTime() - deadline >= 0) {
        return null;
      }
    }
  }

  /**
   * Whether a watching worker should pick: a global injector is non-empty, or some peer's ring
   * holds at least two tasks at a level. A peer's lone task is left alone: its owner is about to
   * run it, and taking it makes a ping-pong bounce between cores (docs/scheduler.md, "Tried and not
   * kept").
   */
  private boolean workWorthTaking(boolean peersToo) {
    for (int p = 0; p < LEVELS; p++) {
      if (!pool.global[p].isEmpty()) {
        return true;
      }
      if (!peersToo) {
        continue;
      }
      SpmcLocalQueue mine = local[p];
      for (SpmcLocalQueue ring : pool.rings[p]) {
        if (ring != mine && ring.size() >= 2) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * After shutdownNow drained the queues: runs what a task of this worker pushed after the drain,
   * rather than lose it. Only a submission that passed the run-state check before STOP can push
   * then: to this worker's ring, or to the global queue when the ring spilled. Every such push
   * happens on a worker before that worker gets here, so sweeping the own rings and the global
   * queues until both are empty leaves nothing behind.
   */
  private void runLeftoversAfterStop() {
    for (;;) {
      Runnable task = null;
      for (int p = 0; p < LEVELS && task == null; p++) {
        task = local[p].poll();
        if (task == null) {
          task = pool.global[p].poll();
        }
      }
      if (task == null) {
        return;
      }
      runTask(task);
    }
  }

  private void runTask(Runnable task) {
    STARTED.setOpaque(this, started + 1);
    if (Thread.interrupted() && pool.runState() >= EchoScheduler.STOP) {
      thread.interrupt(); // keep the shutdownNow interrupt; clear any other stale one
    }
    try {
      task.run();
    } catch (Throwable failure) {
      FAILED.setOpaque(this, failed + 1);
      pool.reportFailure(task, failure);
    } finally {
      COMPLETED.setOpaque(this, completed + 1); // even if reporting threw: running stays exact
    }
  }

  /** One pick: strict priority across local, global and peers, except every K-th pick. */
  Runnable findWork() {
    Runnable task;
    int until = untilFairPick;
    if (until <= 1) {
      task = fairPick();
      if (task != null) {
        untilFairPick = fairnessInterval;
      }
    } else {
      task = until == globalFirstAt ? globalFirstPick() : strictPick();
      if (task != null) {
        untilFairPick = until - 1;
      }
    }
    return task;
  }

  /**
   * Half-way between fairness picks: strict priority, but each level's global injector before the
   * local ring, so that external submissions cannot starve behind a chain that keeps re-submitting
   * itself locally at the same level (Tokio's reason for its global-queue interval).
   */
  private Runnable globalFirstPick() {
    for (int p = 0; p < LEVELS; p++) {
      Runnable task = pool.global[p].poll();
      if (task == null) {
        task = local[p].pop();
        if (task == null && peerHasWork(p)) {
          task = steal(p);
        }
      }
      if (task != null) {
        return task;
      }
    }
    return null;
  }

  private Runnable strictPick() {
    for (int p = 0; p < LEVELS; p++) {
      Runnable task = local[p].pop();
      if (task == null) {
        task = takeGlobal(p);
        if (task == null && peerHasWork(p)) {
          task = steal(p);
        }
      }
      if (task != null) {
        return task;
      }
    }
    return null;
  }

  /**
   * The look-ahead's peer check: whether some peer's ring at level p looked non-empty. Kept
   * separate from {@link #steal} (random victim, batch move) so that the common case, every ring
   * of a higher level empty, is a short loop of volatile reads that the JIT inlines.
   */
  private boolean peerHasWork(int p) {
    SpmcLocalQueue mine = local[p];
    for (SpmcLocalQueue ring : pool.rings[p]) {
      if (ring != mine && !ring.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /**
   * A fairness pick. It takes the preferred level's oldest local task when some higher level has
   * work, since that is the task the starvation bound is about; otherwise nothing above starves it,
   * and it takes the newest, as any other pick does, so that a fork keeps running depth-first (on
   * skynet, taking the oldest here made Echo's tree 20 to 40% slower: docs/scheduler.md). Every
   * {@value #AGED_TURN_EVERY}th one takes the oldest in any case.
   */
  private Runnable fairPick() {
    int round = fairRound++;
    int preferred = (round & 1) == 0 ? Priority.LOW.ordinal() : Priority.NORMAL.ordinal();
    boolean globalFirst = (round & 2) == 0;
    boolean agedTurn = (round & (AGED_TURN_EVERY - 1)) == AGED_TURN_EVERY - 1;
    Runnable task = takeAt(preferred, globalFirst, agedTurn || workAbove(preferred));
    for (int p = 0; p < LEVELS && task == null; p++) {
      if (p != preferred) {
        task = takeAt(p, globalFirst, agedTurn);
      }
    }
    return task;
  }

  /**
   * Every this many fairness picks (a power of two), one takes the oldest local task whatever the
   * levels above hold: within a priority, the task at the bottom of a worker's own ring starts
   * within 64K picks even while the worker keeps pushing newer tasks of that priority (a task that
   * re-submits itself with {@code execute}). Rare enough that a tree of forks stays depth-first.
   */
  static final int AGED_TURN_EVERY = 64;

  /** Whether any level above {@code level} looked non-empty: here, in a global queue, or at a peer. */
  private boolean workAbove(int level) {
    for (int p = 0; p < level; p++) {
      if (!local[p].isEmpty() || !pool.global[p].isEmpty() || peerHasWork(p)) {
        return true;
      }
    }
    return false;
  }

  private Runnable takeAt(int p, boolean globalFirst, boolean oldest) {
    Runnable task;
    if (globalFirst) {
      // One task, not a batch (as Tokio's fairness tick): a batch here would keep cycling
      // re-submitting chains between the rings and the injector, see the chains benchmark.
      task = pool.global[p].poll();
      if (task == null) {
        task = oldest ? local[p].poll() : local[p].pop();
      }
    } else {
      task = oldest ? local[p].poll() : local[p].pop();
      if (task == null) {
        task = takeGlobal(p);
      }
    }
    return task != null ? task : steal(p);
  }

  /**
   * Takes the oldest global task at level p and moves up to GLOBAL_BATCH - 1 more locally, no
   * more than the ring has room for, so every task taken has a place.
   */
  private Runnable takeGlobal(int p) {
    Injector global = pool.global[p];
    if (global.isEmpty()) {
      return null; // the common case on every pick above the level in use: one volatile read
    }
    SpmcLocalQueue queue = local[p];
    Runnable[] batch = this.batch;
    int n = global.pollBatch(batch, Math.min(GLOBAL_BATCH, queue.room() + 1));
    if (n == 0) {
      return null;
    }
    Runnable first = batch[0];
    batch[0] = null;
    // Newest first, so that the owner, which takes its ring's newest task first, runs the batch
    // in the order it was submitted.
    for (int i = n - 1; i > 0; i--) {
      queue.offer(batch[i]); // cannot fail: room() was a lower bound, and only this thread pushes
      batch[i] = null;
    }
    if (n > 1) {
      pool.idle.signalWorkAfterLocalPush(); // others may help with the batch
    }
    return first;
  }

  /** Steals about half of a random peer's ring at level p, starting from a random victim. */
  private Runnable steal(int p) {
    SpmcLocalQueue[] peers = pool.rings[p];
    int n = peers.length;
    if (n == 1) {
      return null;
    }
    int x = seed; // xorshift: cheap, owner-local randomness
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    seed = x;
    // Multiply-shift instead of %: this runs on every pick below HIGH, and an integer division
    // costs more than the rest of the look-ahead (it doubled the CPU per task of the chains
    // workload with 2 workers; docs/scheduler.md, "Measurements").
    int victimIndex = (int) (((x & 0xFFFF_FFFFL) * n) >>> 32);
    SpmcLocalQueue mine = local[p];
    for (int i = 0; i < n; i++, victimIndex = victimIndex + 1 == n ? 0 : victimIndex + 1) {
      SpmcLocalQueue victim = peers[victimIndex];
      if (victim == mine || victim.isEmpty()) {
        continue;
      }
      Runnable task = victim.stealInto(mine);
      if (task != null) {
        STEALS.setOpaque(this, steals + 1);
        TasksStolen stolen = new TasksStolen();
        if (stolen.isEnabled()) {
          stolen.priority = Priority.ofOrdinal(p).name();
          stolen.tasks = mine.size() + 1;
          stolen.victim = victimIndex;
          stolen.commit();
        }
        if (!mine.isEmpty()) {
          pool.idle.signalWorkAfterLocalPush();
        }
        return task;
      }
    }
    return null;
  }

  private void endBusyPeriod() {
    long since = busySince;
    if (since != IDLE) {
      // IDLE first, then the sum with release: a reader that sees the new sum sees IDLE too, so a
      // period is never counted twice (it may briefly be counted zero times).
      BUSY_SINCE.setOpaque(this, IDLE);
      BUSY.setRelease(this, busyNanos + (System.nanoTime() - since));
    }
  }

  long started() {
    return (long) STARTED.getOpaque(this);
  }

  long completed() {
    return (long) COMPLETED.getOpaque(this);
  }

  long failed() {
    return (long) FAILED.getOpaque(this);
  }

  long steals() {
    return (long) STEALS.getOpaque(this);
  }

  /** Returns the busy nanoseconds so far, including the current busy period (read racily). */
  long busyNanos(long now) {
    long acc = (long) BUSY.getAcquire(this);
    long since = (long) BUSY_SINCE.getOpaque(this);
    return since == IDLE ? acc : acc + Math.max(0, now - since);
  }
}
