package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todoevents.contracts.DaprNames;
import dev.todoevents.runtime.Daprd;
import dev.todoevents.runtime.DevIssuer;
import dev.todoevents.runtime.KafkaBroker;
import dev.todoevents.runtime.LiveClient;
import dev.todoevents.runtime.ServiceApp;
import dev.todoevents.runtime.TopicAdmin;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The calls the tests make on the running system, as a client would: create tasks, read the audit
 * log, read metrics and sidecar metadata, count a topic's records. Tokens, publish and invoke are
 * on {@link Stack} ({@link Stack#auth}, {@link Stack#admin}, {@link Stack#publish}, {@link
 * Stack#invoke}).
 */
final class SystemApi {
  private SystemApi() {}

  /** POST /tasks as {@code user}: the new task's id (201 asserted). */
  static String createTask(ServiceApp tasks, String user, String title) {
    return createTask(tasks.baseUrl(), user, title);
  }

  /** POST /tasks as {@code user} on task-service at {@code tasksUrl}: the new task's id. */
  static String createTask(String tasksUrl, String user, String title) {
    Http.Reply r =
        Http.post(
            tasksUrl + "/tasks",
            "{\"title\":\"" + title + "\"}",
            "application/json",
            Stack.auth(user));
    assertThat(r.status()).as("POST /tasks answered %s", r.body()).isEqualTo(201);
    return r.body().get("id").asText();
  }

  /** POST /tasks/{id}/complete as {@code user} (200 asserted). */
  static void completeTask(ServiceApp tasks, String user, String taskId) {
    completeTask(tasks.baseUrl(), user, taskId);
  }

  /** POST /tasks/{id}/complete as {@code user} on task-service at {@code tasksUrl}. */
  static void completeTask(String tasksUrl, String user, String taskId) {
    Http.Reply r =
        Http.post(
            tasksUrl + "/tasks/" + taskId + "/complete", "", "application/json", Stack.auth(user));
    assertThat(r.status())
        .as("POST /tasks/%s/complete answered %s", taskId, r.body())
        .isEqualTo(200);
  }

  /** A task of {@code user} with a reminder at {@code remindAt}: its id. */
  static String createReminder(ServiceApp tasks, String user, String title, Instant remindAt) {
    return createReminder(tasks.baseUrl(), user, title, remindAt);
  }

  /** A task of {@code user} with a reminder, on task-service at {@code tasksUrl}: its id. */
  static String createReminder(String tasksUrl, String user, String title, Instant remindAt) {
    Http.Reply r =
        Http.post(
            tasksUrl + "/tasks",
            "{\"title\":\"" + title + "\",\"remind_at\":\"" + remindAt + "\"}",
            "application/json",
            Stack.auth(user));
    assertThat(r.status()).as("POST /tasks with remind_at: %s", r.body()).isEqualTo(201);
    return r.body().get("id").asText();
  }

  /** Audit entries as the back office reads them (the admin role: any user, by task or time). */
  static List<JsonNode> auditEntries(ServiceApp audit, String query) {
    Http.Reply r = Http.get(audit.baseUrl() + "/audit?" + query, Stack.admin());
    assertThat(r.status()).as("GET /audit answered %s", r.body()).isEqualTo(200);
    return StreamSupport.stream(r.body().spliterator(), false).toList();
  }

  /** Waits until the audit entries matching {@code query} are {@code count}, and returns them. */
  static List<JsonNode> awaitAuditEntries(
      ServiceApp audit, String query, int count, Duration atMost) {
    await("audit entries " + query)
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(auditEntries(audit, query)).hasSize(count));
    return auditEntries(audit, query);
  }

  /** One sample's value from the app's Prometheus endpoint (0 when absent). */
  static double metric(ServiceApp app, String series) {
    for (String line : Http.text(app.baseUrl() + "/q/metrics").split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  /** The components a sidecar has loaded, from its metadata API. */
  static List<String> componentsOf(Daprd sidecar) {
    JsonNode metadata =
        Http.get(
                "http://127.0.0.1:" + sidecar.httpPort() + "/v1.0/metadata",
                DaprNames.API_TOKEN_HEADER,
                sidecar.apiToken())
            .body();
    List<String> names = new ArrayList<>();
    metadata.get("components").forEach(c -> names.add(c.get("name").asText()));
    return names;
  }

  /** Records in a topic (end offset minus start offset, summed over partitions). */
  static long recordCount(KafkaBroker kafka, String topic) throws Exception {
    try (Admin admin = TopicAdmin.admin(kafka.bootstrapServers())) {
      var desc =
          admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      desc.partitions()
          .forEach(
              p -> {
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
                earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
              });
      long end =
          admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
              .mapToLong(o -> o.offset())
              .sum();
      long start =
          admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS).values().stream()
              .mapToLong(o -> o.offset())
              .sum();
      return end - start;
    }
  }

  /**
   * Each instance's consumer starts at the newest message once its broker has set it up, which the
   * apps cannot see. Tasks of the user {@code probe} are created every {@code poll} until a client
   * on each instance has received one: from then on nothing published is missed.
   *
   * @return the seconds that took
   */
  static double awaitLiveConsumers(
      String what,
      ServiceApp tasks,
      ServiceApp live1,
      ServiceApp live2,
      String probe,
      Duration poll) {
    try (LiveClient c1 = LiveClient.connect(live1.baseUrl(), DevIssuer.shared().token(probe));
        LiveClient c2 = LiveClient.connect(live2.baseUrl(), DevIssuer.shared().token(probe))) {
      long start = System.nanoTime();
      await(what)
          .atMost(Duration.ofSeconds(90))
          .pollInterval(poll)
          .until(
              () -> {
                createTask(tasks, probe, "probe");
                return !c1.updates().isEmpty() && !c2.updates().isEmpty();
              });
      return (System.nanoTime() - start) / 1e9;
    }
  }

  /** Dead letters in the broker's {@code dlq}, optionally only of one event_id and subscriber. */
  static List<JsonNode> lettersOf(Stack stack, String dlq, String eventId, String subscriber) {
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
}
