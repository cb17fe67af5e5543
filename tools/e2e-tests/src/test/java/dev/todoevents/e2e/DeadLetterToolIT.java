package dev.todoevents.e2e;

import static dev.todoevents.e2e.SystemApi.auditEntries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.contracts.DeadLetter;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.Topic;
import dev.todoevents.dlq.DlqTool;
import dev.todoevents.runtime.ServiceApp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * tools/dlq.sh's commands against real Kafka, daprd and audit-service: dead letters of both kinds
 * are counted, listed and shown; a replay delivers each one once (a second replay finds nothing
 * new) with its event_id, so audit-service records it once; purge deletes what was replayed and
 * nothing else.
 */
class DeadLetterToolIT {

  private record Run(int status, String out) {}

  private static Run dlq(String brokers, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--brokers";
    all[args.length + 1] = brokers;
    int status = DlqTool.run(all, new PrintStream(out, true), new PrintStream(err, true));
    String text = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    System.out.printf("[dlq] %s -> %d%n%s", String.join(" ", args), status, text.indent(6));
    return new Run(status, text);
  }

  @Test
  void deadLettersAreCountedShownReplayedOnceAndPurged() throws Exception {
    Stack.assumeKafka("the DLQ tool reads Kafka");
    Path work = WorkDirs.create("dead-letter-tool");
    try (Stack stack = Stack.start(work, AppIds.TASK_SERVICE, AppIds.AUDIT_SERVICE)) {
      ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);
      String brokers = stack.kafka.bootstrapServers();
      String dlqTopic = Topic.TASK_EVENTS.dlqName();
      String user = "dora-" + UUID.randomUUID();

      // Two dead letters whose events are fine by now: one as Dapr forwards a message after
      // its retries (the original CloudEvent), one as a consumer writes it (with context).
      ObjectNode forwarded = SampleEvents.taskCreated(user);
      ObjectNode condemned = SampleEvents.taskCreated(user);
      DeadLetter letter =
          new DeadLetter(
              condemned.get("id").asText(),
              Topic.TASK_EVENTS.topicName(),
              AppIds.AUDIT_SERVICE,
              "database unavailable (test)",
              DeadLetter.KIND_RETRIES_EXHAUSTED,
              "java.sql.SQLException",
              6,
              Instant.now().minusSeconds(7),
              Instant.now(),
              condemned,
              null);
      ObjectNode letterEvent =
          Events.MAPPER
              .createObjectNode()
              .put("specversion", "1.0")
              .put("id", UUID.randomUUID().toString())
              .put("type", DeadLetter.TYPE)
              .put("source", AppIds.AUDIT_SERVICE)
              .put("datacontenttype", "application/json");
      letterEvent.set("data", Events.MAPPER.valueToTree(letter));
      Properties p = new Properties();
      p.put("bootstrap.servers", brokers);
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        producer
            .send(new ProducerRecord<>(dlqTopic, user, forwarded.toString()))
            .get(30, TimeUnit.SECONDS);
        producer
            .send(new ProducerRecord<>(dlqTopic, user, letterEvent.toString()))
            .get(30, TimeUnit.SECONDS);
      }

      Run count = dlq(brokers, "count", "--topic", dlqTopic);
      assertThat(count.status()).isZero();
      assertThat(count.out())
          .contains(dlqTopic + ": 2")
          .contains("retries_exhausted")
          .contains("database unavailable (test)");
      Run list = dlq(brokers, "list", "--json");
      assertThat(list.out().lines().filter(l -> l.startsWith("{"))).hasSize(2);
      Run show = dlq(brokers, "show", "--event-id", condemned.get("id").asText());
      assertThat(show.out())
          .contains("\"subscriber\" : \"audit-service\"")
          .contains(condemned.at("/data/task_id").asText());

      // Replay: both go back to task-events with their key and event_id; audit records each once.
      assertThat(dlq(brokers, "replay", "--all").out()).contains("2 record(s) replayed");
      for (ObjectNode e : new ObjectNode[] {forwarded, condemned}) {
        String taskId = e.at("/data/task_id").asText();
        await("replayed " + taskId + " audited")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> auditEntries(audit, "task_id=" + taskId).size() == 1);
        assertThat(auditEntries(audit, "task_id=" + taskId).get(0).get("event_id").asText())
            .isEqualTo(e.get("id").asText());
      }
      assertThat(dlq(brokers, "replay", "--all").out())
          .as("each record once")
          .contains("0 record(s) replayed");

      // A real poison message, dead-lettered by audit-service with its error, is not replayed yet.
      String poisonId = UUID.randomUUID().toString();
      ObjectNode poison = SampleEvents.taskCreated(user);
      poison.put("id", poisonId);
      ((ObjectNode) poison.get("data")).put("event_id", poisonId);
      ((ObjectNode) poison.at("/data/task_data")).remove("title");
      Http.Reply published =
          Stack.publish(stack.sidecar(AppIds.TASK_SERVICE), "task-events", user, poison.toString());
      assertThat(published.status()).isEqualTo(204);
      await("poison dead-lettered")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> dlq(brokers, "list", "--reason", "schema violation").out().contains(poisonId));
      assertThat(dlq(brokers, "show", "--event-id", poisonId).out())
          .contains("title")
          .contains("\"kind\" : \"poison\"");

      // Purge deletes what was replayed and keeps the rest; --all empties the topic.
      assertThat(dlq(brokers, "purge", "--topic", dlqTopic).status()).isZero();
      Run after = dlq(brokers, "list", "--topic", dlqTopic, "--json");
      assertThat(after.out().lines().filter(l -> l.startsWith("{")))
          .singleElement()
          .asString()
          .contains(poisonId);
      assertThat(dlq(brokers, "purge", "--all", "--topic", dlqTopic).status()).isZero();
      assertThat(dlq(brokers, "count", "--topic", dlqTopic).out()).contains(dlqTopic + ": 0");
      assertThat(dlq(brokers, "replay").status())
          .as("replay without a selection is refused")
          .isEqualTo(1);
    }
  }
}
