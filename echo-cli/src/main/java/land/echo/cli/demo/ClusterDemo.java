package land.echo.cli.demo;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import land.echo.ApplicationRuntime;
import land.echo.CommonError;
import land.echo.EffectHandle;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.cluster.ClusterConfig;
import land.echo.cluster.ClusterEffect;
import land.echo.cluster.ClusterStats;
import land.echo.cluster.EchoCluster;
import land.echo.cluster.EffectRegistry;
import land.echo.cluster.SubmitOptions;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;

/**
 * {@code echoctl demo --cluster N}: the demo's indexing workload spread over N member processes on
 * 127.0.0.1, one of which is killed with SIGKILL partway.
 *
 * <p>It starts the members ({@link ClusterMembers}), joins them as a submit-only member, submits
 * one {@value DemoClusterEffects#INDEX} effect per source file at LOW with an idempotency key per
 * file, kills node 2 once a third of the results have arrived, waits for every handle (giving up
 * after {@link #STALL_LIMIT} without a result: what is still pending then is lost) and returns
 * what happened as a {@link Result}, whose {@link Result#report()} prints it.
 *
 * <p>Not thread-safe: one {@link #run()} per instance.
 */
public final class ClusterDemo {
  /** The node that is killed. */
  public static final int VICTIM = 2;
  /** How long the demo waits for the next result before it counts what is pending as lost. */
  public static final Duration STALL_LIMIT = Duration.ofSeconds(30);
  /** How long a member process may take to start, and the cluster to form. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final int SUBMITTING_THREADS = 4;
  private static final int FAILURE_SAMPLES = 5;

  private final List<String> launcher;
  private final int memberCount;
  private final SourceTree tree;
  private final Path source;
  private final Integer workers;
  private final Path log;
  private final PrintWriter out;
  private final boolean terminal;

  /**
   * Prepares a run.
   *
   * @param launcher the command that runs {@code echoctl node} (see {@link ClusterMembers#start})
   * @param memberCount how many member processes, at least 2
   * @param tree the sources, opened: one effect per file
   * @param source where the sources are, for the members to open the same ones
   * @param workers worker threads per member, or null for the members' default
   * @param log the file that receives the members' output
   * @param out where the header and the progress line go
   * @param terminal whether {@code out} is an interactive terminal (the progress line is drawn only there)
   */
  public ClusterDemo(List<String> launcher, int memberCount, SourceTree tree, Path source, Integer workers, Path log,
      PrintWriter out, boolean terminal) {
    if (memberCount < 2) {
      throw new IllegalArgumentException("memberCount must be at least 2, was " + memberCount);
    }
    this.launcher = List.copyOf(launcher);
    this.memberCount = memberCount;
    this.tree = Objects.requireNonNull(tree, "tree");
    this.source = Objects.requireNonNull(source, "source");
    this.workers = workers;
    this.log = Objects.requireNonNull(log, "log");
    this.out = Objects.requireNonNull(out, "out");
    this.terminal = terminal;
  }

  /**
   * Runs the demo: starts the members, runs the workload, kills node {@value #VICTIM}, waits for
   * every result, and stops the members.
   *
   * @return what happened
   * @throws IOException if a member process cannot be started
   * @throws IllegalStateException if a member does not start or the cluster does not form; the
   *     message names the node and the log
   * @throws InterruptedException if interrupted
   */
  public Result run() throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    // A name of this run only, so that two demos on one machine never join each other's cluster.
    String clusterName = "echo-demo-" + ProcessHandle.current().pid() + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    ClusterConfig defaults = ClusterConfig.builder().build();
    int files = tree.files().size();
    printHeader(clusterName, defaults, files);

