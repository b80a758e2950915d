package land.echo.bench;

import java.util.List;

/**
 * Renders result rows as one Markdown table: benchmark, metric, Echo's median, the anchor and its
 * median, the ratio Echo ÷ anchor, the target and whether it is met. Not instantiable.
 */
final class Table {

  private Table() {}

  /** Renders {@code rows}; an empty list renders a one-line note. */
  static String render(List<Row> rows) {
    if (rows.isEmpty()) {
      return "(no results)\n";
    }
    StringBuilder out = new StringBuilder();
    out.append("| Benchmark | Metric | Unit | Echo | Anchor | Anchor median | Echo ÷ anchor | Target | Met |\n");
    out.append("|---|---|---|---:|---|---:|---:|---|---|\n");
    for (Row row : rows) {
      out.append("| ").append(row.benchmark())
          .append(" | ").append(row.metric())
          .append(" | ").append(row.unit())
          .append(" | ").append(Row.format(row.echo()))
          .append(" | ").append(row.anchor())
          .append(" | ").append(row.anchor().equals("—") ? "" : Row.format(row.anchorValue()))
          .append(" | ").append(row.anchor().equals("—") ? "" : Row.formatRatio(row.ratio()))
          .append(" | ").append(row.target() == null ? "" : row.target().text())
          .append(" | ").append(row.verdict())
          .append(" |\n");
    }
    return out.toString();
  }

  /** Counts the rows whose target is met, missed, or could not be judged. */
  static String summary(List<Row> rows) {
    long met = rows.stream().filter(r -> r.verdict().equals("met")).count();
    long missed = rows.stream().filter(r -> r.verdict().equals("MISSED")).count();
    long na = rows.stream().filter(r -> r.verdict().equals("n/a")).count();
    return "Targets: " + met + " met, " + missed + " missed" + (na > 0 ? ", " + na + " without a result" : "") + ".";
  }
}
