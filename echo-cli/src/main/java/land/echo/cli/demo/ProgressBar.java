package land.echo.cli.demo;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The demo's progress display: files indexed out of the total, elapsed time, and the live query,
 * retry and timeout counts.
 *
 * <p>On a terminal it redraws one line in place ({@code \r}) ten times a second; otherwise (output
 * piped to a file or a test) it prints a plain line every few seconds. {@link #render} is a pure
 * function so the layout can be tested.
 *
 * <p>Thread-safe: {@link #start()} and {@link #stop()} may be called from any thread, once each.
 */
public final class ProgressBar {

  private static final int WIDTH = 24;

  private final PrintWriter out;
  private final boolean terminal;
  private final String label;
  private final int filesTotal;
  private final Duration duration;
  private final DemoCounters counters;
  private final LongSupplier nanoTime;
  private final LongSupplier retries;
  private final long startNanos;
  private ScheduledExecutorService ticker;

  /**
   * Creates a progress bar; nothing is shown until {@link #start()}.
   *
   * @param out where to draw
   * @param terminal whether {@code out} is an interactive terminal (redraw in place)
   * @param label the workload's name, shown first
   * @param filesTotal files to index
   * @param duration the run's time limit
   * @param counters the run's live counters
   * @param retries the live number of retries made so far
   * @param nanoTime the clock the elapsed time is read from
   */
  public ProgressBar(PrintWriter out, boolean terminal, String label, int filesTotal, Duration duration,
      DemoCounters counters, LongSupplier retries, LongSupplier nanoTime) {
    this.out = Objects.requireNonNull(out, "out");
    this.terminal = terminal;
    this.label = Objects.requireNonNull(label, "label");
    this.filesTotal = filesTotal;
    this.duration = Objects.requireNonNull(duration, "duration");
    this.counters = Objects.requireNonNull(counters, "counters");
    this.retries = Objects.requireNonNull(retries, "retries");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.startNanos = nanoTime.getAsLong();
  }

  /** Starts redrawing on a daemon thread. */
  public synchronized void start() {
    if (ticker != null) {
      throw new IllegalStateException("progress bar already started");
    }
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "echo-demo-progress");
      t.setDaemon(true);
      return t;
    });
    long periodMillis = terminal ? 100 : 2_000;
    ticker.scheduleAtFixedRate(this::draw, terminal ? 0 : periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** Stops redrawing and leaves a final line showing the end state. */
  public synchronized void stop() {
    if (ticker != null) {
      ticker.shutdownNow();
      ticker = null;
    }
    out.print((terminal ? "\r" : "") + line() + System.lineSeparator());
    out.flush();
  }

  private synchronized void draw() {
    if (ticker == null) {
      return;
    }
    if (terminal) {
      out.print("\r" + line() + "\u001b[K");
    } else {
      out.println(line());
    }
    out.flush();
  }

  private String line() {
    Duration elapsed = Duration.ofNanos(nanoTime.getAsLong() - startNanos);
    return render(label, counters.filesIndexed.sum(), filesTotal, elapsed, duration,
        counters.queriesSubmitted.sum(), retries.getAsLong(), counters.queryTimeouts.sum());
  }

  /**
   * Renders one progress line, e.g.
   * {@code Echo  [#########---------------]  4,211/15,224 files  27%  00:07/00:20  queries 700  retries 95  timeouts 0}.
   */
  public static String render(String label, long done, long total, Duration elapsed, Duration limit,
      long queries, long retries, long timeouts) {
    double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
    int filled = (int) Math.round(fraction * WIDTH);
    return String.format(Locale.ROOT, "%-12s [%s%s] %,7d/%,d files %3d%%  %s/%s  queries %,d  retries %,d  timeouts %,d",
        label, "#".repeat(filled), "-".repeat(WIDTH - filled), done, total, Math.round(fraction * 100),
        clock(elapsed), clock(limit), queries, retries, timeouts);
  }

  private static String clock(Duration d) {
    long seconds = Math.max(0, d.toSeconds());
    return String.format(Locale.ROOT, "%02d:%02d", seconds / 60, seconds % 60);
  }
}
