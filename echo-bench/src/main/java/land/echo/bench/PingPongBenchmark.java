package land.echo.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * Ping-pong: two tasks hand a token back and forth {@code roundTrips} times. Each hop writes the
 * token into the peer's mailbox and submits the peer to the executor, so exactly one task is
 * runnable at any moment: this measures hand-off latency (submit, wake-up, run) rather than
 * throughput, including the cost of waking parked workers that find nothing to do.
 *
 * <p>Compares Echo's scheduler against ForkJoinPool (asyncMode true and false), fixed and
 * priority-queue ThreadPoolExecutors, virtual threads (a new virtual thread per hop), Cats Effect
 * 3's work-stealing pool and ZIO 2's default executor. Target (issue 8): Echo at most 1.0x Cats
 * Effect's work-stealing pool and at most 1.0x ZIO.
 *
 * <p>Run: {@code java -jar echo-bench/target/echo-bench.jar pingpong}. Thread-safety: JMH state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class PingPongBenchmark {

  /** The executor under test; see {@link Kinds}. */
  @Param({
    Kinds.ECHO, Kinds.FJP_ASYNC, Kinds.FJP_SYNC, Kinds.TPE_FIXED, Kinds.TPE_PRIORITY,
    Kinds.VIRTUAL, Kinds.CE_WSTP, Kinds.ZIO
  })
  public String kind;

  /**
   * Number of round trips (two hops each). A million keeps one operation at 50 ms or more for the
   * fastest executor, long enough for a single-shot measurement on a noisy machine.
   */
  @Param("1000000")
  public int roundTrips;

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
   * Plays all round trips.
   *
   * @return the number of hops made
   * @throws InterruptedException if interrupted while waiting
   */
  @Benchmark
  public long pingPong() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    long hops = 2L * roundTrips;
    Player ping = new Player(executor, hops, done);
    Player pong = new Player(executor, hops, done);
    ping.peer = pong;
    pong.peer = ping;
    ping.inbox = 0;
    executor.execute(ping);
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException(kind + ": ping-pong unfinished after 10 minutes");
    }
    return ping.inbox + pong.inbox;
  }

  /** One side of the game; its mailbox is handed over by the executor's happens-before edge. */
  private static final class Player implements Runnable {
    private final BenchExecutor executor;
    private final long hops;
    private final CountDownLatch done;
    private Player peer;
    private long inbox;

    Player(BenchExecutor executor, long hops, CountDownLatch done) {
      this.executor = executor;
      this.hops = hops;
      this.done = done;
    }

    @Override
    public void run() {
      long token = inbox + 1;
      if (token >= hops) {
        done.countDown();
        return;
      }
      peer.inbox = token;
      executor.execute(peer);
    }
  }
}
