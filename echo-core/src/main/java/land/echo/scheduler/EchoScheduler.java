package land.echo.scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import land.echo.Priority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Echo's priority-aware work-stealing executor: a fixed set of platform worker threads, each with
 * a local queue per {@link Priority}, plus a global injection queue per priority.
 *
 * <p>Thread-safe. Semantics, in short (details in {@code docs/scheduler.md}):
 *
 * <ul>
 *   <li>A task submitted from one of this scheduler's workers goes to that worker's local queue;
 *       from any other thread, to the global queue of its priority. A worker runs its local queue
 *       newest first (a tree of forks runs depth-first, as in a ForkJoinPool), the global queues
 *       oldest first; {@link #requeue} puts a task behind the queued work instead. Idle workers
 *       steal about half of a random peer's queue, its oldest tasks, highest priority first.
 *   <li>Priority is strict across phases: before running a task of some priority, a worker looks
 *       for more urgent work in its own queues, the global queues and its peers' queues.
 *   <li>Starvation bound: every K-th task a worker picks ({@link
 *       SchedulerConfig#starvationInterval()}, default 61) is chosen by a fairness pick that
 *       prefers lower priorities. While LOW work is queued, at least one of every 2K tasks a worker
 *       starts is LOW work, and the oldest task of each LOW source starts within 4K picks of a
 *       worker, however much HIGH work keeps arriving. NORMAL has the same bound. Within a
 *       priority, a task submitted from outside waits at most K picks behind local
 *       re-submissions.
 *   <li>Idle workers park; a submission wakes at most one, and only if no worker is already
 *       searching for work. There is no polling sleep: a worker that runs out of work watches the
 *       queues for {@link SchedulerConfig#spinBeforePark()} (default 50 microseconds) before it
 *       parks, so that a submission meanwhile costs no wake-up.
 *   <li>A task that throws does not kill its worker: the failure goes to {@link
 *       SchedulerConfig#uncaughtTaskHandler()} (by default the thread's uncaught exception
 *       handler) and the worker continues. A worker whose own code throws (an {@link Error} such
 *       as {@link OutOfMemoryError}) is replaced by a new thread on the same queues.
 *   <li>{@link #await} waits for a future without hanging the scheduler: it refuses on this
 *       scheduler's workers and lends a blocking thread's permit while it waits.
 *   <li>{@link #shutdown()} rejects new submissions and still runs every accepted task, blocking
 *       and named-queue tasks included. {@link #shutdownNow()} interrupts running tasks and returns
 *       the never-started ones, highest priority first.
 * </ul>
 *
 * <h2>Implementation notes</h2>
 *
 * <p><b>Worker states</b> (after cats-effect's {@code WorkStealingThreadPool} and Tokio's idle
 * protocol; {@link Worker} and {@link IdleWorkers} implement them):
 *
 * <ol>
 *   <li>RUNNING: awake, counted in {@code unparked}; picks and runs tasks ({@link
 *       Worker#findWork}).
 *   <li>SEARCHING: a pick found nothing; counted in {@code unparked} and {@code searching}; scans
 *       every queue again. If that finds nothing, it watches for up to {@link
 *       SchedulerConfig#spinBeforePark()}: on every spin it reads whether a global injector is
 *       non-empty, every 128th spin also whether a peer's ring holds two or more tasks, and picks
 *       (a full scan) when one does; a peer's lone task is left to its owner, which is about to
 *       run it. When the watch runs out it scans every queue once more. On finding work it goes
 *       back to 1; if it was the last searcher it re-checks every queue and, if work remains,
 *       signals (wakes one parked worker if nobody else searches), handing the search on.
 *   <li>PARKED: found nothing while searching; pushed on the sleepers stack, both counts
 *       decremented in one atomic add. If it was the last searcher it re-checks every queue after
 *       the decrement and signals if it sees work (possibly waking itself). Then {@code
 *       LockSupport.park} until {@code notified}.
 *   <li>WOKEN: a signal popped it, added it to both counts and set {@code notified}: it resumes in
 *       state 2.
 *   <li>RETIRED: after {@link #shutdown()}, a worker in state 3 retires when no external
 *       submission is in flight ({@link SubmissionGate}) and no queue holds work; after {@link
 *       #shutdownNow()}, at once. Every retirement wakes the other parked workers so they
 *       re-check.
 * </ol>
 *
 * <p><b>No lost wake-ups.</b> A submission from outside the workers publishes its task with the
 * volatile write of the global queue's size ({@link Injector}) and then reads the idle word with a volatile read; a
 * worker changes the idle word with an atomic add and then scans the queues with volatile reads.
 * These accesses are sequentially consistent, so for a task t and the submitter's read r of the
 * word: (a) if r saw a searcher, the last searcher to stop does so after r, and re-checks every
 * queue after its decrement, whether it parks or found other work, and signals if it sees t;
 * (b) if r saw every worker awake, any worker that parks later must search first, after r, and
 * sees t; (c) otherwise r wakes a parked worker itself, re-checking under the sleepers lock. The
 * watch of state 2 does not weaken (a): it ends with a full scan before the searcher stops
 * searching or parks, so it only delays that scan, by at most {@code spinBeforePark}, for a task
 * it does not watch for (a peer's lone task, whose owner runs it in the meantime unless busy).
 *
 * <p>A push to a worker's own ring (and a batch moved into it by a global take or a steal) is
 * published with a release store, which alone does not order it before the later read of the
 * idle word: the read could pass the store, see a searcher, and wake nobody, while that searcher
 * parks as the last one and re-checks the rings before the store is visible. The task would not
 * be lost (its pusher runs its own ring before it parks) but stranded until the pusher finishes
 * what it runs first: in a fork, the whole run of the first child. So these signals go through
 * {@link IdleWorkers#signalWorkAfterLocalPush}, which issues a full fence between the push and the
 * read (as Tokio does); with it, case (a) above holds for local pushes too. Before the fence a
 * review measured 13 tasks stranded for at least 1 s in 421,393 "fork, last searcher parks"
 * iterations with 2 workers, none in 1,348,432 after; the fence's cost on the scheduling
 * benchmark is in {@code docs/scheduler.md} ("The StoreLoad fence on local pushes").
 *
 * <p><b>Costs on the hot path.</b> Per task: a volatile store of the worker's own ring tail and
 * one CAS on its head word (uncontended unless a thief is stealing), a release store of its own
 * tail on submission followed by a full
 * fence and a volatile read of the idle word, and the priority look-ahead described in {@link Worker} (volatile reads of
 * rarely written lines). No shared counter is written per task; statistics are owner-written
 * opaque fields; submissions from outside the workers also touch a per-thread stripe of {@link
 * SubmissionGate}.
 *
 * <p><b>Shutdown.</b> The run state only grows: RUNNING, SHUTDOWN, STOP, TERMINATED. External
 * submissions enter the gate, check the state, push, and leave; a worker retires only after
 * reading the state as shut down, then the gate as quiescent, then every queue as empty, so a
 * submission that saw RUNNING has pushed its task before the worker's final scan. Workers check
 * the state before pushing locally; a worker drains its own ring before retiring. Termination is
 * reported when every worker retired and no blocking task is outstanding.
 */
public final class EchoScheduler extends AbstractExecutorService {
  static final int RUNNING = 0;
  static final int SHUTDOWN = 1;
  static final int STOP = 2;
  static final int TERMINATED = 3;

  private static final Logger LOG = LoggerFactory.getLogger(EchoScheduler.class);

  final SchedulerConfig config;
  final Injector[] global;
  /** How long a worker that found nothing watches for work before it parks (0: never). */
  final long spinNanos;
  final Worker[] workers;
  /**
   * rings[p][i] is worker i's ring at level p: what the look-ahead and thieves read, without
   * touching the {@link Worker} objects, whose fields their owners write per task.
   */
  final SpmcLocalQueue[][] rings;
  final IdleWorkers idle;
  private final SubmissionGate gate = new SubmissionGate();

  /** Test hook (package-private, null in production): runs in {@link #execute} on a non-worker thread after the run-state check, before the push. */
  static volatile Runnable acceptedHook;
  /**
   * Test hooks (package-private, null in production): run in {@link #shutdown} on its thread just
   * before and just after the run state moves to SHUTDOWN, so that a test can drain a queue in the
   * first window or hold the shutdown in the second.
   */
  static volatile Runnable beforeShutdownState;
  /** See {@link #beforeShutdownState}. */
  static volatile Runnable afterShutdownState;
  private final BlockingLane blocking;
  private final Map<String, NamedQueue> namedQueues;
  private final AtomicInteger runState = new AtomicInteger(RUNNING);
  private final AtomicInteger liveWorkers;
  /**
   * After this many consecutive spins of {@link #spinWait} ran out, the next {@value
   * #SPIN_BACKOFF_CALLS} calls do not spin: the effects waited for take longer than the spin, or
   * the machine's processors are taken by other processes, and either way spinning only burns a
   * processor (on this VM, under load from elsewhere, a spinning caller made one caller's
   * {@code run} loop two to three times slower; docs/scheduler.md, "Performance").
   */
  static final int SPIN_MISSES_BEFORE_BACKOFF = 8;
  /** How many calls of {@link #spinWait} skip spinning after a run of misses. */
  static final int SPIN_BACKOFF_CALLS = 64;
  /** Whether the machine has more processors than this scheduler has workers. */
  private final boolean spareProcessor;
  /** Consecutive spins of {@link #spinWait} that ran out; written only by the spinner. */
  private int spinMisses;
  /** Calls of {@link #spinWait} left to refuse after a run of misses; read and written racily. */
  private volatile int spinSkips;
  /** 1 while a thread spins in {@link #spinWait}: one spinner at a time. */
  private final AtomicInteger spinners = new AtomicInteger();
  private final CountDownLatch terminated = new CountDownLatch(1);
  /** The executor views, one per priority, indexed by ordinal; built once so that callers may cache or compare them. */
  private final PriorityExecutor[] executors = PriorityExecutor.allOf(this);

  /**
   * Test seam: when set, the next worker that goes idle throws it from its own loop (not from a
   * task), as an {@link OutOfMemoryError} in the worker's code would; the worker is replaced.
   * Read once per idle transition, never per task.
   */
  volatile Error idleFaultForTest;

  @SuppressWarnings({"unchecked", "rawtypes"}) // generic arrays of queues, one per priority
  private EchoScheduler(SchedulerConfig config, ThreadFactory blockingThreads) {
    this.config = config;
    this.spinNanos = config.spinBeforePark().toNanos();
    this.spareProcessor = Runtime.getRuntime().availableProcessors() > config.workers();
    int n = config.workers();
    this.global = new Injector[Priority.COUNT];
    for (int p = 0; p < Priority.COUNT; p++) {
      global[p] = new Injector();
    }
    this.idle = new IdleWorkers(n);
    this.blocking = new BlockingLane(this, config.blockingLimit(), blockingThreads);
    Map<String, NamedQueue> queues = new LinkedHashMap<>();
    config.namedQueues().forEach((name, limit) -> queues.put(name, new NamedQueue(this, name, limit)));
    this.namedQueues = Collections.unmodifiableMap(queues);
    this.workers = new Worker[n];
    this.liveWorkers = new AtomicInteger(n);
    WorkerThread[] threads = new WorkerThread[n];
    this.rings = new SpmcLocalQueue[Priority.COUNT][n];
    for (int i = 0; i < n; i++) {
      workers[i] = new Worker(this, i, config.starvationInterval());
      threads[i] = new WorkerThread(this, workers[i], config.threadNamePrefix() + i);
      for (int p = 0; p < Priority.COUNT; p++) {
        rings[p][i] = workers[i].local[p];
      }
    }
    for (WorkerThread thread : threads) {
      thread.start();
    }
    if (LOG.isInfoEnabled()) {
      LOG.info("Echo scheduler started: {}", config);
    }
  }

  /**
   * Creates a scheduler with {@link SchedulerConfig#defaults()} and starts its workers.
   *
   * @return a new, started scheduler
   */
  public static EchoScheduler create() {
    return create(SchedulerConfig.defaults());
  }

  /**
   * Creates a scheduler with {@code config} and starts its workers.
   *
   * @param config the scheduler's configuration
   * @return a new, started scheduler
   */
  public static EchoScheduler create(SchedulerConfig config) {
    return create(config, BlockingLane.defaultThreads());
  }

  /**
   * Waits briefly for {@code done} by spinning, when that is likely to pay off, and returns
   * whether it became true; the caller parks (or otherwise blocks) if it did not. This is how
   * {@code ApplicationRuntime.run} waits before it parks: waking a parked thread costs tens of
   * microseconds, more than a short effect runs.
   *
   * <p>It spins for at most {@link SchedulerConfig#spinBeforePark()}, and only on a platform
   * thread that is not a worker, while no other thread spins here, and while some worker is not
   * running a task (it is parked, or searching and so about to take the next one), or the
   * machine has more processors than the scheduler has workers. So callers that outnumber the workers, or a busy scheduler, do not take
   * processor time from the workers: with four platform threads calling {@code run} on two
   * workers, spinning every caller halved the throughput (docs/scheduler.md, "Performance").
   * After {@value #SPIN_MISSES_BEFORE_BACKOFF} spins in a row that ran out, the next {@value
   * #SPIN_BACKOFF_CALLS} calls do not spin. Otherwise it returns {@code done.getAsBoolean()} at
   * once.
   *
   * @param done the condition waited for; must be cheap and thread-safe
   * @return whether {@code done} was true when this method returned
   */
  public boolean spinWait(BooleanSupplier done) {
    Objects.requireNonNull(done, "done");
    if (done.getAsBoolean()) {
      return true;
    }
    long spin = spinNanos;
    if (spin == 0) {
      return false;
    }
    Thread self = Thread.currentThread();
    if (self.isVirtual() || currentWorker() != null
        || (idle.parkedCount() == 0 && idle.searchingCount() == 0 && !spareProcessor)) {
      return false; // with every worker running a task, spinning would take a processor from one
    }
    if (spinSkips > 0) {
      spinSkips--; // racy, like the count itself: backing off needs no exactness
      return false;
    }
    if (!spinners.compareAndSet(0, 1)) {
      return false;
    }
    boolean held = false;
    try {
      long deadline = System.nanoTime() + spin;
      for (int spins = 1; ; spins++) {
        if (done.getAsBoolean()) {
          held = true;
          return true;
        }
        Thread.onSpinWait();
        if ((spins & 15) == 0 && System.nanoTime() - deadline >= 0) {
          held = done.getAsBoolean();
          return held;
        }
      }
    } finally {
      if (held) {
        spinMisses = 0;
      } else if (++spinMisses >= SPIN_MISSES_BEFORE_BACKOFF) {
        spinMisses = 0;
        spinSkips = SPIN_BACKOFF_CALLS;
      }
      spinners.set(0);
    }
  }

  /**
   * Returns the configuration this scheduler was created with.
   *
   * @return the scheduler's configuration
   */
  public SchedulerConfig config() {
    return config;
  }

  /** Creates a scheduler whose blocking lane gets its threads from {@code blockingThreads} (tests). */
  static EchoScheduler create(SchedulerConfig config, ThreadFactory blockingThreads) {
    return new EchoScheduler(Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(blockingThreads, "blockingThreads"));
  }

  /**
   * Returns true if the calling thread is a worker of this scheduler; false on any other thread,
   * including the workers of other schedulers and this scheduler's blocking threads.
   *
   * @return whether the calling thread is one of this scheduler's workers
   */
  public boolean isWorkerThread() {
    return currentWorker() != null;
  }

  /**
   * Returns true if the calling thread is a virtual thread of this scheduler's blocking lane
   * running a blocking task (one passed to {@link #executeBlocking}); false on any other thread.
   *
   * @return whether the calling thread runs one of this scheduler's blocking tasks
   */
  public boolean isBlockingThread() {
    return blocking.currentSlot() != null;
  }

  /**
   * Waits for {@code future} on the calling thread in cooperation with this scheduler, and
   * returns its result like {@link Future#get()}.
   *
   * <ul>
   *   <li>On a worker of this scheduler it throws at once instead of waiting: the awaited work
   *       may need this very worker (it may even sit in this worker's own queue), so waiting could
   *       hang the scheduler.
   *   <li>On a blocking-lane thread of this scheduler that holds a blocking permit ({@link
   *       SchedulerConfig#blockingLimit()} &gt; 0), the permit is lent out while waiting, so that
   *       a waiting blocking task can be admitted in its place, and taken back, at the priority of
   *       the calling task, before this method returns or throws; taking it back may wait for a
   *       running blocking task to finish. So a blocking body that waits for nested blocking work
   *       cannot deadlock on its own permit, even with {@code blockingLimit(1)}. While the permit
   *       is lent, more than the limit's worth of blocking tasks may be started, but at most the
   *       limit of them run without waiting.
   *   <li>On any other thread (including workers and blocking threads of other schedulers) it is
   *       {@code future.get()}.
   * </ul>
   *
   * @param future the result to wait for
   * @param <T> the result type
   * @return the future's result
   * @throws IllegalStateException if the calling thread is a worker of this scheduler; compose
   *     the work instead (flatMap in an effect), or {@code submit()} it and react to the returned
   *     handle without blocking
   * @throws InterruptedException if the calling thread is interrupted while waiting (a lent
   *     permit has been taken back by then)
   * @throws ExecutionException if the computation behind {@code future} threw
   * @throws java.util.concurrent.CancellationException if {@code future} was cancelled
   */
  public <T> T await(Future<T> future) throws InterruptedException, ExecutionException {
    Objects.requireNonNull(future, "future");
    if (currentWorker() != null) {
      throw new IllegalStateException("await called on a worker of this scheduler (" + Thread.currentThread().getName()
          + "): waiting here could hang the scheduler, because the awaited work may need this very"
          + " worker. Compose the work instead (flatMap it into the effect), or submit() it and"
          + " react to the returned handle without blocking.");
    }
    BlockingLane.Slot slot = blocking.currentSlot();
    if (slot == null || !slot.holdsPermit || future.isDone()) {
      return future.get();
    }
    blocking.lend(slot);
    try {
      return future.get();
    } finally {
      blocking.takeBack(slot);
    }
  }

  /**
   * Returns the number of worker threads.
   *
   * @return the worker count from the configuration
   */
  public int workerCount() {
    return workers.length;
  }

  /**
   * Runs {@code task} on a worker at {@link Priority#NORMAL}.
   *
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  @Override
  public void execute(Runnable task) {
    execute(task, Priority.NORMAL);
  }

  /**
   * Runs {@code task} on a worker at {@code priority}.
   *
   * @param task the task to run
   * @param priority the priority to run it at
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  public void execute(Runnable task, Priority priority) {
    Objects.requireNonNull(task, "task");
    int level = Objects.requireNonNull(priority, "priority").ordinal();
    Worker worker = currentWorker();
    if (worker != null) {
      if (runState.get() != RUNNING) {
        throw rejected(task);
      }
      worker.pushLocal(task, level);
      idle.signalWorkAfterLocalPush();
      return;
    }
    int stripe = gate.enter();
    try {
      if (runState.get() != RUNNING) {
        throw rejected(task);
      }
      runHook(acceptedHook);
      global[level].offer(task);
    } finally {
      leaveGate(stripe);
    }
    idle.signalWork();
  }

  /**
   * Runs {@code task} at {@code priority} behind the work already queued at that priority: the way
   * a task that gives up its worker part-way (to let others run) should come back.
   *
   * <p>{@link #execute(Runnable, Priority)} from a worker puts the task on that worker's own queue,
   * which the worker serves newest first, so a task that re-submits itself there would run again
   * at once. This method puts it on the priority's global queue instead, which every worker serves
   * oldest first and looks at before its own queue at least every K picks ({@link
   * SchedulerConfig#starvationInterval()}). From any other thread it is {@code execute(task,
   * priority)}. An effect's fiber comes back this way after each quantum of evaluation steps.
   *
   * @param task the task to run
   * @param priority the priority to run it at
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  public void requeue(Runnable task, Priority priority) {
    Objects.requireNonNull(task, "task");
    int level = Objects.requireNonNull(priority, "priority").ordinal();
    if (currentWorker() == null) {
      execute(task, priority);
      return;
    }
    if (runState.get() != RUNNING) {
      throw rejected(task);
    }
    global[level].offer(task);
    idle.signalWork();
  }

  /**
   * Runs {@code tasks[from]} to {@code tasks[to - 1]} at {@code priority}, as that many calls of
   * {@link #execute(Runnable, Priority)} would, but with one wake-up signal for all of them instead
   * of one each: on a worker, the tasks go to its own queue and one full fence orders them all
   * before the idle workers are looked at. This is how an effect forks its children.
   *
   * <p>Returns how many tasks were accepted, always the first ones: {@code to - from} unless the
   * scheduler is shut down (then zero: none was accepted) or queueing one failed (an {@link Error}
   * such as {@link OutOfMemoryError}; then the count of those queued before it). It never throws
   * for the tasks themselves: the caller handles the ones not accepted, for example by passing
   * each to {@link #execute(Runnable, Priority)} to learn why.
   *
   * @param tasks holds the tasks to run; none of {@code tasks[from..to)} may be null
   * @param from the index of the first task to run
   * @param to one past the index of the last task to run
   * @param priority the priority to run them at
   * @return how many of the tasks, from {@code tasks[from]} on, were accepted
   * @throws IndexOutOfBoundsException if {@code from} and {@code to} are not a range of {@code tasks}
   */
  public int executeAll(Runnable[] tasks, int from, int to, Priority priority) {
    Objects.checkFromToIndex(from, to, Objects.requireNonNull(tasks, "tasks").length);
    int level = Objects.requireNonNull(priority, "priority").ordinal();
    for (int i = from; i < to; i++) {
      Objects.requireNonNull(tasks[i], "task");
    }
    Worker worker = currentWorker();
    int accepted = 0;
    if (worker != null) {
      if (runState.get() != RUNNING) {
        return 0;
      }
      try {
        for (int i = from; i < to; i++) {
          worker.pushLocal(tasks[i], level);
          accepted++;
        }
      } catch (Error e) {
        // A spill to the global queue could not allocate: the caller handles the rest.
      }
      if (accepted > 0) {
        idle.signalWorkAfterLocalPush();
      }
      return accepted;
    }
    int stripe = gate.enter();
    try {
      if (runState.get() != RUNNING) {
        return 0;
      }
      runHook(acceptedHook);
      global[level].offerAll(tasks, from, to);
      accepted = to - from;
    } catch (Error e) {
      // The global queue could not grow: none was queued, the caller handles them all.
    } finally {
      leaveGate(stripe);
    }
    if (accepted > 0) {
      idle.signalWork();
    }
    return accepted;
  }

  /**
   * Returns an {@link Executor} that runs every task on a worker at {@code priority}, as {@link
   * #execute(Runnable, Priority)} does, so that code written against {@code Executor} keeps the
   * priority: {@code CompletableFuture.supplyAsync(supplier, scheduler.executor(Priority.HIGH))}
   * runs the supplier as HIGH work. The same instance is returned for a priority on every call.
   * Like the scheduler, it throws {@link RejectedExecutionException} once the scheduler is shut
   * down (a {@code CompletableFuture} stage then completes exceptionally with it). Tasks run on
   * workers: keep them short and non-blocking, and use {@link #executeBlocking} for blocking work.
   *
   * @param priority the priority every task of the returned executor runs at
   * @return the executor view at {@code priority}; thread-safe
   */
  public Executor executor(Priority priority) {
    return executors[Objects.requireNonNull(priority, "priority").ordinal()];
  }

  /**
   * Runs {@code task} on a virtual thread, never on a worker. When {@link
   * SchedulerConfig#blockingLimit()} is positive and that many blocking tasks run, the task waits
   * (see {@link #withdrawBlocking}); waiting tasks start highest priority first, oldest first
   * within a priority. A task that finds a free permit starts on a new virtual thread; a task
   * that waited runs on the virtual thread of the task that hands it the permit, after that task
   * (so an admitted task never depends on a thread start succeeding).
   *
   * @param task the blocking task to run
   * @param priority the priority at which it waits for a permit
   * @throws RejectedExecutionException if the scheduler is shut down, or if no thread could be
   *     started for the task (for example on {@link OutOfMemoryError}; the exception's cause);
   *     the task then never runs
   */
  public void executeBlocking(Runnable task, Priority priority) {
    Objects.requireNonNull(task, "task");
    blocking.submit(task, Objects.requireNonNull(priority, "priority").ordinal());
  }

  /**
   * Withdraws {@code task} (the same object passed to {@link #executeBlocking}) if it is still
   * waiting for a blocking permit: it is removed, will never run, and no longer holds up
   * termination or counts in {@link SchedulerStats#queued}. Use it when the work behind a
   * waiting task was cancelled.
   *
   * @param task the task passed to {@link #executeBlocking}
   * @return true if the task was waiting and is now removed; false if it has started (or
   *     finished), was never submitted, was already withdrawn, or was returned by {@link
   *     #shutdownNow()}
   */
  public boolean withdrawBlocking(Runnable task) {
    return blocking.withdraw(Objects.requireNonNull(task, "task"));
  }

  /**
   * Returns the named queue declared with {@code name}.
   *
   * @param name the name the queue was declared with
   * @return the named queue
   * @throws IllegalArgumentException if no queue of that name was declared in the config
   */
  public NamedQueue queue(String name) {
    NamedQueue queue = namedQueues.get(Objects.requireNonNull(name, "name"));
    if (queue == null) {
      throw new IllegalArgumentException(
          "unknown named queue '" + name + "'; declared: " + namedQueues.keySet());
    }
    return queue;
  }

  /**
   * Returns a live snapshot of queue lengths, running and completed tasks, steals and idleness.
   *
   * @return the counters as of this call
   */
  public SchedulerStats stats() {
    long[] queued = new long[Priority.COUNT];
    for (int p = 0; p < Priority.COUNT; p++) {
      long n = global[p].size() + blocking.waitingAt(p);
      for (SpmcLocalQueue ring : rings[p]) {
        n += ring.size();
      }
      for (NamedQueue q : namedQueues.values()) {
        n += q.waitingAt(p);
      }
      queued[p] = n;
    }
    long running = 0;
    long completed = 0;
    long failed = blocking.failed();
    long steals = 0;
    long now = System.nanoTime();
    List<Long> busy = new ArrayList<>(workers.length);
    for (Worker w : workers) {
      long done = w.completed();
      running += Math.max(0, w.started() - done); // completed read first: never negative
      completed += done;
      failed += w.failed();
      steals += w.steals();
      busy.add(w.busyNanos(now));
    }
    return new SchedulerStats(workers.length, queued[0], queued[1], queued[2], (int) running,
        completed, failed, steals, idle.parkedCount(), blocking.runningCount(),
        blocking.completed(), busy);
  }

  /**
   * Starts an orderly shutdown: new submissions are rejected; every task already accepted still
   * runs, including waiting blocking and named-queue tasks. Does not wait; see {@link
   * #awaitTermination}.
   */
  @Override
  public void shutdown() {
    // A drained queue's waiting tasks are queued tasks too. They are resumed before the state
    // moves: after it, an idle worker that finds no work retires, and could retire before the
    // resumed tasks reach a queue (clean-clone CI at 85e115d lost both tasks of
    // NamedQueueTest.aGracefulShutdownResumesADrainedQueueSoThatWhatWaitsStillRuns that way).
    for (NamedQueue queue : namedQueues.values()) {
      queue.resume();
    }
    runHook(beforeShutdownState);
    if (advanceTo(SHUTDOWN) && LOG.isInfoEnabled()) {
      LOG.info("Echo scheduler shutting down; queued tasks will still run");
    }
    runHook(afterShutdownState);
    for (NamedQueue queue : namedQueues.values()) {
      queue.resume(); // one drained in between (drain() does nothing from now on)
    }
    idle.wakeAll();
    tryTerminate();
  }

  private static void runHook(Runnable hook) {
    if (hook != null) {
      hook.run();
    }
  }

  /**
   * Stops at once: rejects new submissions, interrupts running tasks (worker and blocking), and
   * returns the tasks that never started, highest priority first. A task whose submission races
   * with this call is either rejected, returned, or run.
   */
  @Override
  public List<Runnable> shutdownNow() {
    advanceTo(STOP);
    while (!gate.isQuiescent()) {
      Thread.onSpinWait(); // in-flight submissions are a few instructions from pushing
    }
    List<Runnable> unstarted = new ArrayList<>();
    Consumer<Runnable> sink = task -> {
      if (task instanceof NamedQueue.Entry entry) {
        entry.queue.releaseUnrun(); // it held a permit since its dispatch
      }
      unstarted.add(unwrap(task));
    };
    for (int p = 0; p < Priority.COUNT; p++) {
      for (Runnable task; (task = global[p].poll()) != null; ) {
        sink.accept(task);
      }
      for (SpmcLocalQueue ring : rings[p]) {
        ring.drainTo(sink);
      }
      for (NamedQueue q : namedQueues.values()) {
        q.stopAndDrain(p, sink);
      }
      blocking.stopAndDrain(p, sink);
    }
    idle.wakeAll();
    for (Worker w : workers) {
      w.thread().interrupt();
    }
    blocking.interruptAll();
    if (LOG.isInfoEnabled()) {
      LOG.info("Echo scheduler stopped; {} queued tasks returned unrun", unstarted.size());
    }
    tryTerminate();
    return unstarted;
  }

  /** Returns true once {@link #shutdown()} or {@link #shutdownNow()} was called. */
  @Override
  public boolean isShutdown() {
    return runState.get() != RUNNING;
  }

  /** Returns true once shut down and every worker and blocking task has finished. */
  @Override
  public boolean isTerminated() {
    return runState.get() == TERMINATED;
  }

  /** Waits until terminated or the timeout elapses; returns whether it terminated. */
  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }

  /**
   * Shuts down and waits until terminated, like {@link java.util.concurrent.ExecutorService#close()};
   * called from one of this scheduler's own workers, which could never see itself terminate, it
   * only shuts down. If interrupted while waiting, it stops at once with {@link #shutdownNow()}
   * and keeps the interrupt status.
   */
  @Override
  public void close() {
    if (currentWorker() != null) {
      shutdown();
      return;
    }
    boolean interrupted = false;
    shutdown();
    while (!isTerminated()) {
      try {
        awaitTermination(1, TimeUnit.DAYS);
      } catch (InterruptedException e) {
        if (!interrupted) {
          shutdownNow();
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    String state = switch (runState.get()) {
      case RUNNING -> "running";
      case SHUTDOWN -> "shutting down";
      case STOP -> "stopping";
      default -> "terminated";
    };
    return "EchoScheduler[" + state + ", workers=" + workers.length + "]";
  }

  // ---- package-private plumbing for Worker, NamedQueue and BlockingLane ----

  int runState() {
    return runState.get();
  }

  /** Accepts a named-queue task: a permit dispatches it now, otherwise it waits in the queue. */
  void submitNamed(NamedQueue queue, Runnable task, int level) {
    Worker worker = currentWorker();
    if (worker != null) {
      if (runState.get() != RUNNING) {
        throw rejected(task);
      }
      NamedQueue.Entry entry = queue.admit(task, level);
      if (entry != null) {
        worker.pushLocal(entry, level);
        idle.signalWorkAfterLocalPush();
      }
      return;
    }
    int stripe = gate.enter();
    try {
      if (runState.get() != RUNNING) {
        throw rejected(task);
      }
      NamedQueue.Entry entry = queue.admit(task, level);
      if (entry == null) {
        return;
      }
      global[level].offer(entry);
    } finally {
      leaveGate(stripe);
    }
    idle.signalWork();
  }

  /** Dispatches a task accepted earlier (a named queue's next task), even during shutdown. */
  void dispatchAccepted(Runnable task, int level) {
    Worker worker = currentWorker();
    if (worker != null) {
      worker.pushLocal(task, level);
      idle.signalWorkAfterLocalPush();
      return;
    }
    int stripe = gate.enter();
    try {
      global[level].offer(task);
    } finally {
      leaveGate(stripe);
    }
    idle.signalWork();
  }

  private void leaveGate(int stripe) {
    gate.exit(stripe);
    if (runState.get() != RUNNING) {
      idle.wakeAll(); // parked workers may be waiting for the gate to retire
    }
  }

  /** Returns whether any worker queue holds a task (a racy scan of every queue). */
  boolean hasWork() {
    for (int p = 0; p < Priority.COUNT; p++) {
      if (!global[p].isEmpty()) {
        return true;
      }
      for (SpmcLocalQueue ring : rings[p]) {
        if (!ring.isEmpty()) {
          return true;
        }
      }
    }
    return false;
  }

  /** After shutdown: whether a parked worker may retire (gate quiescent, then no work). */
  boolean readyToRetire() {
    return gate.isQuiescent() && !hasWork();
  }

  /**
   * Replaces the thread of {@code worker}, lost to a {@link Throwable} thrown out of its loop
   * (an {@link Error} in the worker's own code): a new thread takes over the same {@link Worker},
   * with its rings and counters, so the pool keeps its size and no queued task is stranded.
   * Returns false if no thread could be started; the worker then retires and its rings stay
   * reachable to thieves and to {@link #shutdownNow()}.
   */
  boolean replaceWorker(Worker worker) {
    idle.rejoin();
    try {
      new WorkerThread(this, worker, config.threadNamePrefix() + worker.index).start();
      return true;
    } catch (Throwable failure) {
      idle.leave();
      return false;
    }
  }

  void workerRetired(Worker worker) {
    idle.wakeAll();
    if (liveWorkers.decrementAndGet() == 0) {
      tryTerminate();
    }
  }

  void tryTerminate() {
    int state = runState.get();
    if (state == RUNNING || state == TERMINATED) {
      return;
    }
    if (liveWorkers.get() != 0 || blocking.outstanding() != 0) {
      return;
    }
    if (runState.compareAndSet(state, TERMINATED)) {
      terminated.countDown();
      if (LOG.isInfoEnabled()) {
        LOG.info("Echo scheduler terminated");
      }
    } else {
      tryTerminate(); // the state moved (SHUTDOWN -> STOP); decide again
    }
  }

  void reportFailure(Runnable task, Throwable failure) {
    Runnable original = unwrap(task);
    try {
      config.uncaughtTaskHandler().accept(original, failure);
    } catch (Throwable handlerFailure) {
      LOG.error("uncaughtTaskHandler threw while reporting a failure of {}", original, handlerFailure);
    }
  }

  RejectedExecutionException rejected(Runnable task) {
    return new RejectedExecutionException(
        "Echo scheduler is shut down; task rejected: " + unwrap(task));
  }

  private static Runnable unwrap(Runnable task) {
    return task instanceof NamedQueue.Entry entry ? entry.task : task;
  }

  private Worker currentWorker() {
    return Thread.currentThread() instanceof WorkerThread t && t.pool == this ? t.worker : null;
  }

  /** Moves the run state up to {@code target}; returns true if this call moved it. */
  private boolean advanceTo(int target) {
    for (;;) {
      int state = runState.get();
      if (state >= target) {
        return false;
      }
      if (runState.compareAndSet(state, target)) {
        return true;
      }
    }
  }
}
