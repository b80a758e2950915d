package land.echo.cli.demo;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.CommonError;
import land.echo.Effects;
import land.echo.Environment;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.jfr.JfrListener;
import land.echo.observability.micrometer.EchoMeters;
import land.echo.ShutdownReport;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;

/**
 * The demo workload on one Echo {@link ApplicationRuntime} over an {@link EchoScheduler}: indexing
 * at LOW priority (a blocking read on a virtual thread, then CPU-bound tokenizing on a worker),
 * interactive queries at HIGH priority under {@code submitWithTimeout}, and symbol-service
 * requests at NORMAL priority through {@code retry}, a circuit breaker and a rate limit ({@link
 * ServiceGuard}).
 *
 * <p>The sources, the index and the service are capabilities registered on the runtime's
 * {@link Environment}; the effects name the capability they need and receive it when they run.
 *
 * <p>Not thread-safe to run twice; see {@link Workload}.
 */
public final class EchoWorkload extends Workload {
  /** Constructors for the indexing and query effects, whose domain error is a {@link CommonError}. */
  private static final Effects<CommonError> IO = Effects.failingWith(CommonError.class);
  /** Constructors for the symbol-service effects, whose domain error is a {@link ServiceFailure}. */
  private static final Effects<ServiceFailure> SERVICE = Effects.failingWith(ServiceFailure.class);

  private final ApplicationRuntime runtime;
  /** The meters the report is read from. */
  private final SimpleMeterRegistry reportRegistry = new SimpleMeterRegistry();
  private final List<EchoMeters> meters = new ArrayList<>();
  private final ServiceGuard guard;
  private volatile ShutdownReport shutdownReport;

  /**
   * Creates the workload, its scheduler of {@code run.settings().parallelism()} workers and its
   * runtime.
   *
   * @param run the run's sources, index, counters and settings
   */
  public EchoWorkload(DemoRun run) {
    this(run, null, false);
  }

  /**
   * Creates the workload with its meters also registered in {@code exported} (the registry a
   * Prometheus endpoint serves; null for none) and, if {@code jfr}, a {@link JfrListener}.
   *
   * @param run the run's sources, index, counters and settings
   * @param exported a registry to register the runtime's meters in too, or null
   * @param jfr whether to commit JFR events per effect
   */
  public EchoWorkload(DemoRun run, MeterRegistry exported, boolean jfr) {
    this(run, exported, jfr, null);
  }

