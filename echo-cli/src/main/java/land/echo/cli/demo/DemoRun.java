package land.echo.cli.demo;

import java.util.Objects;

/**
 * Everything one demo run works on: the sources, the index being built, the flaky service, the
 * live counters and the settings.
 *
 * <p>Immutable holder of thread-safe parts; thread-safe.
 *
 * @param tree the sources to index
 * @param index the index the run builds and queries
 * @param service the flaky symbol service the run calls
 * @param counters the run's live counters
 * @param settings the shape of the run
 */
public record DemoRun(
    SourceTree tree, SourceIndex index, FlakySymbolService service, DemoCounters counters, WorkloadSettings settings) {

  /** Validates the components. */
  public DemoRun {
    Objects.requireNonNull(tree, "tree");
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(counters, "counters");
    Objects.requireNonNull(settings, "settings");
  }

  /**
   * Returns the retries made so far: service calls beyond each request's first attempt.
   *
   * @return the number of retries so far
   */
  public long retriesSoFar() {
    return Math.max(0, service.calls() - counters.serviceRequests.sum());
  }
}
