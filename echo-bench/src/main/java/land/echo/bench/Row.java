package land.echo.bench;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * One line of the result table: Echo's median against one anchor's median for one metric, the
 * ratio Echo ÷ anchor, and the target that applies to this comparison if any. An immutable value.
 *
 * @param benchmark the benchmark's name, e.g. {@code scheduling}
 * @param metric what is measured, e.g. {@code time per run} or {@code HIGH p99}
 * @param unit the unit of both medians
 * @param echo Echo's median, empty if it has no result
 * @param anchor the anchor's name, or {@code "—"} for a target on Echo alone
 * @param anchorValue the anchor's median, empty if it has no result or there is no anchor
 * @param target the target on this comparison, or {@code null}
 */
record Row(
    String benchmark,
    String metric,
    String unit,
    OptionalDouble echo,
    String anchor,
    OptionalDouble anchorValue,
    Target target) {

  /** Echo ÷ anchor, if both medians exist. */
  OptionalDouble ratio() {
    if (echo.isEmpty() || anchorValue.isEmpty() || anchorValue.getAsDouble() == 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(echo.getAsDouble() / anchorValue.getAsDouble());
  }

  /** The verdict of the target: "met", "MISSED", "n/a" or empty when there is no target. */
  String verdict() {
    if (target == null) {
      return "";
    }
    OptionalDouble measured = target.onRatio() ? ratio() : echo;
    if (measured.isEmpty()) {
      return "n/a";
    }
    return measured.getAsDouble() <= target.limit() ? "met" : "MISSED";
  }

  /** Formats a median with a precision that suits its size. */
  static String format(OptionalDouble value) {
    if (value.isEmpty()) {
      return "n/a";
    }
    double v = value.getAsDouble();
    if (v >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (v >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }

  /** Formats a ratio, e.g. {@code 0.93x}. */
  static String formatRatio(OptionalDouble ratio) {
    if (ratio.isEmpty()) {
      return "n/a";
    }
    double r = ratio.getAsDouble();
    return r >= 0.01 ? String.format(Locale.ROOT, "%.2fx", r) : String.format(Locale.ROOT, "%.2gx", r);
  }

  /**
   * A target: a limit on the ratio Echo ÷ anchor or on Echo's own median (lower is better in
   * both cases).
   *
   * @param text how the target reads in the table
   * @param limit the largest value that meets it
   * @param onRatio whether the limit applies to the ratio (else to Echo's median)
   */
  record Target(String text, double limit, boolean onRatio) {
    /** A limit on Echo ÷ anchor. */
    static Target ratioAtMost(double limit, String text) {
      return new Target(text, limit, true);
    }

    /** A limit on Echo's own median. */
    static Target echoAtMost(double limit, String text) {
      return new Target(text, limit, false);
    }
  }
}
