package land.echo.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code echoctl} command: the entry point of the CLI, dispatching to its subcommands
 * ({@code demo}). The {@code ./echoctl} launcher routes {@code echoctl bench} to the echo-bench
 * module before this class is involved.
 *
 * <p>Named {@code echoctl} rather than {@code echo}, which is a shell builtin: a hint such as
 * "Try 'echo demo --help'" would have printed {@code demo --help} instead of running anything.
 *
 * <p>Not thread-safe; picocli runs one command per invocation.
 */
@Command(
    name = "echoctl",
    mixinStandardHelpOptions = true,
    version = "echoctl 0.1.0-SNAPSHOT",
    description = "Echo: declarative effects on a priority-aware work-stealing scheduler.",
    footer = {"",
        "./echoctl bench [--update-docs] [ARGS...] runs the JMH benchmarks (echo-bench).",
        "It writes its report to echo-bench/target/benchmarks.md, and with --update-docs",
        "also to docs/benchmarks.md; ./echoctl bench --help lists its options."})
public final class EchoCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /** Creates the top-level command; subcommands are added by {@link #commandLine}. */
  public EchoCommand() {}

  /** Fails with a usage error: a subcommand is required. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing command: try 'echoctl demo' or 'echoctl demo --help'");
  }

  /**
   * Builds the command line with its subcommands.
   *
   * @param terminal whether standard output is an interactive terminal (progress redraws in place)
   * @param javaHome the running JDK's home, where {@code lib/src.zip} is looked for
   * @param echoHome this repository's checkout, the fallback sources, if known
   * @return the configured picocli command line, ready to execute
   */
  public static CommandLine commandLine(boolean terminal, Path javaHome, Optional<Path> echoHome) {
    CommandLine cli = new CommandLine(new EchoCommand());
    cli.addSubcommand("demo", new DemoCommand(terminal, javaHome, echoHome));
    cli.addSubcommand("dashboard", new DashboardCommand());
    cli.addSubcommand("node", new NodeCommand(javaHome));
    cli.setParameterExceptionHandler(EchoCommand::usageError);
    return cli;
  }

  /** Prints a usage error as one line naming the problem plus a pointer to --help; returns 2. */
  private static int usageError(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println("echoctl: " + e.getMessage());
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * Runs the CLI and exits with its exit code (2 for bad arguments).
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    Optional<Path> echoHome = Optional.ofNullable(System.getProperty("echo.home")).map(Path::of);
    Path javaHome = Path.of(System.getProperty("java.home"));
    System.exit(commandLine(isTerminal(), javaHome, echoHome).execute(args));
  }

  /** Returns whether standard output is an interactive terminal. */
  static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    // Since JDK 22 System.console() exists even when output is redirected; isTerminal() tells.
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