  /**
   * Creates the workload as {@link #EchoWorkload(DemoRun, MeterRegistry, boolean)} does, and, if
   * {@code dashboard} is not null, registers its observatory and starts it on this runtime.
   *
   * @param run the run's sources, index, counters and settings
   * @param exported a registry to register the runtime's meters in too, or null
   * @param jfr whether to commit JFR events per effect
   * @param dashboard the live dashboard to serve this run on, or null
   */
  public EchoWorkload(DemoRun run, MeterRegistry exported, boolean jfr, DemoDashboard dashboard) {
    super(run);
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder()
        .workers(run.settings().parallelism())
        .threadNamePrefix("echo-demo-worker-")
        .build());
    Environment environment = Environment.builder()
        .with(SourceTree.class, run.tree())
        .with(SourceIndex.class, run.index())
        .with(FlakySymbolService.class, run.service())
        .build();
    ApplicationRuntime.Builder builder = ApplicationRuntime.builder().environment(environment).scheduler(scheduler);
    meters.add(EchoMeters.builder(reportRegistry).names(DemoMetrics.names()).scheduler(scheduler).build());
    if (exported != null) {
      meters.add(EchoMeters.builder(exported).names(DemoMetrics.names()).scheduler(scheduler).build());
    }
    meters.forEach(builder::listener);
    if (jfr) {
      builder.listener(JfrListener.create());
    }
    if (dashboard != null) {
      builder.listener(dashboard.observatory());
    }
    this.runtime = builder.build();
    this.guard = new ServiceGuard(run.settings(), runtime.clock());
    if (dashboard != null) {
      try {
        dashboard.start(runtime, guard);
      } catch (RuntimeException e) {
        runtime.close(); // nothing was submitted yet: stop its threads before reporting
        throw e;
      }
    }
  }

  @Override
  public String label() {
    return "Echo";
  }

  /**
   * Returns the runtime's shutdown report once {@link #run()} has returned, else null.
   *
   * @return the shutdown report, or null while the run is in progress
   */
  public ShutdownReport shutdownReport() {
    return shutdownReport;
  }

  /**
   * Returns the circuit breaker and rate limit around the symbol service (for the report).
   *
   * @return the service's guard
   */
  public ServiceGuard serviceGuard() {
    return guard;
  }

  /**
   * Returns the runtime this workload runs on (for its statistics).
   *
   * @return the workload's runtime
   */
  public ApplicationRuntime runtime() {
    return runtime;
  }

  /** The effect that indexes one file: a blocking read, then tokenizing and indexing on a worker. */
  static ActionEffect<CommonError, Integer> indexFile(SourceFile file, DemoCounters counters) {
    return IO.blocking(SourceTree.class, (tree, token) -> tree.read(file))
        .catching(IOException.class, e -> CommonError.fromIOException(e, file.path(), "read"))
        .flatMap(bytes -> {
          counters.bytesRead.add(bytes.length);
          return IO.compute(SourceIndex.class, (index, token) -> {
            Map<String, Integer> counts = JavaTokenizer.identifierCounts(new String(bytes, StandardCharsets.UTF_8));
            index.add(file, counts);
            return counts.size();
          });
        })
        .named(DemoMetrics.INDEX);
  }

  /** The effect that runs one interactive query against the index. */
  static ActionEffect<CommonError, Integer> query(InteractiveQuery query) {
    return IO.compute(SourceIndex.class, (index, token) -> query.runOn(index))
        .named(DemoMetrics.queryName(query.kind()));
  }

  /** The effect that makes one symbol-service call, its failure a domain error. */
  static ActionEffect<ServiceFailure, String> resolve(String symbol) {
    return SERVICE.compute(
            FlakySymbolService.class, (service, token) -> service.resolve(symbol))
        .catching(ServiceUnavailableException.class, e -> new ServiceFailure(FlakySymbolService.NAME, e.getMessage()))
        .named(DemoMetrics.SERVICE);
  }

  /** The report's per-effect figures come from the runtime's meters (see {@link DemoMetrics}). */
  @Override
  protected WorkloadResult finish(WorkloadResult counted) {
    return new DemoMetrics(reportRegistry).apply(counted);
  }

  @Override
  protected void submitIndexing(SourceFile file, Runnable done) {
    runtime.submit(indexFile(file, counters), Priority.LOW).outcome().whenComplete((outcome, failure) -> {
      switch (outcome) {
        case Outcome.Success<CommonError, Integer> s -> counters.filesIndexed.increment();
        case Outcome.Faulted<CommonError, Integer>(Fault.Cancelled c) -> counters.indexingCancelled.increment();
        case null, default -> counters.indexingErrors.increment();
      }
      done.run();
    });
  }

  @Override
  protected void submitQuery(InteractiveQuery query, long submitNanos, boolean whileIndexing) {
    runtime.submitWithTimeout(query(query), run.settings().queryTimeout(), Priority.HIGH).outcome()
        .whenComplete((outcome, failure) -> {
          recordQueryLatency(submitNanos, whileIndexing);
          switch (outcome) {
            case Outcome.Success<CommonError, Integer> s -> counters.queriesAnswered.increment();
            case Outcome.Faulted<CommonError, Integer>(Fault.TimedOut t) -> counters.queryTimeouts.increment();
            case null, default -> counters.queryErrors.increment();
          }
          unitDone();
        });
  }

  @Override
  protected void submitServiceRequest(String symbol) {
    runtime.submit(guard.guard(resolve(symbol)), Priority.NORMAL).outcome()
        .whenComplete((outcome, failure) -> {
          if (outcome != null && outcome.isSuccess()) {
            counters.serviceSucceeded.increment();
          } else {
            counters.serviceErrors.increment();
          }
          unitDone();
        });
  }

  @Override
  protected long shutdown(Duration grace) {
    ShutdownReport report = runtime.shutdown(grace);
    shutdownReport = report;
    meters.forEach(EchoMeters::close); // the scheduler is gone; the effect meters stay
    return report.cancelled();
  }
}
