package land.echo.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.cluster.SubmitOptions;
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
 * The time from a member's SIGKILL to the last of its orphaned work finishing on another member,
 * on a fresh {@value BenchCluster#MEMBERS}-member loopback cluster per iteration ({@link
 * BenchCluster}). Each member's partitions get {@value #PER_MEMBER} units of {@value #WORK_MILLIS}
 * ms of work (routed there by key: Echo's routing key, the durable executor's {@code
 * submitToKeyOwner}); once the victim has finished one, it is killed, and the measured time runs
 * until every unit routed to it has completed at the submitter. Echo ({@code engine=echo}) against
 * Hazelcast's {@code DurableExecutorService} ({@code durable}); the plain {@code IExecutorService}
 * loses such work, so it is not compared. Failure detector, for both: a heartbeat every second, a
 * member declared dead after 3 s without one ({@code hazelcast.max.no.heartbeat.seconds=3}). Run:
 * {@code ./echoctl bench cluster-failover}. Thread-safety: JMH state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 3)
@Fork(1)
public class ClusterFailoverBenchmark {
  static final int PER_MEMBER = 60;
  static final int WORK_MILLIS = 100;
  private static final int VICTIM = 1;

  @Param({"echo", "durable"})
  public String engine;

  private BenchCluster cluster;
  private List<CompletableFuture<?>> orphans;

  /** Starts a cluster, loads it, and waits until the victim is running its share. */
  @Setup(Level.Iteration)
  public void load() throws Exception {
    cluster = new BenchCluster();
    var partitions = cluster.client.hazelcast().getPartitionService();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!partitions.isClusterSafe() || ownedBy(cluster.ids.get(VICTIM)) < 50) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the partitions did not settle within 60 s");
      }
      Thread.sleep(50);
    }
    Map<String, List<String>> keys = new java.util.HashMap<>();
    for (int i = 0; keys.values().stream().mapToInt(List::size).sum() < PER_MEMBER * BenchCluster.MEMBERS; i++) {
      String key = "key-" + i;
      String owner = partitions.getPartition(key).getOwner().getUuid().toString();
      List<String> mine = keys.computeIfAbsent(owner, o -> new ArrayList<>());
      if (mine.size() < PER_MEMBER) {
        mine.add(key);
      }
    }
    orphans = new ArrayList<>();
    List<CompletableFuture<CompletableFuture<?>>> sent = new ArrayList<>();
    ClusterBenchNode.Work work = new ClusterBenchNode.Work(WORK_MILLIS * 1_000);
    // Sent from several threads at once, so that sending takes far less than the victim's share of
    // work (PER_MEMBER x WORK_MILLIS / WORKERS).
    try (var senders = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (Map.Entry<String, List<String>> entry : keys.entrySet()) {
        boolean victim = entry.getKey().equals(cluster.ids.get(VICTIM));
        for (String key : entry.getValue()) {
          CompletableFuture<CompletableFuture<?>> one = CompletableFuture.supplyAsync(() -> switch (engine) {
            case "echo" -> cluster.client.submit("bench.work", work, Priority.NORMAL,
                SubmitOptions.defaults().withRoutingKey(key)).outcome().thenApply(ClusterFailoverBenchmark::value);
            case "durable" -> cluster.durable.submitToKeyOwner(work, key).toCompletableFuture();
            default -> throw new IllegalArgumentException("engine: " + engine);
          }, senders);
          if (victim) {
            sent.add(one);
          }
        }
      }
    }
    for (CompletableFuture<CompletableFuture<?>> one : sent) {
      orphans.add(one.join());
    }
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (orphans.stream().noneMatch(CompletableFuture::isDone)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the victim finished nothing within 60 s");
      }
      Thread.sleep(1);
    }
    long unfinished = orphans.stream().filter(f -> !f.isDone()).count();
    if (unfinished < PER_MEMBER / 2) {
      throw new IllegalStateException("the victim had finished " + (PER_MEMBER - unfinished) + " of its "
          + PER_MEMBER + " units before it could be killed: the measurement would not be of a failover");
    }
    System.out.printf("%nkilling the victim with %d of its %d units unfinished%n", unfinished, PER_MEMBER);
  }

  private long ownedBy(String member) {
    return cluster.client.hazelcast().getPartitionService().getPartitions().stream()
        .filter(p -> p.getOwner() != null && p.getOwner().getUuid().toString().equals(member)).count();
  }

  private static Object value(Outcome<Object, Object> outcome) {
    if (outcome instanceof Outcome.Success<Object, Object> s) {
      return s.value();
    }
    throw new IllegalStateException("the work failed: " + outcome);
  }

  /** Stops the cluster. */
  @TearDown(Level.Iteration)
  public void stop() {
    cluster.close();
  }

  /**
   * Kills the victim and waits for its orphaned work.
   *
   * @return how many of the victim's units were still unfinished when it was killed
   * @throws Exception if any unit failed or they did not all finish within 120 s
   */
  @Benchmark
  public long killAndRecover() throws Exception {
    long unfinished = orphans.stream().filter(f -> !f.isDone()).count();
    cluster.nodes.get(VICTIM).destroyForcibly(); // SIGKILL
    CompletableFuture.allOf(orphans.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    return unfinished;
  }

  /** The table row: SIGKILL to the last orphan done, Echo against the durable executor. */
  static List<Row> rows(Results r) {
    String m = "ClusterFailoverBenchmark.killAndRecover";
    OptionalDouble echo = r.median(m, Map.of("engine", "echo"));
    return List.of(new Row("cluster-failover", "SIGKILL to the last orphaned effect done (detector: 1 s heartbeat, "
        + "dead after 3 s)", "ms", echo, "DurableExecutorService", r.median(m, Map.of("engine", "durable")), null));
  }
}
