package land.echo.cli.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The member processes of {@code echoctl demo --cluster N}: N {@code echoctl node} JVMs on
 * 127.0.0.1, each on a free port, joined into a cluster whose name no other run uses.
 *
 * <p>Their output (standard output and error) goes to one log file, each line prefixed with the
 * node's number and the seconds since the first member started, never to the demo's own output.
 * They are stopped when this object is closed and, should the demo's JVM exit first (Ctrl-C, an
 * error), killed by a shutdown hook.
 *
 * <p>Thread-safe.
 */
public final class ClusterMembers implements AutoCloseable {
  /** The line a node prints once it is a member: {@code Echo node <member id> on host:port, ...}. */
  private static final Pattern STARTED = Pattern.compile("^Echo node (\\S+) on ");
  private static final String HOST = "127.0.0.1";
  private static final int TAIL_LINES = 15;
  /** How long stopped members get to leave gracefully before they are killed. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /**
   * One member process.
   *
   * @param number the node's number, from 1
   * @param address its {@code host:port}
   * @param pid its process id
   * @param memberId its cluster member id (Hazelcast member UUID), from the line it printed at start
   */
  public record Member(int number, String address, long pid, String memberId) {}

  private final List<Node> nodes;
  private final int callerPort;
  private final Path log;
  private final Writer logWriter;
  private final Thread killAll;
  private boolean closed;

  private ClusterMembers(List<Node> nodes, int callerPort, Path log, Writer logWriter, Thread killAll) {
    this.nodes = nodes;
    this.callerPort = callerPort;
    this.log = log;
    this.logWriter = logWriter;
    this.killAll = killAll;
  }

