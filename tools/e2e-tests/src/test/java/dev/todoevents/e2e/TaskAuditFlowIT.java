package dev.todoevents.e2e;

import static dev.todoevents.e2e.SystemApi.auditEntries;
import static dev.todoevents.e2e.SystemApi.componentsOf;
import static dev.todoevents.e2e.SystemApi.createTask;
import static dev.todoevents.e2e.SystemApi.metric;
import static dev.todoevents.e2e.SystemApi.recordCount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.contracts.Topic;
import dev.todoevents.runtime.Daprd;
import dev.todoevents.runtime.KafkaBroker;
import dev.todoevents.runtime.ServiceApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The first event flow on real processes: a Kafka broker (KRaft), one daprd per app loading the
 * project's own components/, subscriptions/ and resiliency/, and the packaged task-service and
 * audit-service. Every port is free-picked; everything is stopped when the test ends.
 */
class TaskAuditFlowIT {

  @Test
  void everyTaskLandsInTheAuditLogExactlyOnceEvenWhenTheAuditServiceIsKilled() throws Exception {
    Path work = WorkDirs.create("task-audit-flow");
    try (Stack stack = Stack.start(work, AppIds.TASK_SERVICE, AppIds.AUDIT_SERVICE)) {
      KafkaBroker kafka = stack.kafka;
      Daprd taskSidecar = stack.sidecar(AppIds.TASK_SERVICE);
      ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
      ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);

      // 1. One task, created over HTTP, reaches the audit log through Kafka.
      String alice = "alice-" + UUID.randomUUID();
      // The caller's W3C trace context travels with the event to the consumer.
      String traceId = UUID.randomUUID().toString().replace("-", "");
      Http.Reply firstReply =
          Http.post(
              tasks.baseUrl() + "/tasks",
              "{\"user_id\":\"" + alice + "\",\"title\":\"Buy oat milk\"}",
              "application/json",
              Stack.auth(alice, "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
      assertThat(firstReply.status()).isEqualTo(201);
      String firstTask = firstReply.body().get("id").asText();
      // Per-user isolation on the real app: no token 401, someone else's token 404.
      assertThat(Http.get(tasks.baseUrl() + "/tasks/" + firstTask).status()).isEqualTo(401);
      assertThat(Http.get(tasks.baseUrl() + "/tasks/" + firstTask, Stack.auth("mallory")).status())
          .isEqualTo(404);
      assertThat(Http.get(tasks.baseUrl() + "/tasks/" + firstTask, Stack.auth(alice)).status())
          .isEqualTo(200);
      await("audit entry for the first task")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(() -> assertThat(auditEntries(audit, "task_id=" + firstTask)).hasSize(1));
      JsonNode entry = auditEntries(audit, "task_id=" + firstTask).get(0);
      assertThat(entry.get("event_type").asText()).isEqualTo("todo.task.created");
      assertThat(entry.get("user_id").asText()).isEqualTo(alice);
      assertThat(entry.get("source").asText()).isEqualTo(AppIds.TASK_SERVICE);
      assertThat(entry.get("correlation_id").asText()).isNotBlank();
      assertThat(entry.at("/event/task_data/title").asText()).isEqualTo("Buy oat milk");
      assertThat(entry.get("traceparent").asText()).startsWith("00-" + traceId + "-");

      // 2. The audit service dies (SIGKILL); 100 more tasks are created meanwhile.
      audit.kill();
      String bob = "bob-" + UUID.randomUUID();
      Set<String> created = new HashSet<>();
      for (int i = 0; i < 100; i++) {
        created.add(createTask(tasks, bob, "task " + i));
      }
      assertThat(created).hasSize(100);

      // 3. It restarts on the same port and database; nothing is lost, nothing doubled.
      audit.start();
      await("all 100 tasks in the audit log")
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> assertThat(auditEntries(audit, "user_id=" + bob + "&limit=1000")).hasSize(100));

      List<JsonNode> bobs = auditEntries(audit, "user_id=" + bob + "&limit=1000");
      List<JsonNode> alices = auditEntries(audit, "user_id=" + alice + "&limit=1000");
      assertThat(alices).hasSize(1);
      assertThat(bobs.stream().map(e -> e.get("task_id").asText()).collect(Collectors.toSet()))
          .isEqualTo(created);
      Set<String> eventIds = new HashSet<>();
      for (JsonNode e : java.util.stream.Stream.concat(alices.stream(), bobs.stream()).toList()) {
        assertThat(eventIds.add(e.get("event_id").asText()))
            .as("event_id %s recorded once", e.get("event_id").asText())
            .isTrue();
      }
      assertThat(eventIds).hasSize(101);
      // They came through bulkSubscribe (subscriptions/audit-task-events.yaml), several per
      // request.
      double bulkRequests = metric(audit, "todo_events_bulk_requests_total{topic=\"task-events\"}");
      System.out.printf(
          "[audit] 100 events after the restart arrived in %.0f bulk request(s)%n", bulkRequests);
      // Nothing was given up on: the dead-letter topic stayed empty.
      assertThat(stack.messages(Topic.TASK_EVENTS.dlqName())).isEmpty();
      if (stack.onKafka()) {
        // Kafka batches natively; the other brokers deliver one at a time, which Dapr's bulk
        // emulation turns into batches of one (README, Swapping the broker).
        assertThat(bulkRequests).as("batched, not one request per event").isBetween(1.0, 99.0);
        assertThat(recordCount(kafka, Topic.TASK_EVENTS.topicName())).isEqualTo(101);
      }

      // 4. A poison event (schema violation) published by another producer goes to the DLQ at
      //    once, with the error and the original message; it never reaches the audit log.
      String poisonId = UUID.randomUUID().toString();
      String poisonTask = UUID.randomUUID().toString();
      String poison =
          "{\"specversion\":\"1.0\",\"id\":\""
              + poisonId
              + "\",\"source\":\"rogue\","
              + "\"type\":\"todo.task.created\",\"datacontenttype\":\"application/json\","
              + "\"data\":{\"event_id\":\""
              + poisonId
              + "\",\"schema_version\":1,"
              + "\"timestamp\":\"2026-11-23T10:00:00Z\",\"event_type\":\"created\","
              + "\"task_id\":\""
              + poisonTask
              + "\",\"user_id\":\""
              + bob
              + "\","
              + "\"task_data\":{\"status\":\"pending\",\"priority\":\"low\"}}}";
      Http.Reply published = Stack.publish(taskSidecar, "task-events", bob, poison);
      assertThat(published.status())
          .as("publish through the sidecar: %s", published.body())
          .isEqualTo(204);
      await("dead letter for the poison event")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(stack.messages(Topic.TASK_EVENTS.dlqName())).hasSize(1));
      JsonNode letter = stack.messages(Topic.TASK_EVENTS.dlqName()).get(0);
      JsonNode data = letter.get("data");
      assertThat(data.get("event_id").asText()).isEqualTo(poisonId);
      assertThat(data.get("source_topic").asText()).isEqualTo(Topic.TASK_EVENTS.topicName());
      assertThat(data.get("subscriber").asText()).isEqualTo(AppIds.AUDIT_SERVICE);
      assertThat(data.get("error_kind").asText()).isEqualTo("poison");
      assertThat(data.get("error").asText()).contains("schema violation").contains("title");
      assertThat(data.at("/original/data/task_id").asText()).isEqualTo(poisonTask);
      assertThat(auditEntries(audit, "task_id=" + poisonTask)).isEmpty();

      // 5. The tokens: the sidecar refuses an API call without DAPR_API_TOKEN, and the app
      //    refuses a delivery that does not come from its sidecar (no APP_API_TOKEN).
      Http.Reply noToken =
          Http.post(
              Stack.publishUrl(taskSidecar, "task-events", bob),
              poison,
              "application/cloudevents+json");
      assertThat(noToken.status())
          .as("publish without the API token: %s", noToken.body())
          .isEqualTo(401);
      Http.Reply forged =
          Http.post(
              audit.baseUrl() + "/events/task-events", poison, "application/cloudevents+json");
      assertThat(forged.status())
          .as("delivery not from the sidecar: %s", forged.body())
          .isEqualTo(401);
      assertThat(stack.messages(Topic.TASK_EVENTS.dlqName())).as("nothing got in").hasSize(1);
      System.out.println("[audit] without tokens: sidecar API 401, app delivery endpoint 401");

      // 6. The metrics the dashboard and alerts (k8s/observability) read are exported.
      assertThat(Http.text(tasks.baseUrl() + "/q/metrics"))
          .contains("todo_events_publish_seconds_bucket{", "todo_events_published_total{");
      assertThat(Http.text(audit.baseUrl() + "/q/metrics"))
          .contains(
              "todo_events_processing_seconds_bucket{",
              "event_type=\"todo.task.created\"",
              "todo_events_invalid_total{",
              "todo_events_deadlettered_total{");
      // The sidecars' own: audit-service's takes task-events in bulk (bulkSubscribe).
      assertThat(
              Http.text(
                  "http://127.0.0.1:"
                      + stack.sidecar(AppIds.AUDIT_SERVICE).metricsPort()
                      + "/metrics"))
          .contains("dapr_component_pubsub_ingress_bulk_event_count{");
      assertThat(Http.text("http://127.0.0.1:" + taskSidecar.metricsPort() + "/metrics"))
          .contains("dapr_component_pubsub_egress_count{");

      // 7. Component scopes: each sidecar loaded only the components its app needs.
      assertThat(componentsOf(taskSidecar)).containsExactlyInAnyOrder("pubsub", "reminder-tick");
      assertThat(componentsOf(stack.sidecar(AppIds.AUDIT_SERVICE)))
          .containsExactlyInAnyOrder("pubsub", "statestore");
    }
  }
}
