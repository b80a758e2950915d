package land.echo.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import land.echo.Priority;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Starvation: continuous HIGH load for {@code windowMillis} ({@code 2 x workers} chains of HIGH
 * tasks of {@code highMicros} busy work, each re-submitting itself from its worker, so HIGH work
 * is always queued) plus a trickle of LOW tasks submitted from outside every
 * {@code lowSpacingMillis}. Each LOW task records its submit-to-start wait; a LOW task that never
 * gets a turn while the load lasts starts only when the load stops, so its wait shows the
 * starvation. Published as {@code latency.low.*} (p50, p99, p99.9, max in microseconds),
 * {@code latency.lowWaitPicks.*.count} (the same waits counted in HIGH tasks the whole pool started
 * meanwhile: the unit of the scheduler's documented bound, and independent of how much CPU the
 * machine gives the workers), {@code latency.lowOldestPicks.max.count} (the longest wait counted
 * only from when the task was the oldest LOW task: a task submitted while earlier LOW tasks still
 * wait starts after them, and the documented bound is about the oldest), {@code
 * latency.lowStartedUnderLoad.count} (how many LOW tasks started while HIGH load lasted) and {@code
 * latency.lowLateSubmissions.count}: how many LOW tasks were submitted late, at once after the one
 * before, because this thread had fallen behind its schedule (a pause of the thread itself); such
 * a burst queues LOW tasks behind each other.
 *
 * <p>Compares Echo against a ThreadPoolExecutor on a PriorityBlockingQueue, which strictly prefers
 * HIGH and therefore starves LOW for the whole window. Target: Echo's LOW maximum wait within the
 * bound docs/scheduler.md documents, counted in picks ({@link StarvationBound}); the wait in time is
 * reported too, and on a machine whose CPUs are shared it also contains the time the workers were
 * not running at all.
 *
 * <p>Run: {@code java -jar echo-bench/target/echo-bench.jar starvation}. Thread-safety: JMH state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(1)
public class StarvationBenchmark {

  /** The executor under test: Echo or the priority-queue anchor. */
  @Param({Kinds.ECHO, Kinds.TPE_PRIORITY})
  public String kind;

  /** The default length of the HIGH load, in milliseconds. */
  public static final String DEFAULT_WINDOW_MILLIS = "2000";

  /** The default interval between LOW submissions, in milliseconds. */
  public static final String DEFAULT_LOW_SPACING_MILLIS = "10";

  /** How long the HIGH load lasts, in milliseconds. */
  @Param(DEFAULT_WINDOW_MILLIS)
  public int windowMillis;

  /** Interval between LOW submissions, in milliseconds. */
  @Param(DEFAULT_LOW_SPACING_MILLIS)
  public int lowSpacingMillis;

  /** The default busy work of each HIGH task, in microseconds; the documented bound uses it. */
  public static final String DEFAULT_HIGH_MICROS = "20";

  /** Busy work of each HIGH task, in microseconds. */
  @Param(DEFAULT_HIGH_MICROS)
  public int highMicros;

  private BenchExecutor executor;

  /** Creates the executor under test. */
  @Setup(Level.Trial)
  public void setUp() {
    executor = Kinds.create(kind);
  }

  /** Shuts the executor down. */
  @TearDown(Level.Trial)
  public void tearDown() {
    executor.close();
  }

