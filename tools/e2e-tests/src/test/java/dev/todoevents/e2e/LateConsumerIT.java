package dev.todoevents.e2e;

import static dev.todoevents.e2e.SystemApi.auditEntries;
import static dev.todoevents.e2e.SystemApi.createTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.contracts.Topic;
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
 * A consumer whose sidecar is up but whose app is not ready for 20 s (a slow start: migrations, a
 * cold JVM) while events are published: daprd waits for the app before it subscribes, the events
 * wait in Kafka, and every one is processed once the app is up. Prints the counts.
 */
@Tag("slow")
class LateConsumerIT {

  @Test
  void eventsPublishedBeforeTheConsumerIsReadyAreAllProcessed() throws Exception {
    Path work = WorkDirs.create("late-consumer");
    try (Stack stack =
        Stack.start(
            work, Set.of(AppIds.AUDIT_SERVICE), AppIds.TASK_SERVICE, AppIds.AUDIT_SERVICE)) {
      ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
      ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);
      String user = "lena-" + UUID.randomUUID();
      Set<String> created = new HashSet<>();
      long sidecarUp = System.nanoTime();
      // 20 s without the app: one task a second.
      for (int i = 0; i < 20; i++) {
        created.add(createTask(tasks, user, "while audit-service is not ready " + i));
        Thread.sleep(1000);
      }
      long appStart = System.nanoTime();
      audit.start();
      System.out.printf(
          "[late] audit-service started %.1f s after its sidecar; 20 tasks created meanwhile%n",
          (appStart - sidecarUp) / 1e9);
      await("all 20 audited")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> auditEntries(audit, "user_id=" + user + "&limit=1000").size() >= 20);
      System.out.printf(
          "[late] 20 of 20 audited %.1f s after the app started%n",
          (System.nanoTime() - appStart) / 1e9);
      List<JsonNode> entries = auditEntries(audit, "user_id=" + user + "&limit=1000");
      Set<String> audited = new HashSet<>();
      entries.forEach(e -> audited.add(e.get("task_id").asText()));
      assertThat(entries).hasSize(20);
      assertThat(audited).isEqualTo(created);
      assertThat(stack.messages(Topic.TASK_EVENTS.dlqName())).as("nothing dead-lettered").isEmpty();
    }
  }
}
