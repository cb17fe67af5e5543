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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Kafka is stopped and started again while a client keeps creating tasks (one every 100 ms). Every
 * write the API acknowledged (201) reaches the audit log exactly once; the ones it could not take
 * are answered with an error (503), never silently dropped. Prints the counts.
 */
@Tag("slow")
class KafkaRestartIT {

  @Test
  void noAcknowledgedWriteIsLostWhenKafkaRestarts() throws Exception {
    Stack.assumeKafka("restarts the Kafka broker");
    Path work = WorkDirs.create("kafka-restart");
    try (Stack stack = Stack.start(work, AppIds.TASK_SERVICE, AppIds.AUDIT_SERVICE)) {
      ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
      ServiceApp audit = stack.app(AppIds.AUDIT_SERVICE);
      String user = "kurt-" + UUID.randomUUID();
      SystemApi.createTask(tasks, user, "warm-up");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> auditEntries(audit, "user_id=" + user).size() == 1);

      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      Map<Integer, Integer> answers = new TreeMap<>();
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicLong lastRefused = new AtomicLong();
      Thread writer =
          new Thread(
              () -> {
                int i = 0;
                while (writing.get()) {
                  Http.Reply r =
                      Http.post(
                          tasks.baseUrl() + "/tasks",
                          "{\"title\":\"w" + i++ + "\"}",
                          "application/json",
                          Stack.auth(user));
                  synchronized (answers) {
                    answers.merge(r.status(), 1, Integer::sum);
                  }
                  if (r.status() == 201) {
                    acknowledged.add(r.body().get("id").asText());
                  } else {
                    lastRefused.set(System.nanoTime());
                  }
                  try {
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "writer");
      writer.start();
      long back = 0;
      try {
        Thread.sleep(2_000);
        stack.kafka.stop();
        long down = System.nanoTime();
        Thread.sleep(8_000);
        stack.kafka.restart();
        back = System.nanoTime();
        System.out.printf("[kafka-restart] Kafka was down %.1f s%n", (back - down) / 1e9);
        Thread.sleep(10_000);
      } finally {
        writing.set(false);
        writer.join(30_000);
      }
      System.out.printf(
          "[kafka-restart] last write refused %.1f s after Kafka was back%n",
          (lastRefused.get() - back) / 1e9);
      System.out.printf("[kafka-restart] answers during the run: %s%n", answers);
      assertThat(answers.keySet())
          .as("only acknowledged or refused, nothing else")
          .isSubsetOf(201, 503);

      int expected = acknowledged.size() + 1;
      long waitStart = System.nanoTime();
      await("every acknowledged write audited")
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> auditEntries(audit, "user_id=" + user + "&limit=1000").size() >= expected);
      System.out.printf(
          "[kafka-restart] %d acknowledged writes audited %.1f s after the writer stopped%n",
          acknowledged.size(), (System.nanoTime() - waitStart) / 1e9);
      List<JsonNode> entries = auditEntries(audit, "user_id=" + user + "&limit=1000");
      Set<String> audited = new HashSet<>();
      Set<String> eventIds = new HashSet<>();
      for (JsonNode e : entries) {
        audited.add(e.get("task_id").asText());
        assertThat(eventIds.add(e.get("event_id").asText())).as("each event once").isTrue();
      }
      assertThat(audited).containsAll(acknowledged);
      assertThat(entries).hasSize(expected);
    }
  }
}
