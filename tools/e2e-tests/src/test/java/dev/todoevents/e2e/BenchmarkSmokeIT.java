package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todoevents.bench.Benchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark (tools/bench.sh) for a few seconds per path, so it cannot rot: raw Kafka, the four
 * Dapr paths (HTTP, dapr-sdk over gRPC to a gRPC app and to a Quarkus app, bulk) on a real Kafka
 * node and real sidecars, and POST /tasks -> WebSocket on the whole system, each with a row of
 * latencies in the report; and the system path (the whole system at one rate here) with its row in
 * system.csv. No figure is asserted: speed is what the benchmark prints, not what a test decides.
 */
class BenchmarkSmokeIT {

  @Test
  void everyPathRunsAndIsReported() throws Exception {
    Path out = WorkDirs.create("bench-smoke");
    Benchmark.run(
        new String[] {
          "--rates",
          "100",
          "--sizes",
          "200",
          "--seconds",
          "2",
          "--warmup",
          "1",
          // The throw-away pass before each part's first row: its JIT only matters to figures.
          "--warm-pass-s",
          "1",
          "--ws-rate",
          "50",
          "--bulk-await-ms",
          "20",
          "--system-rates",
          "20",
          // As the e2e apps run: the first JIT tier only, for a smoke test's seconds.
          "--app-jvm",
          String.join(" ", Stack.JVM_FLAGS),
          "--out",
          out.toString()
        });
    List<String> rows = Files.readAllLines(out.resolve("results.csv"));
    List<String> paths =
        List.of("kafka", "dapr-http", "dapr-grpc", "dapr-quarkus", "dapr-bulk", "post-ws");
    assertThat(rows).hasSize(1 + paths.size());
    for (int i = 0; i < paths.size(); i++) {
      String row = rows.get(i + 1);
      String[] f = row.split(",");
      assertThat(f[0]).isEqualTo(paths.get(i));
      int rate = paths.get(i).equals("post-ws") ? 50 : 100;
      assertThat(Long.parseLong(f[4])).as("sent in %s", row).isEqualTo(3L * rate);
      assertThat(Long.parseLong(f[5])).as("received in %s", row).isPositive();
      assertThat(Double.parseDouble(f[8])).as("p99 ms in %s", row).isPositive();
    }
    String md = Files.readString(out.resolve("results.md"));
    assertThat(md)
        .contains("| kafka | 200 | 100 |")
        .contains("| dapr-grpc | 200 | 100 |")
        .contains("| dapr-quarkus | 200 | 100 |")
        .contains("| post-ws | task | 50 |")
        .contains("cold start");

    List<String> system = Files.readAllLines(out.resolve("system.csv"));
    assertThat(system.get(0)).startsWith("rate,sent,acked,");
    assertThat(system).hasSize(2);
    String[] f = system.get(1).split(",");
    assertThat(f[0]).isEqualTo("20");
    assertThat(Long.parseLong(f[1])).as("sent in %s", system.get(1)).isPositive();
    assertThat(Long.parseLong(f[2])).as("acknowledged in %s", system.get(1)).isPositive();
  }
}
