package dev.todoevents.e2e;

import static dev.todoevents.e2e.SystemApi.auditEntries;
import static dev.todoevents.e2e.SystemApi.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.runtime.Daprd;
import dev.todoevents.runtime.ServiceApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * task-service's transactional outbox on real processes. Its sidecar is SIGKILLed, so every change
 * commits with its events unsent; then task-service itself is SIGKILLed (a crash between commit and
 * publish), both come back, and every acknowledged change reaches the audit log exactly once. A
 * longer outage makes the API refuse writes (503) instead of queueing them.
 */
@Tag("slow")
class OutboxFlowIT {

  @Test
  void acknowledgedWritesSurviveADeadSidecarAndACrashBeforePublishing() throws Exception {
    Path work = WorkDirs.create("outbox-flow");
    try (Stack stack = Stack.start(work, AppIds.TASK_SERVICE, AppIds.AUDIT_SERVICE)) {
      ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
      ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);
      Daprd sidecar = stack.sidecar(AppIds.TASK_SERVICE);
      String user = "olga-" + UUID.randomUUID();
      Set<String> acknowledged = new HashSet<>();
      acknowledged.add(SystemApi.createTask(tasks, user, "before"));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> auditEntries(audit, "user_id=" + user).size() == 1);

      // 1. No sidecar: changes are stored with their events in the outbox (201), not published.
      sidecar.kill();
      for (int i = 0; i < 5; i++) {
        acknowledged.add(SystemApi.createTask(tasks, user, "while the sidecar is dead " + i));
      }
      double pending = metric(tasks, "todo_outbox_pending");
      System.out.printf(
          "[outbox] sidecar dead: 5 writes acknowledged, %.0f events pending%n", pending);
      assertThat(pending).isEqualTo(10); // a TaskEvent and a TaskUpdateEvent each
      // Readiness includes the sidecar: the app is out of its Service while it has none.
      Http.Reply ready = Http.get(tasks.baseUrl() + "/q/health/ready");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.body().toString()).contains("dapr-sidecar");

      // 2. task-service dies too, before publishing any of them; both come back.
      tasks.kill();
      sidecar.restart();
      long restarted = System.nanoTime();
      tasks.start();
      assertThat(Http.get(tasks.baseUrl() + "/q/health/ready").status()).isEqualTo(200);
      await("the outbox drained by the restarted task-service")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> assertThat(auditEntries(audit, "user_id=" + user + "&limit=1000")).hasSize(6));
      System.out.printf(
          "[outbox] all 6 audited %.1f s after the restart began%n",
          (System.nanoTime() - restarted) / 1e9);
      assertThat(metric(tasks, "todo_outbox_pending")).isZero();

      // 3. A longer outage: after task.outbox.refuse-writes-after (5 s) writes get 503 and
      //    change nothing, instead of piling up; what was acknowledged still arrives.
      sidecar.kill();
      List<Integer> statuses = new ArrayList<>();
      Http.Reply refused = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (refused == null && System.nanoTime() < deadline) {
        String title = "during the outage " + statuses.size();
        Http.Reply r =
            Http.post(
                tasks.baseUrl() + "/tasks",
                "{\"title\":\"" + title + "\"}",
                "application/json",
                Stack.auth(user));
        statuses.add(r.status());
        if (r.status() == 201) {
          acknowledged.add(r.body().get("id").asText());
        } else {
          refused = r;
        }
        Thread.sleep(500);
      }
      System.out.printf("[outbox] outage answers: %s%n", statuses);
      assertThat(refused).as("a write is refused once the outage lasts").isNotNull();
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.body().get("error").asText()).isEqualTo("event_bus_unavailable");
      assertThat(statuses.subList(0, statuses.size() - 1)).containsOnly(201);

      sidecar.restart();
      int expected = acknowledged.size();
      await("every acknowledged write audited once")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () ->
                  assertThat(auditEntries(audit, "user_id=" + user + "&limit=1000"))
                      .hasSize(expected));
      List<JsonNode> entries = auditEntries(audit, "user_id=" + user + "&limit=1000");
      Set<String> audited = new HashSet<>();
      entries.forEach(e -> audited.add(e.get("task_id").asText()));
      assertThat(audited).isEqualTo(acknowledged);
      assertThat(Http.get(tasks.baseUrl() + "/tasks", Stack.auth(user)).body().size())
          .as("the refused write changed nothing")
          .isEqualTo(expected);
      await("writes accepted again")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Http.post(
                              tasks.baseUrl() + "/tasks",
                              "{\"title\":\"after\"}",
                              "application/json",
                              Stack.auth(user))
                          .status()
                      == 201);
    }
  }
}
