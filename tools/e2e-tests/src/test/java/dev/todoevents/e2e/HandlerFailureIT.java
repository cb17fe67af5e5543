package dev.todoevents.e2e;

import static dev.todoevents.e2e.SystemApi.auditEntries;
import static dev.todoevents.e2e.SystemApi.createTask;
import static dev.todoevents.e2e.SystemApi.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.contracts.DeadLetter;
import dev.todoevents.contracts.Topic;
import dev.todoevents.runtime.Daprd;
import dev.todoevents.runtime.ServiceApp;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The failure classes of a consumer on real processes (Kafka, daprd, audit-service with its bulk
 * subscription): a handler that fails a few times is retried by Dapr and takes effect once; one
 * that always fails is dead-lettered by the app with its context after the attempt limit and is not
 * redelivered after a restart; an unknown schema_version is skipped and counted; the same event_id
 * twice has one effect. The handler's failures are injected with {@code
 * todo.events.fault-injection.fail-attempts}, which fails the first N deliveries of each event
 * inside the app, just before its handler.
 */
@Tag("slow")
class HandlerFailureIT {

  private static final String FAIL = "TODO_EVENTS_FAULT_INJECTION_FAIL_ATTEMPTS";

  @Test
  void retriedThenProcessedOnceOrDeadLetteredWithContextAndNotRedelivered() throws Exception {
    Path work = WorkDirs.create("handler-failure");
    try (Stack stack =
        Stack.start(
            work, Set.of(AppIds.AUDIT_SERVICE), AppIds.TASK_SERVICE, AppIds.AUDIT_SERVICE)) {
      ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
      ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE).start(Map.of(FAIL, "3"));
      String dlq = Topic.TASK_EVENTS.dlqName();
      String user = "fay-" + UUID.randomUUID();

      // 1. The handler fails 3 times, then succeeds: audited once, nothing dead-lettered.
      long t0 = System.nanoTime();
      String flaky = createTask(tasks, user, "fails three times");
      await("the task audited after 3 failed attempts")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> !auditEntries(audit, "task_id=" + flaky).isEmpty());
      double seconds = (System.nanoTime() - t0) / 1e9;
      double failures = metric(audit, "todo_events_failures_total{topic=\"task-events\"}");
      System.out.printf(
          "[failures] fails 3 times then succeeds: %.0f failed attempts, audited %.1f s after the POST%n",
          failures, seconds);
      assertThat(failures).isEqualTo(3);
      assertThat(auditEntries(audit, "task_id=" + flaky)).hasSize(1);
      assertThat(stack.messages(dlq).size()).isZero();

      // 2. The handler always fails: after 6 attempts (the first and 5 retries) the app writes
      //    the event to the DLQ with its context and acknowledges it.
      audit.stop();
      audit.start(Map.of(FAIL, "1000"));
      Instant posted = Instant.now();
      String doomed = createTask(tasks, user, "always fails");
      await("the dead letter")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> stack.messages(dlq).size() == 1);
      Instant lettered = Instant.now();
      JsonNode letter = stack.messages(dlq).get(0).get("data");
      Instant first = Instant.parse(letter.get("first_failed_at").asText());
      Instant last = Instant.parse(letter.get("failed_at").asText());
      System.out.printf(
          "[failures] always fails: %d attempts from %s to %s (%.1f s), in the DLQ %.1f s after the POST%n",
          letter.get("attempts").asInt(),
          first,
          last,
          Duration.between(first, last).toMillis() / 1e3,
          Duration.between(posted, lettered).toMillis() / 1e3);
      assertThat(letter.get("error_kind").asText()).isEqualTo(DeadLetter.KIND_RETRIES_EXHAUSTED);
      assertThat(letter.get("attempts").asInt()).isEqualTo(6);
      assertThat(letter.get("source_topic").asText()).isEqualTo(Topic.TASK_EVENTS.topicName());
      assertThat(letter.get("subscriber").asText()).isEqualTo(AppIds.AUDIT_SERVICE);
      assertThat(letter.get("exception").asText()).endsWith("InjectedFailure");
      assertThat(letter.get("error").asText()).contains("injected failure 6 of 1000");
      assertThat(first).isBefore(last);
      // Dapr's backoff between the attempts (0.5, 0.75, 1.1, 1.7, 2.5 s, +-50 %): seconds, not ms.
      assertThat(Duration.between(first, last))
          .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(30));
      assertThat(letter.at("/original/data/task_id").asText()).isEqualTo(doomed);
      assertThat(letter.at("/original/type").asText()).isEqualTo("todo.task.created");
      assertThat(auditEntries(audit, "task_id=" + doomed)).isEmpty();

      // 3. Restarted without the fault: the dead-lettered event does not come back (a later
      //    event is audited, that one is not), and the DLQ holds it once.
      audit.stop();
      audit.start();
      String later = createTask(tasks, user, "after the restart");
      await("the later task audited")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> !auditEntries(audit, "task_id=" + later).isEmpty());
      Thread.sleep(2000);
      assertThat(auditEntries(audit, "task_id=" + doomed))
          .as("not redelivered after the restart")
          .isEmpty();
      assertThat(stack.messages(dlq).size()).isEqualTo(1);
      System.out.println(
          "[failures] after the restart: dead-lettered event not redelivered, DLQ holds 1 record");

      // 4. The same event_id published twice: one effect, the second counted as a duplicate.
      Daprd taskSidecar = stack.sidecar(AppIds.TASK_SERVICE);
      ObjectNode twice = event(user, 1);
      publish(taskSidecar, twice, user);
      publish(taskSidecar, twice, user);
      String twiceTask = twice.at("/data/task_id").asText();
      await("the event published twice is audited")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> metric(audit, "todo_events_duplicates_total{topic=\"task-events\"}") >= 1);
      assertThat(auditEntries(audit, "task_id=" + twiceTask)).hasSize(1);

      // 5. An unknown schema_version: skipped, counted, not audited, not dead-lettered.
      ObjectNode future = event(user, 99);
      ((ObjectNode) future.get("data")).put("shape_of_things_to_come", true);
      publish(taskSidecar, future, user);
      await("the v99 event counted as skipped")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  metric(
                          audit,
                          "todo_events_skipped_total{reason=\"schema_version\",topic=\"task-events\"}")
                      == 1);
      assertThat(auditEntries(audit, "task_id=" + future.at("/data/task_id").asText())).isEmpty();
      assertThat(stack.messages(dlq).size()).isEqualTo(1);
      assertThat(audit.process().tail(400))
          .contains("skipped event_id=" + future.get("id").asText());
      System.out.println(
          "[failures] same event_id twice: 1 audit entry, 1 duplicate counted; schema_version 99: skipped and counted");
    }
  }

  /** The shared task-created sample as a new task of user, with the given schema_version. */
  private static ObjectNode event(String user, int schemaVersion) {
    ObjectNode event = SampleEvents.taskCreated(user);
    ((ObjectNode) event.get("data")).put("schema_version", schemaVersion);
    return event;
  }

  private static void publish(Daprd sidecar, ObjectNode cloudEvent, String key) {
    Http.Reply r = Stack.publish(sidecar, "task-events", key, cloudEvent.toString());
    assertThat(r.status()).as("publish through the sidecar: %s", r.body()).isEqualTo(204);
  }
}
