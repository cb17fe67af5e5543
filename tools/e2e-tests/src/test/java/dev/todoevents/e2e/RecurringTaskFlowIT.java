package dev.todoevents.e2e;

import static dev.todoevents.e2e.SystemApi.auditEntries;
import static dev.todoevents.e2e.SystemApi.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.contracts.Recurrence;
import dev.todoevents.runtime.ServiceApp;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Completing a recurring task creates exactly one next occurrence, through real Kafka, the
 * recurring-task-service's routing rule and Dapr HTTP service invocation of task-service; a
 * redelivered completion creates nothing more; the new task's event names the completion as its
 * cause. Only recurring-task-service may invoke task-service's internal endpoint (Dapr access
 * control on mTLS identities); other apps are refused by task-service's sidecar.
 */
@ExtendWith(SharedStack.class)
class RecurringTaskFlowIT {

  private static final String DUPLICATES = "todo_events_duplicates_total{topic=\"task-events\"}";

  @Test
  void aCompletedRecurringTaskGetsExactlyOneNextOccurrenceCausedByTheCompletion(Stack stack) {
    ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
    ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);
    ServiceApp recurring = stack.app(AppIds.RECURRING_TASK_SERVICE);
    String user = "carol-" + UUID.randomUUID();
    String correlation = "chat-turn-" + UUID.randomUUID();
    // recurring-task-service's counter is shared with the other tests on this stack.
    double duplicates = metric(recurring, DUPLICATES);

    Http.Reply created =
        Http.post(
            tasks.baseUrl() + "/tasks",
            "{\"user_id\":\""
                + user
                + "\",\"title\":\"Water plants\",\"recurrence\":\"weekly\","
                + "\"due_at\":\"2026-12-01T08:00:00Z\",\"remind_at\":\"2026-12-01T07:30:00Z\"}",
            "application/json",
            Stack.auth(user, "X-Correlation-Id", correlation));
    assertThat(created.status()).isEqualTo(201);
    String first = created.body().get("id").asText();
    String traceId = UUID.randomUUID().toString().replace("-", "");
    Http.Reply completed =
        Http.post(
            tasks.baseUrl() + "/tasks/" + first + "/complete",
            "",
            "application/json",
            Stack.auth(
                user,
                "X-Correlation-Id",
                correlation,
                "traceparent",
                "00-" + traceId + "-b7ad6b7169203331-01"));
    assertThat(completed.status()).isEqualTo(200);

