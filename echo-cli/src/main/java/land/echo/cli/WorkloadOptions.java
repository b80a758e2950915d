package land.echo.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options that choose the demo's workload, shared by {@code echoctl demo}, {@code echoctl
 * dashboard} and {@code echoctl node} (a picocli mixin). Not thread-safe; picocli fills it once per invocation.
 */
final class WorkloadOptions {
  @Option(names = "--source", paramLabel = "PATH",
      description = "A directory or .zip of Java sources to index (default: <java.home>/lib/src.zip).")
  Path source;

  @Option(names = "--workers", paramLabel = "N",
      description = "Worker threads (default: available processors, at least 2).")
  Integer workers;
}
