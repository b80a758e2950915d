package land.echo.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
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
 * Timer isolation: how late an unrelated timeout fires when {@code burst} other timeouts expire at
 * the same instant. Every runtime in the JVM shares one timer thread ({@code Timer.system()}); this
 * measures whether one runtime's mass expiry delays another runtime's deadline.
 *
 * <p>Two application runtimes, A and B, each on its own Echo scheduler with {@code workers}
 * workers and the system timer. Each iteration:
 *
 * <ol>
 *   <li>Baseline: B gets one probe, {@code submitWithTimeout(async(never-completing), T, NORMAL)}
 *       with T = {@code timeoutMillis}; its lateness is the time its handle completed (taken with
 *       {@code System.nanoTime()} in a dependent of the handle) minus its submission time plus T.
 *   <li>Burst: a due instant D = now + T is fixed, then A gets {@code burst} submissions in a tight
 *       loop, each {@code submitWithTimeout(async(never-completing), D - now, NORMAL)}, so that all
 *       are due at D exactly. The bodies return a {@code CompletableFuture} that never completes
 *       (no thread is held); every fourth body registers a {@code token.onCancel} action, and
 *       every handle has a dependent, as real code does. Then B gets the same probe, due just after
 *       the burst's last timer entry (D + the largest gap between a submission's reading of the
 *       clock and the timer's, at most a few microseconds unless the loop was preempted, + 1 us
 *       + {@code probeOffsetMicros}, 0 by default): the worst place for a timeout due at D, behind
 *       the whole burst in the timer's queue. The probe's lateness is measured as in the
 *       baseline, and so is each burst handle's (completion minus D).
 * </ol>
 *
 * <p>Reported through {@link LatencyBoard} (secondary results, microseconds):
 * {@code latency.probe.burst} (the probe under the burst), {@code latency.probe.baseline} (the
 * probe alone), {@code latency.probe.timerThread} (a plain action scheduled on {@code
 * Timer.system()} for the probe's instant just before the probe: how late the shared timer thread
 * itself ran, before any runtime handed the expiry on), {@code latency.burst.*} (percentiles of
 * the burst's own lateness: how long the expiries took to be delivered), {@code latency.submit}
 * (how long the submission loop took; it must end before D, or the iteration fails) and {@code
 * latency.spread} (how far after D the burst's timer entries may lie). The primary score is only
 * the iteration's length.
 *
 * <p>Target (the issue's): 20,000 simultaneous timeouts delay an unrelated timeout by at most 5 ms,
 * i.e. the probe's median lateness under the burst is at most 5 ms.
 *
 * <p>The runtime's logger ({@code land.echo.ApplicationRuntime}) is switched off in the forked JVM:
 * every expiry logs one ERROR line ("failed: timed out"), and 20,000 lines per iteration would
 * measure the console, not the timers.
 *
 * <p>Run: {@code ./echoctl bench timers} (or {@code ./echoctl bench --quick timers}); JMH directly
 * needs {@code -prof land.echo.bench.LatencyProfiler} to see the latencies. Thread-safety: JMH state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(1)
public class TimerIsolationBenchmark {

  static {
    // Before any Echo class creates its logger (slf4j-simple reads per-logger levels then).
    System.setProperty("org.slf4j.simpleLogger.log.land.echo.ApplicationRuntime", "off");
  }

  /** Number of timeouts of runtime A expiring at the same instant. */
  @Param("20000")
  public int burst;

  /** The timeout T, in milliseconds; the submission loop must finish within it. */
  @Param("1000")
  public int timeoutMillis;

  /** How long after the burst's instant the probe is due, in microseconds. */
  @Param("0")
  public int probeOffsetMicros;

  /** Workers of each runtime's scheduler. */
  @Param("2")
  public int workers;

  private EchoSide.Deadlines burstRuntime;
  private EchoSide.Deadlines probeRuntime;
  private final LongAdder cancelActions = new LongAdder();

  /** Creates the two runtimes. */
  @Setup(Level.Trial)
  public void setUp() {
    burstRuntime = EchoSide.deadlines(workers);
    probeRuntime = EchoSide.deadlines(workers);
  }

  /** Shuts both runtimes down. */
  @TearDown(Level.Trial)
  public void tearDown() {
    burstRuntime.close();
    probeRuntime.close();
  }

  /**
   * Measures the probe alone, then the probe under the burst.
   *
   * @return the probe's lateness under the burst, in nanoseconds
   * @throws InterruptedException if interrupted while waiting
   */
  @Benchmark
  public long timerIsolation() throws InterruptedException {
    long timeout = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);

    long baseline = probe(System.nanoTime() + timeout);

    long due = System.nanoTime() + timeout;
    long[] completed = new long[burst];
    CountDownLatch burstDone = new CountDownLatch(burst);
    Runnable cancelAction = cancelActions::increment;
    long loopStart = System.nanoTime();
    long slack = 0;
    for (int i = 0; i < burst; i++) {
      int index = i;
      slack = Math.max(slack, burstRuntime.submitDueAt(due, i % 4 == 0 ? cancelAction : null, at -> {
        completed[index] = at;
        burstDone.countDown();
      }));
    }
    long loopNanos = System.nanoTime() - loopStart;
    // Just after the burst's last timer entry (the timer reads the clock a little after the
    // submission computed the timeout), so the probe is behind the whole burst in the timer's queue.
    long probeDue = due + slack + 1_000 + TimeUnit.MICROSECONDS.toNanos(probeOffsetMicros);
    AtomicLong timerFired = new AtomicLong();
    CountDownLatch timerDone = new CountDownLatch(1);
    EchoSide.onSystemTimer(probeDue, at -> {
      timerFired.set(at);
      timerDone.countDown();
    });
    long underBurst = probe(probeDue);
    if (!timerDone.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("the timer probe never fired");
    }
    if (!burstDone.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException(burstDone.getCount() + " of " + burst + " timeouts never fired");
    }

    Histogram burstLateness = new Histogram(3);
    for (long at : completed) {
      if (at < 0) {
        throw new IllegalStateException("a burst effect completed otherwise than with TimedOut");
      }
      burstLateness.recordValue(Math.max(0, at - due));
    }
    LatencyBoard.publish("probe.burst", underBurst / 1_000.0);
    LatencyBoard.publish("probe.baseline", baseline / 1_000.0);
    LatencyBoard.publish("probe.timerThread", Math.max(0, timerFired.get() - probeDue) / 1_000.0);
    LatencyBoard.publishPercentiles("burst", burstLateness);
    LatencyBoard.publish("submit", loopNanos / 1_000.0);
    LatencyBoard.publish("spread", slack / 1_000.0);
    return underBurst;
  }

  /** Submits the probe to runtime B, due at {@code dueNanos}, and returns its lateness in nanoseconds. */
  private long probe(long dueNanos) throws InterruptedException {
    AtomicLong completedAt = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    probeRuntime.submitDueAt(dueNanos, null, at -> {
      completedAt.set(at);
      done.countDown();
    });
    if (!done.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("the probe's timeout never fired");
    }
    if (completedAt.get() < 0) {
      throw new IllegalStateException("the probe completed otherwise than with TimedOut");
    }
    return Math.max(0, completedAt.get() - dueNanos);
  }
}
