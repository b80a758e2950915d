package land.echo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The report's rows: each benchmark group builds rows under its own name only. A run of the
 * suite on 2026-12-01 printed the bare scheduler's idle rows under "priority", with the priority
 * benchmark's figures, because they had been added to the wrong group's rows; nothing failed.
 */
class SuiteTest {

  @Test
  void everyGroupLabelsItsRowsWithItsOwnName() {
    for (Suite.Bench bench : Suite.ALL) {
      List<Row> rows = bench.rows().apply(new Results());
      assertFalse(rows.isEmpty(), bench.name() + " builds no rows");
      for (Row row : rows) {
        assertEquals(bench.name(), row.benchmark(), "a row of group '" + bench.name() + "': " + row.metric());
      }
    }
  }

  @Test
  void theIdleGroupReportsTheBareSchedulerAgainstForkJoinPool() {
    Suite.Bench idle = Suite.ALL.stream().filter(b -> b.name().equals("idle")).findFirst().orElseThrow();
    List<Row> bare = idle.rows().apply(new Results()).stream()
        .filter(row -> row.metric().endsWith("bare EchoScheduler"))
        .toList();
    assertEquals(2, bare.size(), "one bare-scheduler row for p50 and one for p99: " + bare);
    for (Row row : bare) {
      assertEquals(Kinds.FJP_ASYNC, row.anchor());
      assertTrue(row.metric().contains("p50") || row.metric().contains("p99"), row.metric());
    }
  }
}
