package land.echo.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.CommonError;
import land.echo.cluster.ClusterConfig;
import land.echo.cluster.EchoCluster;
import land.echo.cluster.EffectRegistry;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;

/**
 * A member of {@link ClusterBenchmark}'s cluster, in its own JVM: {@code ClusterBenchNode cluster
 * port members workers}. It serves Echo's {@code bench.work} effect and, as a plain Hazelcast member,
 * runs the same work for Hazelcast's executors ({@link Work} is also a {@code Callable}). Prints
 * {@code READY} once joined; runs until killed or until its standard input closes.
 */
public final class ClusterBenchNode {
  /**
   * The work, the same for Echo and for Hazelcast's executors: spin for {@code micros}
   * microseconds, then return the {@code System.nanoTime()} at which it started (one clock for
   * every process of a machine on Linux), so that the caller can tell how long it waited.
   *
   * @param micros how long to spin
   */
  public record Work(int micros) implements Callable<Long> {
    @Override
    public Long call() {
      return spin(micros);
    }
  }

  private ClusterBenchNode() {}

  static long spin(int micros) {
    long start = System.nanoTime();
    long end = start + TimeUnit.MICROSECONDS.toNanos(micros);
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    return start;
  }

  /** Every process's registrations: the effect and the executors' task type. */
  static EffectRegistry registry() {
    EffectRegistry registry = new EffectRegistry();
    registry.register("bench.work", Work.class, Long.class, CommonError.class,
        work -> ActionEffect.<CommonError, Long>compute(token -> spin(work.micros())));
    registry.registerType(Work.class);
    return registry;
  }

  /**
   * Starts the member.
   *
   * @param args cluster name, port, members (comma-separated), workers
   * @throws Exception if it cannot start
   */
  public static void main(String[] args) throws Exception {
    ApplicationRuntime runtime = ApplicationRuntime.builder()
        .scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(Integer.parseInt(args[3])).build()))
        .build();
    EchoCluster cluster = EchoCluster.start(runtime, registry(), ClusterConfig.builder().clusterName(args[0])
        .port(Integer.parseInt(args[1])).members(Arrays.asList(args[2].split(",")))
        .failureDetector(Duration.ofSeconds(1), Duration.ofSeconds(3)).build(), BenchCluster::executors);
    System.out.println("READY " + cluster.memberId());
    System.out.flush();
    while (System.in.read() >= 0) {
      // until the benchmark closes our input
    }
    cluster.close();
    runtime.close();
    System.exit(0);
  }
}
