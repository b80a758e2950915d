import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.CommonError;
import land.echo.Environment;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import land.echo.time.Timer;

/**
 * The measurement of {@code land.echo.bench.TimerIsolationBenchmark} as a plain program that
 * uses only echo-core's public API, so that it also runs against commits older than the benchmark
 * (e.g. 63c9d39, before timer expiries were moved off the shared timer thread).
 *
 * <p>Run with the source launcher (JDK 21+), against any build of echo-core:
 *
 * <pre>
 * java -Xms4g -Xmx4g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
 *   -cp ECHO_CORE_JAR:SLF4J_API_JAR:SLF4J_SIMPLE_JAR \
 *   echo-bench/compare/TimerIsolationProbe.java [WARMUPS [ITERATIONS]]
 * </pre>
 *
 * <p>Prints, per iteration, the probe's lateness alone and under a burst of 20,000 timeouts due at
 * its instant, the timer thread's own lateness at that instant, and the burst's p50/max lateness,
 * in milliseconds; then the medians. Not part of the runner: {@code ./echoctl bench timers} is.
 */
public final class TimerIsolationProbe {
  static final int BURST = 20_000;
  static final long TIMEOUT = TimeUnit.MILLISECONDS.toNanos(1_000);

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.log.land.echo.ApplicationRuntime", "off");
    int warmups = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    ApplicationRuntime a = runtime();
    ApplicationRuntime b = runtime();
    double[] burst = new double[iterations];
    double[] baseline = new double[iterations];
    double[] timerThread = new double[iterations];
    System.out.println("iteration  baseline_ms  under_burst_ms  timer_thread_ms  burst_p50_ms  burst_max_ms  submit_ms");
    for (int i = -warmups; i < iterations; i++) {
      double[] r = iteration(a, b);
      System.out.printf("%9s  %11.3f  %14.3f  %15.3f  %12.3f  %12.3f  %9.1f%n",
          i < 0 ? "warmup" : String.valueOf(i + 1), r[0], r[1], r[2], r[3], r[4], r[5]);
      if (i >= 0) {
        baseline[i] = r[0];
        burst[i] = r[1];
        timerThread[i] = r[2];
      }
    }
    System.out.printf("median: baseline %.3f ms, under burst %.3f ms, timer thread %.3f ms%n",
        median(baseline), median(burst), median(timerThread));
    a.close();
    b.close();
  }

  static ApplicationRuntime runtime() {
    return ApplicationRuntime.create(Environment.empty(),
        EchoScheduler.create(SchedulerConfig.builder().workers(2).build()));
  }

  static double[] iteration(ApplicationRuntime a, ApplicationRuntime b) throws Exception {
    double baseline = probe(b, System.nanoTime() + TIMEOUT) / 1e6;
    long due = System.nanoTime() + TIMEOUT;
    long[] completed = new long[BURST];
    CountDownLatch burstDone = new CountDownLatch(BURST);
    LongAdder cancelActions = new LongAdder();
    long loopStart = System.nanoTime();
    long slack = 0;
    for (int i = 0; i < BURST; i++) {
      int index = i;
      slack = Math.max(slack, submitDueAt(a, due, i % 4 == 0 ? cancelActions::increment : null, at -> {
        completed[index] = at;
        burstDone.countDown();
      }));
    }
    double submit = (System.nanoTime() - loopStart) / 1e6;
    long probeDue = due + slack + 1_000; // behind the burst's last timer entry
    AtomicLong timerFired = new AtomicLong();
    CountDownLatch timerDone = new CountDownLatch(1);
    Timer.system().schedule(Duration.ofNanos(probeDue - System.nanoTime()), () -> {
      timerFired.set(System.nanoTime());
      timerDone.countDown();
    });
    double underBurst = probe(b, probeDue) / 1e6;
    burstDone.await();
    timerDone.await();
    long[] lateness = new long[BURST];
    for (int i = 0; i < BURST; i++) {
      if (completed[i] < 0) {
        throw new IllegalStateException("a burst effect completed otherwise than with TimedOut");
      }
      lateness[i] = completed[i] - due;
    }
    Arrays.sort(lateness);
    return new double[] {baseline, underBurst, (timerFired.get() - probeDue) / 1e6, lateness[BURST / 2] / 1e6,
        lateness[BURST - 1] / 1e6, submit};
  }

  static long probe(ApplicationRuntime b, long due) throws InterruptedException {
    AtomicLong at = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    submitDueAt(b, due, null, t -> {
      at.set(t);
      done.countDown();
    });
    done.await();
    if (at.get() < 0) {
      throw new IllegalStateException("the probe completed otherwise than with TimedOut");
    }
    return at.get() - due;
  }

  /** Returns an upper bound on how much later than {@code due} the timer entry lies. */
  static long submitDueAt(ApplicationRuntime runtime, long due, Runnable cancelAction, LongConsumer completed) {
    ActionEffect<Void, Void, Integer> neverCompleting = ActionEffect.async(token -> {
      if (cancelAction != null) {
        token.onCancel(cancelAction);
      }
      return new CompletableFuture<Integer>();
    });
    long now = System.nanoTime();
    long timeout = due - now;
    if (timeout <= 0) {
      throw new IllegalStateException("the deadline passed before the submission");
    }
    runtime.submitWithTimeout(neverCompleting, Duration.ofNanos(timeout), Priority.NORMAL)
        .outcome().whenComplete((outcome, failure) -> {
          long at = System.nanoTime();
          boolean timedOut = outcome instanceof Outcome.Fault<?, ?> f && f.error() instanceof CommonError.TimedOut;
          completed.accept(timedOut ? at : -1);
        });
    return System.nanoTime() - now;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
