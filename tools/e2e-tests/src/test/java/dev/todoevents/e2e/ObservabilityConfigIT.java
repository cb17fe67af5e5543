package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.todoevents.runtime.ManagedProcess;
import dev.todoevents.runtime.ProjectPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * k8s/observability/ checked with the real promtool: the alert rules load and their unit tests
 * (alerts.test.yml) fire and clear each alert; every query of the Grafana dashboard is valid PromQL
 * (written as recording rules, which promtool parses). That the apps and sidecars export the
 * metrics those queries name is checked on the running system by TaskAuditFlowIT.
 */
class ObservabilityConfigIT {

  private static final Path DIR = ProjectPaths.root().resolve("k8s/observability");

  @Test
  void alertRulesLoadAndTheirUnitTestsPass() {
    assertThat(
            promtool("check-rules", "check", "rules", DIR.resolve("alerts.rules.yml").toString()))
        .isZero();
    assertThat(promtool("test-rules", "test", "rules", DIR.resolve("alerts.test.yml").toString()))
        .isZero();
  }

  @Test
  void everyDashboardQueryIsValidPromQl() throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(DIR.resolve("grafana-dashboard.json").toFile());
    List<String> exprs = new ArrayList<>();
    dashboard
        .get("panels")
        .forEach(p -> p.get("targets").forEach(t -> exprs.add(t.get("expr").asText())));
    assertThat(exprs).hasSizeGreaterThanOrEqualTo(10);
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    for (int i = 0; i < exprs.size(); i++) {
      // Grafana's $__rate_interval becomes a fixed window for the syntax check.
      String expr = exprs.get(i).replace("$__rate_interval", "5m").replace("'", "''");
      rules
          .append("      - record: dashboard:query_")
          .append(i)
          .append("\n        expr: '")
          .append(expr)
          .append("'\n");
    }
    Path work = WorkDirs.create("observability");
    Path file = work.resolve("dashboard-queries.rules.yml");
    Files.writeString(file, rules);
    assertThat(promtool("check-dashboard", "check", "rules", file.toString()))
        .as("promtool on %s", file)
        .isZero();
  }

  private static int promtool(String name, String... args) {
    Path work = WorkDirs.create("observability-" + name);
    List<String> cmd = new ArrayList<>(List.of(ProjectPaths.promtool().toString()));
    cmd.addAll(List.of(args));
    try (ManagedProcess p =
        ManagedProcess.start(
            "promtool-" + name, cmd, Map.of(), DIR, work.resolve("promtool.log"))) {
      int exit = p.awaitExit(Duration.ofSeconds(60));
      System.out.println("[promtool " + String.join(" ", args) + "]\n" + p.output());
      return exit;
    }
  }
}