    List<String> nodeOptions = new ArrayList<>(List.of("--source", source.toAbsolutePath().toString()));
    if (workers != null) {
      nodeOptions.addAll(List.of("--workers", workers.toString()));
    }
    try (ClusterMembers members = ClusterMembers.start(launcher, memberCount, clusterName, nodeOptions, log)) {
      // This process joins as a submit-only member once they are up: a cluster of lite members
      // alone has nowhere to put its partitions, so it must not be first.
      members.awaitStarted(START_TIMEOUT);
      ClusterConfig config = ClusterConfig.builder().clusterName(clusterName).host("127.0.0.1")
          .port(members.callerPort()).members(members.addresses()).submitOnly(true)
          .failureDetector(defaults.heartbeatInterval(), defaults.maxNoHeartbeat()).build();
      quietHazelcast();
      EffectRegistry registry = new EffectRegistry();
      ClusterEffect<DemoClusterEffects.IndexFile, CommonError, Integer> index =
          DemoClusterEffects.register(registry, tree);
      try (ApplicationRuntime runtime = ApplicationRuntime.builder()
              .scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(1).build())).build();
          EchoCluster cluster = EchoCluster.start(runtime, registry, config)) {
        Membership membership = new Membership(memberCount + 1);
        cluster.hazelcast().getCluster().addMembershipListener(membership);
        membership.check(cluster.members().size());
        if (!membership.formed.await(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          throw new IllegalStateException(String.format(Locale.ROOT,
              "the cluster did not form within %d s: this process sees %d of %d members%nAll member output: %s",
              START_TIMEOUT.toSeconds(), cluster.members().size(), memberCount + 1, log));
        }
        awaitClusterSafe(cluster, t0 + START_TIMEOUT.toNanos(), log);
        long formed = System.nanoTime();
        List<ClusterMembers.Member> started = members.members();
        out.printf(Locale.ROOT, "Cluster formed in %.1f s: %s, and this process (submit-only).%n", seconds(formed - t0),
            String.join(", ", started.stream().map(m -> String.format(Locale.ROOT, "node %d (pid %d, %s)",
                m.number(), m.pid(), m.address())).toList()));
        out.println();
        out.flush();
        Workload workload = new Workload(cluster, index, files);
        workload.run(members, membership);
        ClusterStats stats = settledStats(cluster, workload.completed());
        return workload.result(started, stats, formed - t0, System.nanoTime() - t0, defaults);
      }
    }
  }

  /**
   * Returns the submitter's counters once they include every completed handle: a handle completes
   * (and wakes the demo) just before the member counts its result, so the last few results may not
   * be counted yet. Gives up after a second (a handle completed without a result, refused at
   * submission say, is never counted).
   */
  private static ClusterStats settledStats(EchoCluster cluster, int completed) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (true) {
      ClusterStats stats = cluster.stats();
      long byMember = stats.deliveredBy().values().stream().mapToLong(Long::longValue).sum();
      if ((stats.delivered() >= completed && byMember == stats.delivered()) || System.nanoTime() > deadline) {
        return stats;
      }
      Thread.sleep(10);
    }
  }

  /**
   * Keeps this process's Hazelcast member from writing to the terminal: its warnings about the
   * killed member (a connection reset, "suspected to be dead") are the demo's point, and the report
   * tells what came of them. Hazelcast logs through SLF4J, as on the members; only its errors show.
   * A value given on the command line ({@code -D...}) wins.
   */
  private static void quietHazelcast() {
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "slf4j");
    }
    if (System.getProperty("org.slf4j.simpleLogger.log.com.hazelcast") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.com.hazelcast", "error");
    }
  }

  private void printHeader(String clusterName, ClusterConfig defaults, int files) {
    int perMember = workers != null ? workers : SchedulerConfig.defaultWorkers();
    out.printf(Locale.ROOT, "Echo cluster demo: %d member processes on 127.0.0.1, cluster '%s'%n", memberCount,
        clusterName);
    out.printf(Locale.ROOT, "  sources     %s, %d worker%s per member%n", tree.description(), perMember,
        perMember == 1 ? "" : "s");
    out.printf(Locale.ROOT, "  workload    %,d '%s' effects at LOW, one per file (read and tokenize it), "
        + "each with an idempotency key%n", files, DemoClusterEffects.INDEX);
    out.printf(Locale.ROOT, "  failover    node %d is killed with SIGKILL once a third of the results have arrived%n",
        VICTIM);
    out.printf(Locale.ROOT, "  detector    a heartbeat every %d s, a member declared dead after %d s without one%n",
        defaults.heartbeatInterval().toSeconds(), defaults.maxNoHeartbeat().toSeconds());
    out.printf(Locale.ROOT, "  member log  %s%n%n", log);
    out.flush();
  }

  /**
   * Waits until every partition has its backups in place ({@code PartitionService.isClusterSafe}):
   * until then, a partition whose backup is still being copied lives on one member only, and
   * killing that member loses it (Hazelcast logs "partitionId=N is completely lost"), which the
   * failover this demo shows is not about. Polls every 50 ms until {@code deadline} (a {@code
   * System.nanoTime} reading).
   */
  private static void awaitClusterSafe(EchoCluster cluster, long deadline, Path log) throws InterruptedException {
    var partitions = cluster.hazelcast().getPartitionService();
    while (!partitions.isClusterSafe()) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "the cluster's partitions did not get their backups within %d s of the first member's start%n"
                + "All member output: %s", START_TIMEOUT.toSeconds(), log));
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  /** Counts down once this member sees the whole cluster; notes when a member is removed. */
  private static final class Membership implements MembershipListener {
    final int expected;
    final CountDownLatch formed = new CountDownLatch(1);
    final Map<String, Long> removedAt = new java.util.concurrent.ConcurrentHashMap<>();

    Membership(int expected) {
      this.expected = expected;
    }

    void check(int size) {
      if (size >= expected) {
        formed.countDown();
      }
    }

    @Override
    public void memberAdded(MembershipEvent event) {
      check(event.getMembers().size());
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
      removedAt.putIfAbsent(event.getMember().getUuid().toString(), System.nanoTime());
    }
  }

  /** The submissions, their outcomes and the kill. */
  private final class Workload {
    final EchoCluster cluster;
    final ClusterEffect<DemoClusterEffects.IndexFile, CommonError, Integer> index;
    final int total;
    final AtomicReferenceArray<EffectHandle<CommonError, Integer>> handles;
    final AtomicInteger submitted = new AtomicInteger();
    final AtomicInteger received = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicLong lastResult = new AtomicLong(System.nanoTime());
    final Queue<String> failures = new ConcurrentLinkedQueue<>();
    final CountDownLatch third = new CountDownLatch(1);
    final CountDownLatch all;
    final int killAfter;
    long start;
    long end;
    volatile String progressNote = "";
    Kill kill;
    boolean gaveUp;

    Workload(EchoCluster cluster, ClusterEffect<DemoClusterEffects.IndexFile, CommonError, Integer> index, int total) {
      this.cluster = cluster;
      this.index = index;
      this.total = total;
      this.handles = new AtomicReferenceArray<>(total);
      this.all = new CountDownLatch(total);
      this.killAfter = Math.max(1, total / 3);
    }

    void run(ClusterMembers members, Membership membership) throws InterruptedException {
      start = System.nanoTime();
      lastResult.set(start);
      DemoProgress progress = DemoProgress.start(out, terminal, 0, "Cluster", total, " results", received::get,
          () -> String.format(Locale.ROOT, "%,d submitted%s", submitted.get(), progressNote));
      ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTING_THREADS, r -> {
        Thread t = new Thread(r, "echo-demo-submit");
        t.setDaemon(true);
        return t;
      });
      try {
        for (int stripe = 0; stripe < SUBMITTING_THREADS; stripe++) {
          int first = stripe;
          submitters.execute(() -> {
            for (int file = first; file < total; file += SUBMITTING_THREADS) {
              submit(file);
            }
          });
        }
        submitters.shutdown();
        if (awaitProgress(third)) {
          long at = System.nanoTime();
          int resultsThen = received.get();
          ClusterMembers.Member victim = members.members().get(VICTIM - 1);
          boolean master = victim.memberId().equals(master());
          boolean ended = members.kill(VICTIM);
          kill = new Kill(victim, master, at - start, resultsThen, ended);
          progressNote = String.format(Locale.ROOT, ", node %d killed at %.1f s", VICTIM, seconds(at - start));
        }
        if (!gaveUp) {
          awaitProgress(all);
        }
        end = System.nanoTime();
        if (kill != null) {
          Long removed = membership.removedAt.get(kill.member().memberId());
          if (removed != null) {
            kill = kill.removedAfter(removed - start - kill.at());
          }
        }
      } finally {
        submitters.shutdownNow();
        progress.close();
        if (terminal) {
          out.println(); // the report starts below the progress line, after a blank line
        }
      }
    }

    /** The id of the cluster's master (its oldest member), which Hazelcast lists first. */
    private String master() {
      return cluster.hazelcast().getCluster().getMembers().iterator().next().getUuid().toString();
    }

    private void submit(int file) {
      EffectHandle<CommonError, Integer> handle = cluster.submit(index, new DemoClusterEffects.IndexFile(file),
          Priority.LOW, SubmitOptions.defaults().withIdempotencyKey(DemoClusterEffects.INDEX + "/" + file));
      handles.set(file, handle);
      submitted.incrementAndGet();
      handle.outcome().thenAccept(outcome -> {
        if (!(outcome instanceof Outcome.Success<?, ?>)) {
          failed.incrementAndGet();
          if (failures.size() < FAILURE_SAMPLES) {
            failures.add(tree.files().get(file).path() + ": " + outcome);
          }
        }
        lastResult.set(System.nanoTime());
        if (received.incrementAndGet() == killAfter) {
          third.countDown();
        }
        all.countDown();
      });
    }

    /** Waits for {@code latch}; false (and {@link #gaveUp}) once no result has come for the stall limit. */
    private boolean awaitProgress(CountDownLatch latch) throws InterruptedException {
      while (!latch.await(1, TimeUnit.SECONDS)) {
        if (System.nanoTime() - lastResult.get() > STALL_LIMIT.toNanos()) {
          gaveUp = true;
          return false;
        }
      }
      return true;
    }

    /** Handles completed so far. */
    int completed() {
      int done = 0;
      for (int i = 0; i < total; i++) {
        EffectHandle<CommonError, Integer> handle = handles.get(i);
        if (handle != null && handle.isDone()) {
          done++;
        }
      }
      return done;
    }

    Result result(List<ClusterMembers.Member> members, ClusterStats stats, long startupNanos, long elapsedNanos,
        ClusterConfig detector) {
      int done = completed();
      List<String> lostFiles = new ArrayList<>();
      for (int i = 0; i < total && lostFiles.size() < FAILURE_SAMPLES; i++) {
        EffectHandle<CommonError, Integer> handle = handles.get(i);
        if (handle == null || !handle.isDone()) {
          lostFiles.add(tree.files().get(i).path() + (handle == null ? " (never submitted)" : ""));
        }
      }
      Map<String, Long> byMember = new LinkedHashMap<>(stats.deliveredBy());
      List<MemberResults> rows = new ArrayList<>();
      for (ClusterMembers.Member m : members) {
        Long count = byMember.remove(m.memberId());
        rows.add(new MemberResults(m.number(), m.address(), m.pid(), m.memberId(), count == null ? 0 : count,
            kill != null && kill.member().number() == m.number()));
      }
      byMember.forEach((id, count) -> rows.add(new MemberResults(0, "?", 0, id, count, false)));
      return new Result(memberCount, total, submitted.get(), done, failed.get(), total - done,
          stats.deliveredAfterFailover(), rows, kill, List.copyOf(failures), List.copyOf(lostFiles), gaveUp,
          Duration.ofNanos(elapsedNanos), Duration.ofNanos(startupNanos), Duration.ofNanos(end - start),
          detector.heartbeatInterval(), detector.maxNoHeartbeat(), log);
    }
  }

  /**
   * The kill of a member.
   *
   * @param member the killed member
   * @param master whether it was the cluster's master (its oldest member) when it was killed
   * @param at when, in nanoseconds after the first submission
   * @param resultsBefore how many results had arrived by then
   * @param ended whether the process had ended within 10 s of the SIGKILL
   * @param removedAfter nanoseconds from the kill until the submitter saw the member removed, or -1
   */
  public record Kill(ClusterMembers.Member member, boolean master, long at, int resultsBefore, boolean ended,
      long removedAfter) {
    Kill(ClusterMembers.Member member, boolean master, long at, int resultsBefore, boolean ended) {
      this(member, master, at, resultsBefore, ended, -1);
    }

    Kill removedAfter(long nanos) {
      return new Kill(member, master, at, resultsBefore, ended, nanos);
    }
  }

  /**
   * The results one member ran, as the submitter counted them.
   *
   * @param number the node's number, or 0 for a member id that is none of the nodes' (a bug)
   * @param address its {@code host:port}
   * @param pid its process id
   * @param memberId its member id
   * @param results the results it ran that reached the submitter
   * @param killed whether it is the member that was killed
   */
  public record MemberResults(int number, String address, long pid, String memberId, long results, boolean killed) {}

  /**
   * What a cluster demo did.
   *
   * @param members how many member processes
   * @param effects effects to submit: one per file
   * @param submitted effects submitted
   * @param completed handles completed, with a result or a failure
   * @param failed of those, outcomes other than a success
   * @param lost handles that never completed (or effects never submitted)
   * @param rerun results of effects that ran more than once, their first member having died while
   *     running them
   * @param byMember the results each member ran, node 1 to N, then any member id that is none of theirs
   * @param kill the kill, or null if the run stalled before it
   * @param failureSamples the first few failures, file and outcome
   * @param lostSamples the first few files whose effect was lost
   * @param gaveUp whether the demo stopped waiting because no result came for {@link #STALL_LIMIT}
   * @param elapsed from the start of the first member to the last result
   * @param startup from the start of the first member until the cluster had formed
   * @param workload from the first submission to the last result
   * @param heartbeatInterval the failure detector's heartbeat interval
   * @param maxNoHeartbeat the failure detector's limit of silence before a member is declared dead
   * @param log the members' output
   */
  public record Result(int members, int effects, int submitted, int completed, int failed, int lost, long rerun,
      List<MemberResults> byMember, Kill kill, List<String> failureSamples, List<String> lostSamples, boolean gaveUp,
      Duration elapsed,
      Duration startup, Duration workload, Duration heartbeatInterval, Duration maxNoHeartbeat, Path log) {

    /**
     * Returns whether the demo succeeded: nothing lost and no failure.
     *
     * @return true when {@code lost} and {@code failed} are 0
     */
    public boolean ok() {
      return lost == 0 && failed == 0;
    }

    /**
     * Formats the report: the kill, the results by member, then the totals.
     *
     * @return the report's lines
     */
    public String report() {
      StringBuilder sb = new StringBuilder();
      String nl = System.lineSeparator();
      if (kill != null) {
        sb.append(String.format(Locale.ROOT, "Killed node %d (pid %d, %s%s) with SIGKILL %.1f s into the workload, "
            + "after %,d of %,d results%s.%n", kill.member().number(), kill.member().pid(), kill.member().address(),
            kill.master() ? ", the cluster's master" : "", seconds(kill.at()), kill.resultsBefore(), effects,
            kill.removedAfter() >= 0
                ? String.format(Locale.ROOT, "; the cluster removed it %.1f s later", seconds(kill.removedAfter()))
                : kill.ended() ? "" : " (its process had not ended 10 s later)"));
      } else {
        sb.append("No member was killed: the workload stalled before a third of the results had arrived.").append(nl);
      }
      sb.append(nl).append("Results by the member that ran them:").append(nl);
      long sum = 0;
      for (MemberResults m : byMember) {
        sum += m.results();
        if (m.number() == 0) {
          sb.append(String.format(Locale.ROOT, "  unknown member %s  %,9d%n", m.memberId(), m.results()));
        } else {
          sb.append(String.format(Locale.ROOT, "  node %d  %-15s  pid %-8d %,9d%s%n", m.number(), m.address(),
              m.pid(), m.results(), m.killed() ? "  killed (SIGKILL)" : ""));
        }
      }
      sb.append(String.format(Locale.ROOT, "  %-37s %,9d%n", "total", sum));
      sb.append(nl);
      sb.append(row("effects submitted", String.format(Locale.ROOT, "%,d of %,d", submitted, effects)));
      sb.append(row("results received", String.format(Locale.ROOT, "%,d", completed)));
      sb.append(row("  re-run after the failover", String.format(Locale.ROOT,
          "%,d (their first member died while running them)", rerun)));
      sb.append(row("  failures", String.format(Locale.ROOT, "%,d", failed)));
      for (String failure : failureSamples) {
        sb.append("      ").append(failure).append(nl);
      }
      sb.append(row("lost", String.format(Locale.ROOT, "%,d%s", lost,
          gaveUp ? String.format(Locale.ROOT, " (no result came for %d s)", STALL_LIMIT.toSeconds()) : "")));
      for (String file : lostSamples) {
        sb.append("      ").append(file).append(nl);
      }
      sb.append(row("elapsed", String.format(Locale.ROOT, "%.1f s (members started in %.1f s, workload %.1f s)",
          seconds(elapsed.toNanos()), seconds(startup.toNanos()), seconds(workload.toNanos()))));
      sb.append(row("failure detector", String.format(Locale.ROOT,
          "a heartbeat every %d s, a member dead after %d s without one", heartbeatInterval.toSeconds(),
          maxNoHeartbeat.toSeconds())));
      sb.append(row("member log", log.toString()));
      return sb.toString();
    }

    private static String row(String name, String value) {
      return String.format(Locale.ROOT, "  %-28s %s%n", name, value);
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