  /**
   * Starts {@code count} members, all at once, without waiting for them (see {@link
   * #awaitStarted}). Each is told to join the others and the {@linkplain #callerAddress() caller's
   * address}, where the process that starts them may run a member of its own once they are up.
   *
   * @param launcher the command that runs {@code echoctl node} (the java command, its options, the
   *     class path, the main class and {@code node}); the member's options are appended
   * @param count how many members, at least 1
   * @param clusterName the cluster's name
   * @param nodeOptions more options for every member, such as {@code --source PATH}
   * @param log the file that receives the members' output (created or truncated)
   * @return the members, starting
   * @throws IOException if a process cannot be started or the log cannot be written
   */
  public static ClusterMembers start(List<String> launcher, int count, String clusterName, List<String> nodeOptions,
      Path log) throws IOException {
    Objects.requireNonNull(launcher, "launcher");
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(nodeOptions, "nodeOptions");
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, was " + count);
    }
    long t0 = System.nanoTime();
    List<Integer> ports = freePorts(count + 1); // the last one is the caller's
    String members = String.join(",", ports.stream().map(p -> HOST + ":" + p).toList());
    Writer writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
    List<Node> nodes = new ArrayList<>();
    Thread killAll = new Thread(() -> {
      synchronized (nodes) {
        nodes.forEach(n -> n.process.destroyForcibly());
      }
    }, "echo-demo-kill-members");
    Runtime.getRuntime().addShutdownHook(killAll);
    ClusterMembers started = new ClusterMembers(nodes, ports.get(count), log, writer, killAll);
    try {
      for (int i = 0; i < count; i++) {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of("--host", HOST, "--port", Integer.toString(ports.get(i)), "--members", members,
            "--cluster-name", clusterName));
        command.addAll(nodeOptions);
        Node node = new Node(i + 1, ports.get(i), new ProcessBuilder(command).redirectErrorStream(true).start());
        synchronized (nodes) {
          nodes.add(node);
        }
        node.copyOutput(writer, t0);
      }
      return started;
    } catch (IOException | RuntimeException e) {
      started.close();
      throw e;
    }
  }

  /**
   * Waits until every member has printed that it is a member.
   *
   * @param timeout how long to wait, for all of them
   * @throws IllegalStateException naming the node and quoting its last lines, if a member exits or
   *     has not started by then
   * @throws InterruptedException if interrupted while waiting
   */
  public void awaitStarted(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Node> all;
    synchronized (nodes) {
      all = List.copyOf(nodes);
    }
    for (Node node : all) {
      node.awaitStarted(Math.max(0, deadline - System.nanoTime()), timeout, log);
    }
  }

  /**
   * Returns the address on which the members expect the caller's own member, if it runs one.
   *
   * @return {@code 127.0.0.1:port}, a port that was free when the members started
   */
  public String callerAddress() {
    return HOST + ":" + callerPort;
  }

  /**
   * Returns the port of {@link #callerAddress()}.
   *
   * @return the port
   */
  public int callerPort() {
    return callerPort;
  }

  /**
   * Returns a port on 127.0.0.1 that was free a moment ago and is not one of {@code taken}.
   *
   * @param taken ports not to return
   * @return the port
   * @throws IOException if no socket can be opened
   */
  public static int freePort(Set<Integer> taken) throws IOException {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
        if (!taken.contains(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      }
    }
  }

  private static List<Integer> freePorts(int count) throws IOException {
    Set<Integer> ports = new HashSet<>();
    List<Integer> ordered = new ArrayList<>();
    while (ordered.size() < count) {
      int port = freePort(ports);
      ports.add(port);
      ordered.add(port);
    }
    return ordered;
  }

  /**
   * Returns the members, in the order of their numbers.
   *
   * @return node 1 to N
   */
  public List<Member> members() {
    synchronized (nodes) {
      return nodes.stream().map(n -> new Member(n.number, HOST + ":" + n.port, n.process.pid(), n.memberId())).toList();
    }
  }

  /**
   * Returns the members' {@code host:port} addresses, to join them.
   *
   * @return the addresses of node 1 to N
   */
  public List<String> addresses() {
    return members().stream().map(Member::address).toList();
  }

  /**
   * Returns the file that receives the members' output.
   *
   * @return the log file
   */
  public Path log() {
    return log;
  }

  /**
   * Kills member {@code number} with SIGKILL ({@link ProcessHandle#destroyForcibly()} on Linux):
   * it gets no chance to leave the cluster or hand its work off. Waits up to 10 s for the process
   * to end.
   *
   * @param number the node's number, from 1
   * @return whether the process has ended
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean kill(int number) throws InterruptedException {
    Node node;
    synchronized (nodes) {
      if (number < 1 || number > nodes.size()) {
        throw new IllegalArgumentException("no node " + number + "; nodes are 1 to " + nodes.size());
      }
      node = nodes.get(number - 1);
    }
    // The handle's: Process.destroyForcibly would also close the pipe of the member's output.
    node.process.toHandle().destroyForcibly();
    return node.process.waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * Stops every member still running: asks each to leave (SIGTERM), kills those still running after
   * 10 s, then closes the log once their last lines are in it. Idempotent.
   */
  @Override
  public void close() {
    List<Node> all;
    synchronized (nodes) {
      if (closed) {
        return;
      }
      closed = true;
      all = List.copyOf(nodes);
    }
    // SIGTERM through the process handle: Process.destroy would also close the pipe, losing the
    // lines the member prints as it leaves.
    all.forEach(n -> n.process.toHandle().destroy());
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    boolean interrupted = false;
    for (Node node : all) {
      try {
        if (!node.process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          node.process.destroyForcibly();
          node.process.waitFor(5, TimeUnit.SECONDS);
        }
        if (node.output != null) {
          node.output.join(TimeUnit.SECONDS.toMillis(5)); // its last lines into the log before it closes
        }
      } catch (InterruptedException e) {
        interrupted = true;
        node.process.destroyForcibly();
      }
    }
    try {
      synchronized (logWriter) {
        logWriter.close();
      }
    } catch (IOException e) {
      // the log is only for reading afterwards; the members are stopped all the same
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killAll);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook is running or has run
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** One member process and the thread that copies its output to the log. */
  private static final class Node {
    final int number;
    final int port;
    final Process process;
    final CompletableFuture<String> started = new CompletableFuture<>();
    final Deque<String> tail = new ArrayDeque<>();
    Thread output;

    Node(int number, int port, Process process) {
      this.number = number;
      this.port = port;
      this.process = process;
    }

    String memberId() {
      return started.getNow(null);
    }

    /** Copies the process's output, line by line, to {@code log}; notes its member id on the way. */
    void copyOutput(Writer log, long t0) {
      output = Thread.ofPlatform().daemon().name("echo-demo-node-" + number + "-output").start(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            synchronized (tail) {
              tail.addLast(line);
              if (tail.size() > TAIL_LINES) {
                tail.removeFirst();
              }
            }
            Matcher m = STARTED.matcher(line);
            if (m.find()) {
              started.complete(m.group(1));
            }
            synchronized (log) {
              log.write(String.format(Locale.ROOT, "[node %d %6.1f s] %s%n", number, (System.nanoTime() - t0) / 1e9,
                  line));
              log.flush();
            }
          }
        } catch (IOException e) {
          // the process is gone, or the log was closed after the members were stopped
        }
        started.completeExceptionally(new IllegalStateException(exitMessage()));
      });
    }

    private String exitMessage() {
      String how;
      try {
        how = process.waitFor(2, TimeUnit.SECONDS) ? "exited with code " + process.exitValue()
            : "closed its output";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        how = "closed its output";
      }
      return String.format(Locale.ROOT, "node %d (pid %d, %s:%d) %s before it had joined the cluster%s",
          number, process.pid(), HOST, port, how, lastLines());
    }

    private String lastLines() {
      synchronized (tail) {
        return tail.isEmpty() ? "; it printed nothing"
            : "; its last lines:" + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", tail);
      }
    }

    void awaitStarted(long nanos, Duration timeout, Path log) throws InterruptedException {
      try {
        started.get(nanos, TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause().getMessage() + System.lineSeparator()
            + "All member output: " + log, e.getCause());
      } catch (TimeoutException e) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "node %d (pid %d, %s:%d) had not joined the cluster %d s after it started%s%nAll member output: %s",
            number, process.pid(), HOST, port, timeout.toSeconds(), lastLines(), log), e);
      }
    }
  }
}
