package land.echo.cluster;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.CommonError;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;

/**
 * A cluster member in its own JVM, for the tests that kill members: {@code TestNode clusterName
 * port member,member,...}. Serves {@link #register}'s effects and prints {@code READY <id>} once
 * joined; runs until killed, or until its standard input closes (then it leaves gracefully).
 */
public final class TestNode {
  /** Arguments of "work.step": a step number and how long the step works. */
  public record Step(int n, int workMillis) {}

  /** Every member's registrations. */
  static void register(EffectRegistry registry) {
    registry.register("work.step", Step.class, step -> ActionEffect.<CommonError, String>blocking(token -> {
      // Real time on purpose: this is a member JVM's work in a test that SIGKILLs member processes
      // mid-run; a virtual clock cannot span processes, and the work must be running when the kill lands.
      Thread.sleep(step.workMillis());
      return step.n() + ":" + System.nanoTime();
    }));
  }

  public static void main(String[] args) throws Exception {
    String clusterName = args[0];
    int port = Integer.parseInt(args[1]);
    List<String> members = Arrays.asList(args[2].split(","));
    EffectRegistry registry = new EffectRegistry();
    register(registry);
    ApplicationRuntime runtime = ApplicationRuntime.builder()
        .scheduler(EchoScheduler.create(SchedulerConfig.builder().workers(2).build()))
        .build();
    EchoCluster cluster = EchoCluster.start(runtime, registry, ClusterConfig.builder().clusterName(clusterName)
        .port(port).members(members).sweepInterval(Duration.ofMillis(50))
        .failureDetector(Duration.ofSeconds(1), Duration.ofSeconds(3)).build());
    System.out.println("READY " + cluster.memberId());
    System.out.flush();
    CountDownLatch stdinClosed = new CountDownLatch(1);
    Thread.ofPlatform().daemon().start(() -> {
      try {
        while (System.in.read() >= 0) {
          // wait for the end of input
        }
      } catch (Exception e) {
        // treat as closed
      }
      stdinClosed.countDown();
    });
    stdinClosed.await();
    cluster.close();
    runtime.close();
    System.out.println("LEFT " + cluster.stats());
    System.exit(0);
  }
}
