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
 * <p>On a terminal it redraws two short lines in place (carriage return and the ANSI "cursor up"
 * and "erase to end of line" sequences) ten times a second, so it fits an 80-column window;
 * otherwise (output piped to a file or a test) it prints one plain line every two seconds.
 * {@link #render} is a pure function so the layout can be tested.
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
  private boolean drawn;
  private String lastPrinted;

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

  /** Stops redrawing and leaves the end state on screen, followed by a newline. */
  public synchronized void stop() {
    if (ticker != null) {
      ticker.shutdownNow();
      ticker = null;
    }
    if (terminal) {
      redraw();
      out.print(System.lineSeparator());
    } else {
      String last = line();
      if (!last.equals(lastPrinted)) {
        out.println(last);
      }
    }
    out.flush();
  }

  private synchronized void draw() {
    if (ticker == null) {
      return;
    }
    if (terminal) {
      redraw();
    } else {
      lastPrinted = line();
      out.println(lastPrinted);
    }
    out.flush();
  }

  private void redraw() {
    String[] lines = lines();
    String erase = "\u001b[K";
    out.print((drawn ? "\r\u001b[1A" : "") + lines[0] + erase + System.lineSeparator() + lines[1] + erase);
    drawn = true;
  }

  private String[] lines() {
    Duration elapsed = Duration.ofNanos(nanoTime.getAsLong() - startNanos);
    return new String[] {
        renderBar(label, counters.filesIndexed.sum(), filesTotal, elapsed, duration),
        renderCounters(counters.queriesSubmitted.sum(), counters.queryTimeouts.sum(), retries.getAsLong())};
  }

  private String line() {
    String[] lines = lines();
    return lines[0] + "  " + lines[1].strip();
  }

  /**
   * Renders the whole progress as one line (the form printed when output is not a terminal), e.g.
   * {@code Echo [######------------------]  4,211/15,224 files  27%  00:07/00:20  queries 700,
   * 0 timed out, 95 service retries}.
   */
  public static String render(String label, long done, long total, Duration elapsed, Duration limit,
      long queries, long retries, long timeouts) {
    return renderBar(label, done, total, elapsed, limit) + "  " + renderCounters(queries, timeouts, retries).strip();
  }

  /** Renders the first line: label, bar, files done out of total, percentage, elapsed and limit. */
  static String renderBar(String label, long done, long total, Duration elapsed, Duration limit) {
    double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
    int filled = (int) Math.round(fraction * WIDTH);
    return String.format(Locale.ROOT, "%-12s [%s%s] %,7d/%,d files %3d%%  %s/%s",
        label, "#".repeat(filled), "-".repeat(WIDTH - filled), done, total, Math.round(fraction * 100),
        clock(elapsed), clock(limit));
  }

  /** Renders the second line: queries so far, how many timed out, and service retries. */
  static String renderCounters(long queries, long timeouts, long retries) {
    return String.format(Locale.ROOT, "    queries %,d, %,d timed out, %,d service retries", queries, timeouts, retries);
  }

  private static String clock(Duration d) {
    long seconds = Math.max(0, d.toSeconds());
    return String.format(Locale.ROOT, "%02d:%02d", seconds / 60, seconds % 60);
  }
}
