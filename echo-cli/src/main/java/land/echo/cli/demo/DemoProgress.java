package land.echo.cli.demo;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The demo's progress line, drawn by the progressbar library (me.tongfei:progressbar): files
 * indexed out of the total, elapsed time, and the live query, timeout and retry counts, e.g.
 * {@code Echo  27% [=====>          ]  4211/15224 files (0:00:07) 700 queries, 0 timed out, 95 retries};
 * for {@code echoctl demo --cluster N}, results received out of the effects submitted.
 *
 * <p>Only on an interactive terminal: one line redrawn in place, cut to the terminal's width.
 * Otherwise (output piped to a file, a test, CI) it draws nothing; the report that follows the run
 * has every figure.
 *
 * <p>The library draws the state it was last given on its own thread but cannot read the demo's
 * counters, so a daemon thread copies them in ten times a second.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread, more than once.
 */
public final class DemoProgress implements AutoCloseable {

  private static final int REFRESH_MILLIS = 100;

  private final PrintWriter out;
  private final ProgressBar bar;
  private final Runnable copy;
  private final ScheduledExecutorService sampler;
  private boolean closed;

  private DemoProgress(PrintWriter out, ProgressBar bar, Runnable copy, ScheduledExecutorService sampler) {
    this.out = out;
    this.bar = bar;
    this.copy = copy;
    this.sampler = sampler;
  }

  /**
   * Starts showing a run's progress on {@code out} if it is a terminal.
   *
   * @param out where to draw
   * @param terminal whether {@code out} is an interactive terminal; if not, nothing is drawn
   * @param width the line's width in columns, or 0 for the terminal's width
   * @param label the workload's name, shown first
   * @param filesTotal files to index
   * @param counters the run's live counters
   * @param retries the live number of service retries made so far
   * @return the progress line, to close when the run ends
   */
  public static DemoProgress start(PrintWriter out, boolean terminal, int width, String label, int filesTotal,
      DemoCounters counters, LongSupplier retries) {
    Objects.requireNonNull(counters, "counters");
    Objects.requireNonNull(retries, "retries");
    return start(out, terminal, width, label, filesTotal, " files", counters.filesIndexed::sum,
        () -> String.format(Locale.ROOT, "%,d queries, %,d timed out, %,d retries",
            counters.queriesSubmitted.sum(), counters.queryTimeouts.sum(), retries.getAsLong()));
  }

  /**
   * Starts showing the progress of any counted work on {@code out} if it is a terminal: {@code
   * done} out of {@code total}, then the text {@code extra} gives (both read ten times a second).
   *
   * @param out where to draw
   * @param terminal whether {@code out} is an interactive terminal; if not, nothing is drawn
   * @param width the line's width in columns, or 0 for the terminal's width
   * @param label the workload's name, shown first
   * @param total the units of work in all
   * @param unit the unit's name after the counts, with a leading space (e.g. {@code " results"})
   * @param done the live number of units done
   * @param extra the live text shown after the elapsed time
   * @return the progress line, to close when the run ends
   */
  public static DemoProgress start(PrintWriter out, boolean terminal, int width, String label, long total,
      String unit, LongSupplier done, Supplier<String> extra) {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(done, "done");
    Objects.requireNonNull(extra, "extra");
    if (!terminal) {
      return new DemoProgress(out, null, null, null);
    }
    DelegatingProgressBarConsumer line = width > 0
        ? new DelegatingProgressBarConsumer(text -> redraw(out, text), width)
        : new DelegatingProgressBarConsumer(text -> redraw(out, text));
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName(Objects.requireNonNull(label, "label"))
        .setInitialMax(total)
        .setUnit(unit, 1)
        .setStyle(ProgressBarStyle.ASCII)
        .hideEta()
        .setUpdateIntervalMillis(REFRESH_MILLIS)
        .continuousUpdate()
        .setConsumer(line)
        .build();
    Runnable copy = () -> {
      bar.stepTo(done.getAsLong());
      bar.setExtraMessage(extra.get());
    };
    copy.run();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "echo-demo-progress");
      t.setDaemon(true);
      return t;
    });
    sampler.scheduleAtFixedRate(copy, REFRESH_MILLIS, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
    return new DemoProgress(out, bar, copy, sampler);
  }

  /** Stops redrawing and leaves the final state on screen, followed by a newline. */
  @Override
  public synchronized void close() {
    if (closed || bar == null) {
      return;
    }
    closed = true;
    sampler.shutdownNow();
    try {
      sampler.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the final state below is drawn all the same
    }
    copy.run();
    bar.close(); // draws the final state once more
    out.println();
    out.flush();
  }

  private static void redraw(PrintWriter out, String text) {
    out.print('\r' + text);
    out.flush();
  }
}
