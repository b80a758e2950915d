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
 * {@code echo-bench/target/benchmarks.md}, and to the committed {@code docs/benchmarks.md} only
 * when asked with {@code --update-docs}. Not instantiable.
 *
 * <p>Usage: {@code ./echoctl bench [--quick] [--update-docs] [--out PATH] [NAME...]} (the launcher
 * runs {@code java -jar echo-bench.jar} with the same arguments), NAME one of
 * {@link Suite#names()}. {@code --quick} runs the same benchmarks with one fork and fewer
 * iterations. Exit status: 0 when every benchmark produced results, 1 when some did not (the
 * table shows n/a), 2 for bad arguments.
 */
public final class BenchMain {

  /**
   * JVM options of every forked benchmark JVM. {@code AlwaysPreTouch} faults the whole heap in
   * before the first iteration: without it, on this kind of virtual machine, a 4 GiB heap's young
   * generation is still being touched for the first time through every iteration of a benchmark
   * that allocates, and the first touch of a page costs far more than the work measured (a {@code
   * flatMap} chain of depth 1,000 measured 151 us per operation without it and 25 us with a small
   * heap, the same code), so such benchmarks measured page faults in proportion to bytes allocated,
   * with run-to-run spreads of 10x.
   */
  static final List<String> JVM_ARGS = List.of(
      "-Xms4g",
      "-Xmx4g",
      "-XX:+AlwaysPreTouch",
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
      System.err.println("echoctl bench: " + e.getMessage());
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
      out.println("== echoctl bench: " + bench.name() + " (" + settings + ")");
      try {
        Collection<RunResult> runs = new Runner(options(bench, settings)).run();
        if (runs.isEmpty()) {
          failed.add(bench);
        }
        results.addAll(runs);
      } catch (RunnerException e) {
        System.err.println("echoctl bench: " + bench.name() + " failed: " + e.getMessage());
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
    String report = Report.markdown(arguments, rows, Machine.current(), seconds, loadBefore, Machine.loadAverage(),
        commit);
    for (Path target : arguments.targets()) {
      try {
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.writeString(target, report);
        out.println("Written to " + target);
      } catch (IOException e) {
        System.err.println("echoctl bench: cannot write " + target + ": " + e.getMessage());
        return 1;
      }
    }
    if (arguments.docs().isEmpty()) {
      out.println("docs/benchmarks.md is unchanged; pass --update-docs to replace it with this report.");
    }
    boolean incomplete = !failed.isEmpty() || rows.stream().anyMatch(r -> r.echo().isEmpty());
    if (incomplete) {
      System.err.println("echoctl bench: some benchmarks produced no result (see the JMH output above)"
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
   * @param docs the committed report to replace as well ({@code --update-docs}), if asked
   * @param benches the benchmarks to run, in suite order
   * @param help whether only the usage was asked for
   * @param command the command line as given, for the report
   */
  record Arguments(
      boolean quick, Path out, Optional<Path> docs, List<Suite.Bench> benches, boolean help, String command) {

    static final String USAGE = """
        usage: ./echoctl bench [--quick] [--update-docs] [--out PATH] [NAME...]
               (or java -jar echo-bench/target/echo-bench.jar with the same arguments)
          --quick        same benchmarks, one fork and fewer iterations (a few minutes)
          --update-docs  also replace the committed docs/benchmarks.md with the report
          --out PATH     where to write the report (default: echo-bench/target/benchmarks.md in the
                         repository root, found by walking up from the working directory to the
                         directory with mvnw)
          NAME           run only these benchmarks: %s""".formatted(String.join(", ", Suite.names()));

    /** Returns every file the report is written to: {@link #out()}, then {@link #docs()} if asked. */
    List<Path> targets() {
      return docs.filter(d -> !d.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize()))
          .map(d -> List.of(out, d)).orElse(List.of(out));
    }

    /** Parses {@code args}; throws IllegalArgumentException naming what is wrong. */
    static Arguments parse(String[] args) {
      boolean quick = false;
      boolean updateDocs = false;
      Path out = null;
      Set<String> names = new LinkedHashSet<>();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--quick" -> quick = true;
          case "--update-docs" -> updateDocs = true;
          case "-h", "--help" -> {
            return new Arguments(false, Path.of("."), Optional.empty(), List.of(), true, "");
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
      Optional<Path> root = repositoryRoot();
      if (out == null) {
        out = root.orElseThrow(() -> new IllegalArgumentException(
                "cannot find the repository root (no mvnw in the working directory or above); pass --out PATH"))
            .resolve("echo-bench").resolve("target").resolve("benchmarks.md");
      }
      Optional<Path> docs = Optional.empty();
      if (updateDocs) {
        docs = Optional.of(root.orElseThrow(() -> new IllegalArgumentException(
                "--update-docs: cannot find the repository root (no mvnw in the working directory or above)"))
            .resolve("docs").resolve("benchmarks.md"));
      }
      List<Suite.Bench> benches = names.isEmpty()
          ? Suite.ALL
          : Suite.ALL.stream().filter(b -> names.contains(b.name())).toList();
      return new Arguments(quick, out, docs, benches, false, String.join(" ", args));
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
