package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import org.junit.jupiter.api.Test;

class CancelReproTest {
  @Test
  void repeat() throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(Long.getLong("repro.seconds", 120)).toNanos();
    int i = 0;
    while (System.nanoTime() < end) {
      i++;
      ApplicationRuntime runtime = ApplicationRuntime.create(Environment.empty(),
          EchoScheduler.create(SchedulerConfig.builder().workers(1).blockingLimit(1).build()));
      try {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger secondRan = new AtomicInteger();
        runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
          holding.countDown();
          release.await();
          return 1;
        }));
        TestRuntimes.awaitPromptly(holding, "holding");
        EffectHandle<String, Integer> waiting = runtime.submit(ActionEffect.<String, Integer>blocking(token -> {
          secondRan.incrementAndGet();
          return 2;
        }).ensuring(() -> secondRan.addAndGet(100)));
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.scheduler().stats().completed() == 2 && runtime.scheduler().stats().queued(Priority.NORMAL) == 1);
        waiting.cancel();
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.scheduler().stats().queued(Priority.NORMAL) == 0);
        int iteration = i;
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(secondRan).as("iteration " + iteration + " stats " + runtime.scheduler().stats()).hasValue(100));
        release.countDown();
        assertThat(TestRuntimes.runPromptly(runtime, ActionEffect.<String, Integer>blocking(token -> 3))).isEqualTo(new Outcome.Success<>(3));
      } finally {
        runtime.shutdown(Duration.ZERO);
      }
    }
    System.out.println("iterations: " + i);
  }
}
