package land.echo.cli.demo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import land.echo.observability.NameTags;
import land.echo.observability.micrometer.EchoMeters;
import land.echo.spi.OutcomeKind;

/**
 * Reads the Echo run's figures from its Micrometer meters ({@link EchoMeters}), so that the report
 * of the Echo run counts what the runtime measured, not what the demo counted on the side.
 *
 * <p>Thread-safe: it only reads the registry.
 */
public final class DemoMetrics {
  /** The effect name of indexing one file. */
  static final String INDEX = "index.file";
  /** The effect name of a symbol-service request. */
  static final String SERVICE = "symbols.resolve";

  private final MeterRegistry registry;

  /**
   * Creates a reader of {@code registry}.
   *
   * @param registry the registry the Echo run's meters are in
   */
  public DemoMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Returns the demo's declared effect names: every name its effects use, and nothing else.
   *
   * @return the name tags
   */
  public static NameTags names() {
    List<String> names = new ArrayList<>(List.of(INDEX, SERVICE));
    for (InteractiveQuery.Kind kind : InteractiveQuery.Kind.values()) {
      names.add(queryName(kind));
    }
    return NameTags.declared(names, 0);
  }

  /** The effect name of a query of {@code kind}. */
  static String queryName(InteractiveQuery.Kind kind) {
    return "query." + kind.name().toLowerCase(Locale.ROOT);
  }

  /** Completed root effects named {@code name} with outcome {@code kind}. */
  long executions(String name, OutcomeKind kind) {
    double sum = 0;
    for (Counter c : registry.find(EchoMeters.EXECUTIONS).tags("name", name, "outcome", kind.tag()).counters()) {
      sum += c.count();
    }
    return (long) sum;
  }

  /** Completed root effects named {@code name}, whatever their outcome. */
  long executions(String name) {
    double sum = 0;
    for (Counter c : registry.find(EchoMeters.EXECUTIONS).tags("name", name).counters()) {
      sum += c.count();
    }
    return (long) sum;
  }

  /** Completed queries of every kind with outcome {@code kind}. */
  long queries(OutcomeKind kind) {
    long sum = 0;
    for (InteractiveQuery.Kind q : InteractiveQuery.Kind.values()) {
      sum += executions(queryName(q), kind);
    }
    return sum;
  }

  /** Completed queries of every kind. */
  long queries() {
    long sum = 0;
    for (InteractiveQuery.Kind q : InteractiveQuery.Kind.values()) {
      sum += executions(queryName(q));
    }
    return sum;
  }

  /** Failed attempts that were retried in effects named {@code name}. */
  long retries(String name) {
    double sum = 0;
    for (Counter c : registry.find(EchoMeters.RETRIES).tags("name", name).counters()) {
      sum += c.count();
    }
    return (long) sum;
  }

  /**
   * Returns {@code counted} with every per-effect figure replaced by what the meters recorded:
   * files indexed and indexing errors, queries answered, timed out and failed, service calls and
   * service errors. Latencies (which the demo splits by indexing phase) and the units of work
   * submitted and completed (the demo's own accounting, which checks that nothing is lost) stay.
   *
   * @param counted the result built from the demo's counters
   * @return the result the report prints
   */
  public WorkloadResult apply(WorkloadResult counted) {
    long indexed = executions(INDEX, OutcomeKind.SUCCESS);
    long indexingErrors = executions(INDEX) - indexed - executions(INDEX, OutcomeKind.CANCELLED);
    long answered = queries(OutcomeKind.SUCCESS);
    long timeouts = queries(OutcomeKind.TIMED_OUT);
    long serviceCompleted = executions(SERVICE);
    return new WorkloadResult(counted.label(), counted.parallelism(), counted.elapsed(), counted.indexingTime(),
        counted.filesTotal(), indexed, indexingErrors, counted.bytesRead(), counted.distinctTokens(),
        counted.queries(), answered, timeouts, queries() - answered - timeouts,
        counted.latency(), counted.latencyWhileIndexing(), counted.latencyAfterIndexing(),
        counted.serviceRequests(), serviceCompleted + retries(SERVICE),
        serviceCompleted - executions(SERVICE, OutcomeKind.SUCCESS),
        counted.submitted(), counted.completed(), counted.cancelledAtShutdown());
  }
}
