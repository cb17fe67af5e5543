package dev.todoevents.e2e;

import static dev.todoevents.e2e.TaskAuditFlowIT.auditEntries;
import static dev.todoevents.e2e.TaskAuditFlowIT.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.contracts.Topic;
import dev.todoevents.contracts.Recurrence;
import dev.todoevents.testsupport.Daprd;
import dev.todoevents.testsupport.ServiceApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The broker swap: the same flows and guarantees on each broker behind the component
 * {@code pubsub}, with nothing changed but the component file (components/brokers/<broker>/):
 * Kafka, Redis Streams, RabbitMQ and NATS JetStream, each a real server started here. Per
 * broker: a task created and a recurring one completed (publish, two consumers, service
 * invocation of the next occurrence); the same event_id twice has one effect; a poison event
 * goes to the DLQ with its context (read from the broker itself); an app publishing a topic it
 * does not own is refused by its sidecar (topic scopes) and nothing is delivered; and with
 * audit-service and its sidecar SIGKILLed while events are published, every event is audited
 * exactly once after they come back. Prints the figures per broker.
 */
class BrokerMatrixIT {

  private static final int WHILE_DOWN = 20;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"kafka", "redis", "rabbitmq", "jetstream"})
  void sameFlowsAndGuaranteesOnEachBroker(String broker) throws Exception {
    Path work = WorkDirs.create("broker-" + broker);
    long t0 = System.nanoTime();
    try (Stack stack = Stack.start(work, broker, Set.of(), AppIds.TASK_SERVICE, AppIds.AUDIT_SERVICE, AppIds.RECURRING_TASK_SERVICE)) {
      System.out.printf("[broker %s] %s and 3 apps with sidecars up in %.1f s%n", broker, stack.pubsub, (System.nanoTime() - t0) / 1e9);
      ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
      ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);
      Daprd taskSidecar = stack.sidecar(AppIds.TASK_SERVICE);
      String user = "mia-" + broker + "-" + UUID.randomUUID();

      // 1. A weekly task created and completed: audited, and recurring-task-service creates the
      //    next occurrence through service invocation of task-service.
      long t1 = System.nanoTime();
      Http.Reply created = Http.post(tasks.baseUrl() + "/tasks",
          "{\"title\":\"Water plants\",\"recurrence\":\"weekly\",\"due_at\":\"2026-12-01T08:00:00Z\"}",
          "application/json", Stack.auth(user));
      assertThat(created.status()).as("POST /tasks: %s", created.body()).isEqualTo(201);
      String first = created.body().get("id").asText();
      assertThat(Http.post(tasks.baseUrl() + "/tasks/" + first + "/complete", "", "application/json", Stack.auth(user)).status())
          .isEqualTo(200);
      String next = Recurrence.occurrenceId(user, UUID.fromString(first), 2).toString();
      await("[" + broker + "] the next occurrence, audited")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(() -> assertThat(auditEntries(audit, "task_id=" + next)).hasSize(1));
      assertThat(Http.get(tasks.baseUrl() + "/tasks/" + next, Stack.auth(user)).body().get("due_at").asText())
          .isEqualTo("2026-12-08T08:00:00Z");
      assertThat(auditEntries(audit, "task_id=" + first)).hasSize(2); // created, completed
      System.out.printf("[broker %s] created + completed -> next occurrence created and audited in %.2f s%n",
          broker, (System.nanoTime() - t1) / 1e9);

      // 2. The same event_id published twice: one audit entry. JetStream drops the second copy
      //    itself (the component sends the CloudEvent id as Nats-Msg-Id; the stream's duplicate
      //    window is 2 minutes), so there the stream holds it once; the other brokers deliver
      //    both and audit-service counts the second as a duplicate.
      ObjectNode twice = SampleEvents.taskCreated(user);
      publish(taskSidecar, twice, user);
      publish(taskSidecar, twice, user);
      String twiceTask = twice.at("/data/task_id").asText();
      String twiceId = twice.get("id").asText();
      await("[" + broker + "] the event published twice, audited")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> auditEntries(audit, "task_id=" + twiceTask).size() == 1);
      String duplicateSeenBy;
      if (broker.equals("jetstream")) {
        long copies = stack.pubsub.messages(Topic.TASK_EVENTS.topicName()).stream().filter(m -> m.contains(twiceId)).count();
        assertThat(copies).as("copies of the event in the stream").isEqualTo(1);
        duplicateSeenBy = "the broker (1 copy in the stream)";
      } else {
        await("[" + broker + "] the duplicate recognised")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> metric(audit, "todo_events_duplicates_total{topic=\"task-events\"}") >= 1);
        duplicateSeenBy = "audit-service (duplicates_total 1)";
      }
      Thread.sleep(1000);
      assertThat(auditEntries(audit, "task_id=" + twiceTask)).hasSize(1);

      // 3. A poison event (no title): dead-lettered by audit-service with the error and the
      //    original, read back from the broker's own dead-letter topic/queue/stream.
      ObjectNode poison = SampleEvents.taskCreated(user);
      ((ObjectNode) poison.at("/data/task_data")).remove("title");
      String poisonId = poison.get("id").asText();
      publish(taskSidecar, poison, user);
      String dlq = Topic.TASK_EVENTS.dlqName();
      await("[" + broker + "] the poison event in " + dlq)
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> !lettersOf(stack, dlq, poisonId, AppIds.AUDIT_SERVICE).isEmpty());
      JsonNode letter = lettersOf(stack, dlq, poisonId, AppIds.AUDIT_SERVICE).get(0);
      assertThat(letter.get("error_kind").asText()).isEqualTo("poison");
      assertThat(letter.get("error").asText()).contains("schema violation").contains("title");
      assertThat(letter.get("source_topic").asText()).isEqualTo(Topic.TASK_EVENTS.topicName());
      assertThat(letter.at("/original/data/task_id").asText()).isEqualTo(poison.at("/data/task_id").asText());
      assertThat(auditEntries(audit, "task_id=" + poison.at("/data/task_id").asText())).isEmpty();
      System.out.printf("[broker %s] same event_id twice: 1 entry, dropped by %s; poison: in %s with error_kind=poison%n",
          broker, duplicateSeenBy, dlq);

      // 4. Topic scopes (publishingScopes on every broker's pubsub): audit-service's sidecar, with
      //    audit-service's own API token, refuses to publish to task-events, which only
      //    task-service may publish, and nothing reaches a consumer. A task event published after
      //    it through task-service's sidecar is audited; by then a leaked one would be too.
      ObjectNode forged = SampleEvents.taskCreated(user);
      String forgedTask = forged.at("/data/task_id").asText();
      Http.Reply refused = Stack.publish(stack.sidecar(AppIds.AUDIT_SERVICE), Topic.TASK_EVENTS.topicName(), user, forged.toString());
      assertThat(refused.status()).as("publish to task-events through audit-service's sidecar: %s", refused.body()).isEqualTo(403);
      assertThat(refused.body().path("errorCode").asText()).isEqualTo("ERR_PUBSUB_FORBIDDEN");
      assertThat(refused.body().path("message").asText()).contains(AppIds.AUDIT_SERVICE);
      ObjectNode after = SampleEvents.taskCreated(user);
      publish(taskSidecar, after, user);
      await("[" + broker + "] the event task-service published after the refused one, audited")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> auditEntries(audit, "task_id=" + after.at("/data/task_id").asText()).size() == 1);
      assertThat(auditEntries(audit, "task_id=" + forgedTask)).as("entries of the refused event").isEmpty();
      System.out.printf("[broker %s] publish to task-events through audit-service's sidecar: %d %s, nothing delivered%n",
          broker, refused.status(), refused.body().path("errorCode").asText());

      // 5. audit-service and its sidecar SIGKILLed; tasks created while they are down; both back:
      //    every one audited exactly once, nothing in the DLQ but the poison event.
      audit.kill();
      Daprd auditSidecar = stack.sidecar(AppIds.AUDIT_SERVICE);
      auditSidecar.kill();
      List<String> whileDown = new ArrayList<>();
      for (int i = 0; i < WHILE_DOWN; i++) {
        whileDown.add(TaskAuditFlowIT.createTask(tasks, user, "while down " + i));
      }
      long back = System.nanoTime();
      auditSidecar.restart();
      audit.start();
      await("[" + broker + "] the tasks created while audit-service was down, audited")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> auditedOnce(audit, whileDown) == WHILE_DOWN);
      double recovered = (System.nanoTime() - back) / 1e9;
      Thread.sleep(2000); // late redeliveries would show up as second entries
      Set<String> eventIds = new HashSet<>();
      int outOfOrder = 0;
      int expected = 0;
      for (JsonNode e : auditEntries(audit, "user_id=" + user + "&limit=1000")) {
        eventIds.add(e.get("event_id").asText());
        String title = e.at("/event/task_data/title").asText();
        if (title.startsWith("while down ")) {
          outOfOrder += title.equals("while down " + expected) ? 0 : 1;
          expected++;
        }
      }
      for (String task : whileDown) {
        assertThat(auditEntries(audit, "task_id=" + task)).as("entries of %s", task).hasSize(1);
      }
      assertThat(lettersOf(stack, dlq, null, null)).as("dead letters").hasSize(lettersOf(stack, dlq, poisonId, null).size());
      System.out.printf("[broker %s] consumer + sidecar SIGKILLed: %d of %d created while down audited once, %.1f s after the"
              + " restart; %d distinct event_ids audited for the user; %d out of publish order%n",
          broker, auditedOnce(audit, whileDown), WHILE_DOWN, recovered, eventIds.size(), outOfOrder);
    }
  }

  private static void publish(Daprd sidecar, ObjectNode cloudEvent, String key) {
    Http.Reply r = Stack.publish(sidecar, Topic.TASK_EVENTS.topicName(), key, cloudEvent.toString());
    assertThat(r.status()).as("publish through the sidecar: %s", r.body()).isEqualTo(204);
  }

  /** Dead letters in the broker's {@code dlq}, optionally only of one event_id and subscriber. */
  private static List<JsonNode> lettersOf(Stack stack, String dlq, String eventId, String subscriber) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode m : stack.messages(dlq)) {
      JsonNode data = m.path("data");
      if ((eventId == null || eventId.equals(data.path("event_id").asText()))
          && (subscriber == null || subscriber.equals(data.path("subscriber").asText()))) {
        out.add(data);
      }
    }
    return out;
  }


  private static int auditedOnce(ServiceApp audit, List<String> tasks) {
    int n = 0;
    for (String t : tasks) {
      n += auditEntries(audit, "task_id=" + t).size() == 1 ? 1 : 0;
    }
    return n;
  }
}