  /**
   * Runs the load, trickles LOW tasks in, and publishes their waits.
   *
   * @return the number of LOW samples
   * @throws InterruptedException if interrupted while waiting
   */
  @Benchmark
  public long starvation() throws InterruptedException {
    AtomicBoolean loadOn = new AtomicBoolean(true);
    int chains = 2 * Kinds.workers();
    CountDownLatch chainsDone = new CountDownLatch(chains);
    long highNanos = TimeUnit.MICROSECONDS.toNanos(highMicros);
    AtomicLong highStarted = new AtomicLong();
    for (int i = 0; i < chains; i++) {
      executor.execute(new HighChain(executor, loadOn, chainsDone, highNanos, highStarted), Priority.HIGH);
    }

    int lowCount = windowMillis / lowSpacingMillis;
    long[] waits = new long[lowCount];
    long[] submittedPicks = new long[lowCount]; // HIGH tasks started when each LOW task was submitted
    long[] startPicks = new long[lowCount]; // and when it started
    boolean[] underLoad = new boolean[lowCount];
    CountDownLatch lowDone = new CountDownLatch(lowCount);
    long spacing = TimeUnit.MILLISECONDS.toNanos(lowSpacingMillis);
    long next = System.nanoTime();
    int late = 0;
    for (int i = 0; i < lowCount; i++) {
      next += spacing;
      long wait = next - System.nanoTime();
      if (wait <= 0) {
        late++; // this thread fell behind its schedule (a pause of its own) and submits at once
      }
      for (; wait > 0; wait = next - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      int sample = i;
      long submitted = System.nanoTime();
      submittedPicks[i] = highStarted.get();
      executor.execute(() -> {
        waits[sample] = System.nanoTime() - submitted;
        startPicks[sample] = highStarted.get();
        underLoad[sample] = loadOn.get();
        lowDone.countDown();
      }, Priority.LOW);
    }
    loadOn.set(false);
    if (!lowDone.await(5, TimeUnit.MINUTES) || !chainsDone.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException(kind + ": tasks still unfinished 5 minutes after the load stopped");
    }

    Histogram histogram = new Histogram(3);
    Histogram picks = new Histogram(3);
    Histogram picksAsOldest = new Histogram(3);
    long latestEarlierStart = Long.MIN_VALUE;
    int startedUnderLoad = 0;
    for (int i = 0; i < lowCount; i++) {
      histogram.recordValue(Math.max(0, waits[i]));
      picks.recordValue(Math.max(0, startPicks[i] - submittedPicks[i]));
      // The documented bound is about the oldest LOW task: a task behind earlier LOW tasks becomes
      // the oldest when the last of them has started (they are all submitted from this one thread,
      // in order), and its wait as the oldest counts from then.
      long becameOldest = Math.max(submittedPicks[i], latestEarlierStart);
      picksAsOldest.recordValue(Math.max(0, startPicks[i] - becameOldest));
      latestEarlierStart = Math.max(latestEarlierStart, startPicks[i]);
      startedUnderLoad += underLoad[i] ? 1 : 0;
    }
    LatencyBoard.publishPercentiles("low", histogram);
    LatencyBoard.publish("lowWaitPicks.p50.count", picks.getValueAtPercentile(50));
    LatencyBoard.publish("lowWaitPicks.p99.count", picks.getValueAtPercentile(99));
    LatencyBoard.publish("lowWaitPicks.max.count", picks.getMaxValue());
    LatencyBoard.publish("lowOldestPicks.max.count", picksAsOldest.getMaxValue());
    LatencyBoard.publish("lowLateSubmissions.count", late);
    LatencyBoard.publish("lowStartedUnderLoad.count", startedUnderLoad);
    LatencyBoard.publish("lowSubmitted.count", lowCount);
    return histogram.getTotalCount();
  }

  /** A HIGH task that keeps re-submitting itself while the load is on, counting its runs. */
  private static final class HighChain implements Runnable {
    private final BenchExecutor executor;
    private final AtomicBoolean loadOn;
    private final CountDownLatch done;
    private final long busyNanos;
    private final AtomicLong started;

    HighChain(BenchExecutor executor, AtomicBoolean loadOn, CountDownLatch done, long busyNanos, AtomicLong started) {
      this.executor = executor;
      this.loadOn = loadOn;
      this.done = done;
      this.busyNanos = busyNanos;
      this.started = started;
    }

    @Override
    public void run() {
      started.incrementAndGet();
      Spin.busy(busyNanos);
      if (loadOn.get()) {
        executor.execute(this, Priority.HIGH);
      } else {
        done.countDown();
      }
    }
  }
}
