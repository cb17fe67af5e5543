package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todoevents.bench.Benchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark (tools/bench.sh) for a few seconds, so it cannot rot: both paths, raw Kafka and
 * Dapr, run on a real Kafka node and daprd, and the report has a row for each with latencies.
 * No figure is asserted: speed is what the benchmark prints, not what a test decides.
 */
class BenchmarkSmokeIT {

  @Test
  void bothPathsRunAndAreReported() throws Exception {
    Path out = WorkDirs.create("bench-smoke");
    Benchmark.main(new String[] {"--rates", "100", "--sizes", "200", "--seconds", "2", "--warmup", "1", "--out", out.toString()});
    List<String> rows = Files.readAllLines(out.resolve("results.csv"));
    assertThat(rows).hasSize(3); // header, kafka, dapr-http
    for (String row : rows.subList(1, 3)) {
      String[] f = row.split(",");
      long sent = Long.parseLong(f[3]);
      long received = Long.parseLong(f[4]);
      assertThat(sent).as("sent in %s", row).isEqualTo(300);
      assertThat(received).as("received in %s", row).isPositive();
      assertThat(Double.parseDouble(f[6])).as("p99 ms in %s", row).isPositive();
    }
    assertThat(rows.get(1)).startsWith("kafka,");
    assertThat(rows.get(2)).startsWith("dapr-http,");
    assertThat(Files.readString(out.resolve("results.md"))).contains("| kafka | 200 | 100 |").contains("| dapr-http | 200 | 100 |");
  }
}