    String expectedNext = Recurrence.occurrenceId(user, UUID.fromString(first), 2).toString();
    await("next occurrence")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () ->
                assertThat(
                        Http.get(tasks.baseUrl() + "/tasks/" + expectedNext, Stack.auth(user))
                            .status())
                    .isEqualTo(200));
    JsonNode next = Http.get(tasks.baseUrl() + "/tasks/" + expectedNext, Stack.auth(user)).body();
    assertThat(next.get("status").asText()).isEqualTo("pending");
    assertThat(next.get("due_at").asText()).isEqualTo("2026-12-08T08:00:00Z");
    assertThat(next.get("remind_at").asText()).isEqualTo("2026-12-08T07:30:00Z");
    assertThat(next.get("series_id").asText()).isEqualTo(first);
    assertThat(next.get("occurrence").asInt()).isEqualTo(2);

    // Causality: the completion caused the next occurrence, all under the user's correlation.
    await("audit entries of the chain")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(auditEntries(audit, "task_id=" + expectedNext)).hasSize(1));
    JsonNode completion =
        auditEntries(audit, "task_id=" + first + "&event_type=todo.task.completed").get(0);
    JsonNode nextCreated = auditEntries(audit, "task_id=" + expectedNext).get(0);
    assertThat(nextCreated.get("event_type").asText()).isEqualTo("todo.task.created");
    assertThat(nextCreated.get("causation_id").asText())
        .isEqualTo(completion.get("event_id").asText());
    assertThat(nextCreated.get("correlation_id").asText()).isEqualTo(correlation);
    assertThat(completion.get("correlation_id").asText()).isEqualTo(correlation);
    // One trace from the REST call that completed the task, through recurring-task-service and
    // its service invocation, to the next occurrence's created event.
    assertThat(completion.get("traceparent").asText()).startsWith("00-" + traceId + "-");
    assertThat(nextCreated.get("traceparent").asText()).startsWith("00-" + traceId + "-");

    // The same completion delivered again (same event_id, published anew): nothing new.
    String again =
        "{\"specversion\":\"1.0\",\"id\":\""
            + completion.get("event_id").asText()
            + "\","
            + "\"source\":\"task-service\",\"type\":\"todo.task.completed\","
            + "\"datacontenttype\":\"application/json\",\"correlationid\":\""
            + correlation
            + "\","
            + "\"data\":"
            + completion.get("event")
            + "}";
    Http.Reply republished =
        Stack.publish(stack.sidecar(AppIds.TASK_SERVICE), "task-events", user, again);
    assertThat(republished.status()).isEqualTo(204);
    await("redelivery handled")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(metric(recurring, DUPLICATES) - duplicates).isEqualTo(1));
    List<JsonNode> all =
        StreamSupport.stream(
                Http.get(tasks.baseUrl() + "/tasks", Stack.auth(user)).body().spliterator(), false)
            .toList();
    assertThat(all)
        .extracting(t -> t.get("id").asText())
        .containsExactlyInAnyOrder(first, expectedNext);

    // Access control (tools/dapr/task-service-config.yaml): task-service's sidecar knows the
    // caller by its mTLS certificate from Sentry, and lets only recurring-task-service create
    // tasks through POST /internal/tasks.
    String spare = UUID.randomUUID().toString();
    String internalBody =
        "{\"id\":\"" + spare + "\",\"user_id\":\"" + user + "\",\"title\":\"by invocation\"}";
    Http.Reply byAudit =
        Stack.invoke(
            stack.sidecar(AppIds.AUDIT_SERVICE),
            "POST",
            AppIds.TASK_SERVICE,
            "internal/tasks",
            internalBody);
    assertThat(byAudit.status())
        .as("audit-service invoking the internal endpoint: %s", byAudit.body())
        .isEqualTo(403);
    assertThat(byAudit.body().toString())
        .contains(
            "access control policy has denied access to id: spiffe://public/ns/todo-events/audit-service");
    Http.Reply publicByAudit =
        Stack.invoke(
            stack.sidecar(AppIds.AUDIT_SERVICE),
            "GET",
            AppIds.TASK_SERVICE,
            "tasks/" + first,
            null);
    assertThat(publicByAudit.status())
        .as("audit-service reading a task: %s", publicByAudit.body())
        .isEqualTo(403);
    Http.Reply otherVerb =
        Stack.invoke(
            stack.sidecar(AppIds.RECURRING_TASK_SERVICE),
            "DELETE",
            AppIds.TASK_SERVICE,
            "tasks/" + first,
            null);
    assertThat(otherVerb.status())
        .as("recurring-task-service deleting a task: %s", otherVerb.body())
        .isEqualTo(403);
    assertThat(Http.get(tasks.baseUrl() + "/tasks/" + first, Stack.auth(user)).status())
        .isEqualTo(200);
    // Straight to the app's port, around the sidecar: no app token, refused by the app.
    Http.Reply direct = Http.post(tasks.baseUrl() + "/internal/tasks", internalBody);
    assertThat(direct.status()).isEqualTo(401);
    assertThat(Http.get(tasks.baseUrl() + "/tasks/" + spare, Stack.auth(user)).status())
        .isEqualTo(404);
    // The one allowed caller.
    Http.Reply byRecurring =
        Stack.invoke(
            stack.sidecar(AppIds.RECURRING_TASK_SERVICE),
            "POST",
            AppIds.TASK_SERVICE,
            "internal/tasks",
            internalBody);
    assertThat(byRecurring.status())
        .as("recurring-task-service: %s", byRecurring.body())
        .isEqualTo(201);
    assertThat(Http.get(tasks.baseUrl() + "/tasks/" + spare, Stack.auth(user)).status())
        .isEqualTo(200);
  }
}
