package dev.todoevents.e2e;

import static dev.todoevents.e2e.SystemApi.auditEntries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.runtime.ServiceApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * audit-service gets SIGTERM (a rolling update) while events stream in: it stops, comes back, and
 * every event is recorded exactly once. Prints how long the stop took.
 */
@Tag("slow")
class ConsumerSigtermIT {

  @Test
  void aConsumerStoppedMidStreamLosesNothing() throws Exception {
    Path work = WorkDirs.create("consumer-sigterm");
    try (Stack stack = Stack.start(work, AppIds.TASK_SERVICE, AppIds.AUDIT_SERVICE)) {
      ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
      ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);
      String user = "sam-" + UUID.randomUUID();
      Set<String> created = new HashSet<>();
      for (int i = 0; i < 150; i++) {
        created.add(SystemApi.createTask(tasks, user, "t" + i));
        if (i == 50) {
          // Deliveries are in flight now: stop the consumer the way Kubernetes does.
          long t0 = System.nanoTime();
          audit.process().stop(Duration.ofSeconds(30));
          System.out.printf(
              "[sigterm] audit-service stopped %.1f s after SIGTERM, at task %d%n",
              (System.nanoTime() - t0) / 1e9, i);
        }
        if (i == 100) {
          audit.start();
        }
      }
      await("all 150 audited")
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> auditEntries(audit, "user_id=" + user + "&limit=1000").size() >= 150);
      List<JsonNode> entries = auditEntries(audit, "user_id=" + user + "&limit=1000");
      Set<String> tasksAudited = new HashSet<>();
      entries.forEach(e -> tasksAudited.add(e.get("task_id").asText()));
      assertThat(entries).hasSize(150);
      assertThat(tasksAudited).isEqualTo(created);
      System.out.printf("[sigterm] 150 of 150 audited once%n");
    }
  }
}
