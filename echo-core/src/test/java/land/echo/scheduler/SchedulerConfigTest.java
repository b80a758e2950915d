package land.echo.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SchedulerConfigTest {

  @Test
  void defaultsUseAtLeastTwoWorkersAndTheDocumentedFairnessInterval() {
    SchedulerConfig config = SchedulerConfig.defaults();

    assertThat(config.workers())
        .isEqualTo(Math.max(2, Runtime.getRuntime().availableProcessors()))
        .isGreaterThanOrEqualTo(2);
    assertThat(config.starvationInterval()).isEqualTo(61);
    assertThat(config.blockingLimit()).isZero();
    assertThat(config.namedQueues()).isEmpty();
    assertThat(config.threadNamePrefix()).isEqualTo("echo-worker-");
  }

  @Test
  void spinBeforeParkDefaultsTo50MicrosecondsOnAMultiprocessorAndIsValidated() {
    Duration expected = Runtime.getRuntime().availableProcessors() > 1 ? Duration.ofNanos(50_000) : Duration.ZERO;
    assertThat(SchedulerConfig.defaults().spinBeforePark()).isEqualTo(expected).isEqualTo(SchedulerConfig.DEFAULT_SPIN_BEFORE_PARK);
    assertThat(SchedulerConfig.builder().spinBeforePark(Duration.ZERO).build().spinBeforePark()).isZero();
    assertThat(SchedulerConfig.builder().spinBeforePark(Duration.ofMillis(10)).build().spinBeforePark())
        .isEqualTo(SchedulerConfig.MAX_SPIN_BEFORE_PARK);

    assertThatThrownBy(() -> SchedulerConfig.builder().spinBeforePark(Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spinBeforePark must be between 0 and PT0.01S, was PT-0.000000001S");
    assertThatThrownBy(() -> SchedulerConfig.builder().spinBeforePark(Duration.ofMillis(10).plusNanos(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spinBeforePark must be between 0 and PT0.01S, was PT0.010000001S");
    assertThatThrownBy(() -> SchedulerConfig.builder().spinBeforePark(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("spinBeforePark");
  }

  @Test
  void aSchedulerReportsTheConfigurationItWasCreatedWith() throws InterruptedException {
    SchedulerConfig config = SchedulerConfig.builder().workers(1).spinBeforePark(Duration.ZERO).build();
    EchoScheduler scheduler = EchoScheduler.create(config);
    try {
      assertThat(scheduler.config()).isSameAs(config);
    } finally {
      scheduler.shutdownNow();
      assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void oneWorkerIsAllowed() {
    assertThat(SchedulerConfig.builder().workers(1).build().workers()).isEqualTo(1);
  }

  @Test
  void zeroOrNegativeWorkersAreRejectedNamingTheSetting() {
    assertThatThrownBy(() -> SchedulerConfig.builder().workers(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workers must be between 1 and 65534 (MAX_WORKERS), was 0");
    assertThatThrownBy(() -> SchedulerConfig.builder().workers(-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workers must be between 1 and 65534 (MAX_WORKERS), was -3");
  }

  @Test
  void tooManyWorkersAreRejectedByTheBuilderNamingTheRange() {
    assertThatThrownBy(() -> SchedulerConfig.builder().workers(100_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workers must be between 1 and 65534 (MAX_WORKERS), was 100000");
    assertThat(SchedulerConfig.builder().workers(SchedulerConfig.MAX_WORKERS).build().workers())
        .isEqualTo(65_534);
    assertThatThrownBy(() -> SchedulerConfig.builder().workers(SchedulerConfig.MAX_WORKERS + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void maxWorkersIsWhatTheIdleWordCanCount() {
    assertThat(new IdleWorkers(SchedulerConfig.MAX_WORKERS).parkedCount()).isZero();
  }

  @Test
  void negativeBlockingLimitAndNonPositiveStarvationIntervalAreRejected() {
    assertThatThrownBy(() -> SchedulerConfig.builder().blockingLimit(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blockingLimit must be >= 0");
    assertThatThrownBy(() -> SchedulerConfig.builder().starvationInterval(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("starvationInterval must be >= 1, was 0");
  }

  @Test
  void namedQueuesAreValidatedAndKeptInDeclarationOrder() {
    SchedulerConfig config =
        SchedulerConfig.builder().namedQueue("db", 4).namedQueue("files", 1).build();
    assertThat(config.namedQueues()).containsExactly(
        java.util.Map.entry("db", 4), java.util.Map.entry("files", 1));

    assertThatThrownBy(() -> SchedulerConfig.builder().namedQueue("db", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("named queue 'db' limit must be >= 1, was 0");
    assertThatThrownBy(() -> SchedulerConfig.builder().namedQueue("db", 1).namedQueue("db", 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("named queue 'db' is already declared");
    assertThatThrownBy(() -> SchedulerConfig.builder().namedQueue(" ", 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("named queue name must not be blank");
  }

  @Test
  void unknownNamedQueueIsAnErrorNamingIt() {
    EchoScheduler scheduler =
        EchoScheduler.create(SchedulerConfig.builder().workers(1).namedQueue("db", 2).build());
    try {
      assertThatThrownBy(() -> scheduler.queue("files"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unknown named queue 'files'")
          .hasMessageContaining("[db]");
      assertThat(scheduler.queue("db").limit()).isEqualTo(2);
    } finally {
      scheduler.shutdownNow();
    }
  }

  /**
   * The default uncaught-task handler hands the failure to the calling thread's own uncaught
   * exception handler, with that thread, and returns normally (the thread survives). Mutation: the
   * call to the thread's handler removed (the failure vanishes).
   */
  @Test
  void theDefaultUncaughtTaskHandlerHandsTheFailureToTheThreadsHandler() throws Exception {
    RuntimeException failure = new IllegalStateException("task bug");
    Runnable task = () -> { };
    CompletableFuture<Thread> handledOn = new CompletableFuture<>();
    CompletableFuture<Throwable> handled = new CompletableFuture<>();
    AtomicBoolean returned = new AtomicBoolean();
    Thread thread = Thread.ofPlatform().name("uncaught-handler-test").unstarted(() -> {
      SchedulerConfig.defaults().uncaughtTaskHandler().accept(task, failure);
      returned.set(true);
    });
    thread.setUncaughtExceptionHandler((t, e) -> {
      handledOn.complete(t);
      handled.complete(e);
    });
    thread.start();
    assertThat(thread.join(java.time.Duration.ofSeconds(2))).as("the thread ended").isTrue();

    assertThat(handled).as("the thread's handler received the failure").isCompletedWithValue(failure);
    assertThat(handledOn.get(0, TimeUnit.SECONDS)).isSameAs(thread);
    assertThat(returned).as("the handler returned normally").isTrue();
  }

  /** {@code toString()} names every setting but the handler. Mutation: it returns "". */
  @Test
  void toStringNamesEverySetting() {
    SchedulerConfig config = SchedulerConfig.builder().workers(3).blockingLimit(7).starvationInterval(11)
        .namedQueue("db", 2).threadNamePrefix("pool-").spinBeforePark(Duration.ofMillis(2)).build();

    assertThat(config).hasToString("SchedulerConfig[workers=3, blockingLimit=7, starvationInterval=11, "
        + "namedQueues={db=2}, threadNamePrefix=pool-, spinBeforePark=PT0.002S]");
  }
}
