package dev.todoevents.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The local run's ports have one source each (dapr.yaml for the apps and sidecars, {@link DevPorts}
 * for the rest): tools/prometheus/prometheus.yml scrapes exactly those, and nothing clashes.
 */
class DevPortsTest {

  private final RunFile runFile = RunFile.read();

  @Test
  void prometheusScrapesTheDevPorts() throws IOException {
    JsonNode yml =
        new ObjectMapper(new YAMLFactory())
            .readTree(ProjectPaths.root().resolve("tools/prometheus/prometheus.yml").toFile());
    Map<String, List<String>> targets = new LinkedHashMap<>();
    for (JsonNode job : yml.path("scrape_configs")) {
      List<String> t = new ArrayList<>();
      job.path("static_configs").forEach(c -> c.path("targets").forEach(x -> t.add(x.asText())));
      targets.put(job.path("job_name").asText(), t);
    }
    assertThat(targets)
        .containsOnlyKeys("dapr-sidecars", "apps", "dapr-sentry", "kafka-exporter")
        .containsEntry(
            "dapr-sidecars",
            runFile.apps().stream().map(a -> "127.0.0.1:" + a.metricsPort()).toList())
        .containsEntry(
            "apps", runFile.apps().stream().map(a -> "127.0.0.1:" + a.appPort()).toList())
        .containsEntry("dapr-sentry", List.of("127.0.0.1:" + DevPorts.SENTRY_METRICS))
        .containsEntry("kafka-exporter", List.of("127.0.0.1:" + DevPorts.KAFKA_EXPORTER));
  }

  @Test
  void noPortIsUsedTwice() {
    for (String broker : PubSubBroker.NAMES) {
      List<Integer> all = new ArrayList<>(DevPorts.infra(broker));
      all.addAll(runFile.ports());
      all.add(DevPorts.KAFKA_EXPORTER);
      assertThat(new HashSet<>(all)).as(broker).hasSameSizeAs(all);
    }
  }

  @Test
  void runFileHasTheTestsResourcesAndSwapsTheBroker() {
    assertThat(runFile.resourcesPaths("kafka"))
        .containsExactly(ProjectPaths.resourcesPaths("kafka"));
    for (String broker : PubSubBroker.NAMES) {
      assertThat(runFile.resourcesPaths(broker))
          .containsExactly(ProjectPaths.resourcesPaths(broker));
    }
    assertThat(runFile.app("task-service").config())
        .isEqualTo(ProjectPaths.daprConfig("task-service"));
    assertThat(runFile.app("audit-service").config())
        .isEqualTo(ProjectPaths.daprConfig("audit-service"));
    assertThat(runFile.app("task-service").jvmFlags()).contains("-Xmx192m");
    assertThat(runFile.app("stats-service").jvmFlags()).isEmpty();
  }
}
