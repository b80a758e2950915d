package land.echo.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code echoctl dashboard}: the demo with its live dashboard, serving until Ctrl-C (the same as
 * {@code echoctl demo --dashboard --linger}); its {@code --help} documents the dashboard.
 *
 * <p>Not thread-safe; picocli runs one command per invocation.
 */
@Command(
    name = "dashboard",
    header = "Runs the demo with Echo's live dashboard, serving until Ctrl-C.",
    description = {
        "Runs the demo's workload (see 'echoctl demo --help') with a live web",
        "dashboard of its Echo runtime, prints the page's address and a control",
        "token, and keeps serving after the report until Ctrl-C: the same as",
        "'echoctl demo --dashboard --linger'.",
        "",
        "The page (served from the jar, nothing from the internet) shows, live:",
        "  throughput per priority and completions by outcome kind, as charts;",
        "  per effect name, p50/p99/max of queue wait and of run time;",
        "  the scheduler: queued per priority, busy and parked workers, steals,",
        "    the blocking lane, each named queue against its limit;",
        "  effects in flight (name, priority, age, attempt), each cancellable;",
        "  the circuit breaker and rate limit around the demo's flaky service;",
        "  the latest failures with their text.",
        "",
        "Paste the printed token into the page to enable its controls. Scripts",
        "get the same data and controls (controls need the header",
        "'Authorization: Bearer <token>'; JSON shapes in docs/dashboard.md):",
        "  GET  /api/snapshot                 everything the page shows",
        "  GET  /api/events                   the same, as Server-Sent Events",
        "  POST /api/effects/{id}/cancel      cancel an effect in flight",
        "  POST /api/breakers/{name}/state    {\"state\": \"OPEN\"}, \"CLOSED\", ...",
        "  POST /api/queues/{name}/drain      pause a named queue (or /resume)",
        "  POST /api/bulkheads/{name}/drain   refuse new calls (or /resume)",
        "It listens on 127.0.0.1 only. In an application of your own, start it",
        "with EchoDashboard.start(runtime, config) from the echo-dashboard module",
        "(README, 'Live dashboard').",
        ""})
public final class DashboardCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--port", paramLabel = "N", description = "The dashboard's port on 127.0.0.1 (default: a free one).")
  Integer port;

  @Option(names = "--seconds", paramLabel = "N", defaultValue = "60",
      description = "How long the workload runs before the report, in seconds (default ${DEFAULT-VALUE}).")
  int seconds;

  @Mixin
  WorkloadOptions options = new WorkloadOptions();

  /** Creates the command. */
  public DashboardCommand() {}

  /** Runs {@code echoctl demo --dashboard --linger} with this command's options. */
  @Override
  public Integer call() {
    List<String> args = new ArrayList<>(List.of("demo", "--dashboard", "--linger", "--seconds", Integer.toString(seconds)));
    if (port != null) {
      args.addAll(List.of("--port", port.toString()));
    }
    if (options.source != null) {
      args.addAll(List.of("--source", options.source.toString()));
    }
    if (options.workers != null) {
      args.addAll(List.of("--workers", options.workers.toString()));
    }
    return spec.commandLine().getParent().execute(args.toArray(String[]::new));
  }
}
