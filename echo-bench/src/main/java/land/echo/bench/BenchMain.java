package land.echo.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.Profiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The benchmark runner, main class of {@code echo-bench.jar}: runs the suite (or the named
 * benchmarks) through JMH, prints one table of Echo against its anchors with the ratios and
 * targets, and writes the same table, with the machine, the JDK, the JMH settings and the date, to
 * {@code docs/benchmarks.md}. Not instantiable.
 *
 * <p>Usage: {@code java -jar echo-bench.jar [--quick] [--out PATH] [NAME...]}, NAME one of
 * {@link Suite#names()}. {@code --quick} runs the same benchmarks with one fork and fewer
 * iterations. Exit status: 0 when every benchmark produced results, 1 when some did not (the
 * table shows n/a), 2 for bad arguments.
 */
public final class BenchMain {

  /** JVM options of every forked benchmark JVM. */
  static final List<String> JVM_ARGS = List.of(
      "-Xms4g",
      "-Xmx4g",
      "-Djava.util.concurrent.ForkJoinPool.common.parallelism=" + Kinds.workers(),
      "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

  private BenchMain() {}

  /**
   * Runs the suite.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    Arguments arguments;
    try {
      arguments = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("echo bench: " + e.getMessage());
      System.err.println(Arguments.USAGE);
      System.exit(2);
      return;
    }
    if (arguments.help()) {
      System.out.println(Arguments.USAGE);
      return;
    }
    System.exit(run(arguments, System.out));
  }

  static int run(Arguments arguments, PrintStream out) {
    Results results = new Results();
    List<Suite.Bench> failed = new ArrayList<>();
    long started = System.nanoTime();
    String loadBefore = Machine.loadAverage();
    String commit = Machine.commit();
    for (Suite.Bench bench : arguments.benches()) {
      Suite.Settings settings = arguments.quick() ? bench.quick() : bench.full();
      out.println("== echo bench: " + bench.name() + " (" + settings + ")");
      try {
        Collection<RunResult> runs = new Runner(options(bench, settings)).run();
        if (runs.isEmpty()) {
          failed.add(bench);
        }
        results.addAll(runs);
      } catch (RunnerException e) {
        System.err.println("echo bench: " + bench.name() + " failed: " + e.getMessage());
        failed.add(bench);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (Suite.Bench bench : arguments.benches()) {
      rows.addAll(bench.rows().apply(results));
    }
    String table = Table.render(rows);
    out.println();
    out.println(table);
    out.println(Table.summary(rows));
    long seconds = Math.round((System.nanoTime() - started) / 1e9);
    try {
      Files.createDirectories(arguments.out().toAbsolutePath().getParent());
      Files.writeString(arguments.out(), Report.markdown(arguments, rows, Machine.current(), seconds,
          loadBefore, Machine.loadAverage(), commit));
      out.println("Written to " + arguments.out());
    } catch (IOException e) {
      System.err.println("echo bench: cannot write " + arguments.out() + ": " + e.getMessage());
      return 1;
    }
    boolean incomplete = !failed.isEmpty() || rows.stream().anyMatch(r -> r.echo().isEmpty());
    if (incomplete) {
      System.err.println("echo bench: some benchmarks produced no result (see the JMH output above)"
          + (failed.isEmpty() ? "" : ": " + failed.stream().map(Suite.Bench::name).toList()));
    }
    return incomplete ? 1 : 0;
  }

  static org.openjdk.jmh.runner.options.Options options(Suite.Bench bench, Suite.Settings settings) {
    ChainedOptionsBuilder builder = new OptionsBuilder()
        .forks(settings.forks())
        .warmupIterations(settings.warmups())
        .measurementIterations(settings.measurements())
        .jvmArgsAppend(JVM_ARGS.toArray(String[]::new))
        .shouldFailOnError(false);
    for (Class<?> type : bench.classes()) {
      builder.include("^" + Pattern.quote(type.getName()) + "\\.");
    }
    if (settings.seconds() > 0) {
      builder.warmupTime(TimeValue.seconds(settings.seconds())).measurementTime(TimeValue.seconds(settings.seconds()));
    }
    for (Class<? extends Profiler> profiler : bench.profilers()) {
      builder.addProfiler(profiler);
    }
    return builder.build();
  }

  /**
   * The parsed command line.
   *
   * @param quick whether to run the quick settings
   * @param out where to write the Markdown report
   * @param benches the benchmarks to run, in suite order
   * @param help whether only the usage was asked for
   * @param command the command line as given, for the report
   */
  record Arguments(boolean quick, Path out, List<Suite.Bench> benches, boolean help, String command) {

    static final String USAGE = """
        usage: java -jar echo-bench.jar [--quick] [--out PATH] [NAME...]
          --quick     same benchmarks, one fork and fewer iterations (a few minutes)
          --out PATH  where to write the report (default: docs/benchmarks.md in the repository
                      root, found by walking up from the working directory to the dir with mvnw)
          NAME        run only these benchmarks: %s""".formatted(String.join(", ", Suite.names()));

    /** Parses {@code args}; throws IllegalArgumentException naming what is wrong. */
    static Arguments parse(String[] args) {
      boolean quick = false;
      Path out = null;
      Set<String> names = new LinkedHashSet<>();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--quick" -> quick = true;
          case "-h", "--help" -> {
            return new Arguments(false, Path.of("."), List.of(), true, "");
          }
          case "--out" -> {
            if (i + 1 >= args.length || args[i + 1].isBlank()) {
              throw new IllegalArgumentException("--out needs a path");
            }
            out = Path.of(args[++i]);
          }
          default -> {
            if (arg.startsWith("-")) {
              throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
            if (Suite.byName(arg).isEmpty()) {
              throw new IllegalArgumentException(
                  "unknown benchmark '" + arg + "'; choose from " + String.join(", ", Suite.names()));
            }
            names.add(arg);
          }
        }
      }
      if (out == null) {
        out = repositoryRoot()
            .orElseThrow(() -> new IllegalArgumentException(
                "cannot find the repository root (no mvnw in the working directory or above); pass --out PATH"))
            .resolve("docs").resolve("benchmarks.md");
      }
      List<Suite.Bench> benches = names.isEmpty()
          ? Suite.ALL
          : Suite.ALL.stream().filter(b -> names.contains(b.name())).toList();
      return new Arguments(quick, out, benches, false, String.join(" ", args));
    }

    private static Optional<Path> repositoryRoot() {
      for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve("mvnw"))) {
          return Optional.of(dir);
        }
      }
      return Optional.empty();
    }
  }

  static String now() {
    return ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
  }
}
