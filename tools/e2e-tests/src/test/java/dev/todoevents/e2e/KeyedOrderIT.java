package dev.todoevents.e2e;

import static dev.todoevents.e2e.SystemApi.auditEntries;
import static dev.todoevents.e2e.SystemApi.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.contracts.Topic;
import dev.todoevents.runtime.Daprd;
import dev.todoevents.runtime.ServiceApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 10,000 events keyed by user_id (20 users x 500, in sequence per user) written to task-events with
 * an idempotent acks=all producer, while audit-service is SIGKILLed mid-stream and restarted, and
 * then its sidecar too. Every event must be audited exactly once, and each user's audit log (append
 * order) must list that user's events in the order they were produced. Prints the counts.
 */
@Tag("slow")
class KeyedOrderIT {

  private static final int USERS = 20;
  private static final int PER_USER = 500;
  private static final int TOTAL = USERS * PER_USER;
  private static final String STORED =
      "todo_events_consumed_total{outcome=\"stored\",topic=\"task-events\"}";

  @Test
  void
      tenThousandKeyedEventsAcrossConsumerAndSidecarKillsLoseNothingDoubleNothingAndKeepPerKeyOrder()
          throws Exception {
    Stack.assumeKafka("produces straight into Kafka partitions");
    Path work = WorkDirs.create("keyed-order");
    try (Stack stack = Stack.start(work, AppIds.AUDIT_SERVICE)) {
      ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);
      String run = UUID.randomUUID().toString().substring(0, 8);
      List<String> users = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        users.add("keyed-" + run + "-" + u);
      }

      // Produce: event n of each user carries "n=<n>" in its title; keys are the user_ids.
      long t0 = System.nanoTime();
      Properties p = new Properties();
      p.put("bootstrap.servers", stack.kafka.bootstrapServers());
      p.put("acks", "all");
      p.put("enable.idempotence", "true");
      p.put("linger.ms", "5");
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int n = 0; n < PER_USER; n++) {
          for (String user : users) {
            producer.send(
                new ProducerRecord<>(
                    Topic.TASK_EVENTS.topicName(),
                    user.getBytes(StandardCharsets.UTF_8),
                    event(user, n)));
          }
        }
        producer.flush();
      }
      System.out.printf(
          "[keyed] %d events produced in %.1f s%n", TOTAL, (System.nanoTime() - t0) / 1e9);

      // SIGKILL the consumer once it has stored a fair share, restart it 2 s later.
      await("a quarter of the events stored")
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> metric(audit, STORED) >= TOTAL / 4.0);
      double before = metric(audit, STORED);
      audit.kill();
      System.out.printf("[keyed] audit-service SIGKILLed after storing %.0f events%n", before);
      Thread.sleep(2000);
      long restarted = System.nanoTime();
      audit.start();

      // Then its sidecar dies (SIGKILL) with deliveries in flight, and comes back 2 s later.
      await("half of the events stored")
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> audited(audit, users) >= TOTAL / 2);
      Daprd sidecar = stack.sidecar(AppIds.AUDIT_SERVICE);
      sidecar.kill();
      System.out.printf(
          "[keyed] audit-service's sidecar SIGKILLed after %d events audited in all%n",
          audited(audit, users));
      Thread.sleep(2000);
      sidecar.restart();

      await("all events audited")
          .atMost(Duration.ofMinutes(8))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> audited(audit, users) >= TOTAL);
      System.out.printf(
          "[keyed] all %d audited %.1f s after the restart, %.1f s after the first was produced;"
              + " %.0f redeliveries recognised as duplicates since the restart%n",
          TOTAL,
          (System.nanoTime() - restarted) / 1e9,
          (System.nanoTime() - t0) / 1e9,
          metric(audit, "todo_events_duplicates_total{topic=\"task-events\"}")
              + metric(
                  audit,
                  "todo_events_consumed_total{outcome=\"duplicate\",topic=\"task-events\"}"));

      int audited = 0;
      int outOfOrder = 0;
      Set<String> eventIds = new HashSet<>();
      for (String user : users) {
        List<JsonNode> entries = auditEntries(audit, "user_id=" + user + "&limit=1000");
        audited += entries.size();
        int expected = 0;
        for (JsonNode e : entries) {
          eventIds.add(e.get("event_id").asText());
          if (!e.at("/event/task_data/title").asText().equals(title(expected))) {
            outOfOrder++;
          }
          expected++;
        }
        assertThat(entries).as("entries of %s", user).hasSize(PER_USER);
      }
      System.out.printf(
          "[keyed] %d of %d audited, %d distinct event_ids, %d out of order%n",
          audited, TOTAL, eventIds.size(), outOfOrder);
      assertThat(audited).isEqualTo(TOTAL);
      assertThat(eventIds).hasSize(TOTAL);
      assertThat(outOfOrder).as("entries out of their per-user order").isZero();
    }
  }

  private static int audited(ServiceApp audit, List<String> users) {
    return users.stream()
        .mapToInt(u -> auditEntries(audit, "user_id=" + u + "&limit=1000").size())
        .sum();
  }

  private static String title(int n) {
    return "n=" + n;
  }

  /** The shared task-created sample as user's n-th event, in the envelope task-service uses. */
  private static byte[] event(String user, int n) {
    ObjectNode event = SampleEvents.taskCreated(user);
    ((ObjectNode) event.get("data")).put("timestamp", Instant.now().toString());
    ((ObjectNode) event.at("/data/task_data")).put("title", title(n));
    return event.toString().getBytes(StandardCharsets.UTF_8);
  }
}
