package dev.todoevents.e2e;

import static dev.todoevents.e2e.SystemApi.createReminder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.contracts.Topic;
import dev.todoevents.runtime.KafkaRecords;
import dev.todoevents.runtime.ServiceApp;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Reminders on real processes: task-service's sidecar ticks it every second through the cron input
 * binding of components/, and due reminders go to the `reminders` topic in Kafka. One reminder for
 * an open task, also when task-service is killed and restarted before it is due; none for a task
 * completed or deleted before. Lateness is printed, not asserted to the millisecond (timing targets
 * belong to a benchmark); the bound here only says "at its time".
 */
class ReminderFlowIT {

  @Test
  void aDueReminderIsSentExactlyOnceAcrossARestartAndNotForClosedTasks() throws Exception {
    Stack.assumeKafka("reads the reminders topic from Kafka");
    Path work = WorkDirs.create("reminder-flow");
    try (Stack stack = Stack.start(work, AppIds.TASK_SERVICE, AppIds.NOTIFICATION_SERVICE)) {
      ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
      String user = "dave-" + UUID.randomUUID();
      Instant remindAt = Instant.now().plusSeconds(20).truncatedTo(ChronoUnit.MILLIS);
      String open = createReminder(tasks, user, "Take the bins out", remindAt);
      String completed = createReminder(tasks, user, "Already done", remindAt);
      String deleted = createReminder(tasks, user, "Never mind", remindAt);
      SystemApi.completeTask(tasks, user, completed);
      assertThat(Http.delete(tasks.baseUrl() + "/tasks/" + deleted, Stack.auth(user)))
          .isEqualTo(204);

      // task-service dies and comes back before the reminder is due.
      tasks.kill();
      tasks.start();
      assertThat(Instant.now()).as("restart finished before the reminder time").isBefore(remindAt);

      await("the reminder")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(remindersFor(stack, open)).hasSize(1));
      // Give duplicates and wrongly reminded tasks time to show up.
      Instant settle = Instant.now().plusSeconds(5);
      await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(settle));

      List<KafkaRecords.Received> mine = remindersFor(stack, open);
      assertThat(mine).hasSize(1);
      assertThat(remindersFor(stack, completed)).isEmpty();
      assertThat(remindersFor(stack, deleted)).isEmpty();
      KafkaRecords.Received r = mine.get(0);
      assertThat(r.value().at("/data/title").asText()).isEqualTo("Take the bins out");
      assertThat(r.value().at("/data/remind_at").asText()).isEqualTo(remindAt.toString());
      assertThat(r.value().get("type").asText()).isEqualTo("todo.reminder.triggered");
      long lateMs = Duration.between(remindAt, r.timestamp()).toMillis();
      System.out.printf("reminder published %d ms after remind_at%n", lateMs);
      assertThat(lateMs).as("not before its time").isGreaterThanOrEqualTo(0);
      assertThat(lateMs).as("at most 2 s late, also after a restart").isLessThanOrEqualTo(2_000);

      // notification-service delivered it once through the output binding (a file per
      // notification) and lists it; the same reminder delivered again notifies nobody.
      ServiceApp notifications = stack.app(AppIds.NOTIFICATION_SERVICE);
      String eventId = r.value().get("id").asText();
      await("the notification")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(
              () ->
                  assertThat(
                          Http.get(
                                  notifications.baseUrl() + "/notifications?user_id=" + user,
                                  Stack.auth(user))
                              .body())
                      .hasSize(1));
      var listed =
          Http.get(notifications.baseUrl() + "/notifications?user_id=" + user, Stack.auth(user))
              .body()
              .get(0);
      assertThat(listed.get("event_id").asText()).isEqualTo(eventId);
      assertThat(listed.get("title").asText()).isEqualTo("Take the bins out");
      long notifiedLateMs =
          Duration.between(remindAt, Instant.parse(listed.get("delivered_at").asText())).toMillis();
      System.out.printf("notification delivered %d ms after remind_at%n", notifiedLateMs);
      Path file = Stack.notificationsDir(work).resolve(eventId + ".json");
      assertThat(file).exists();
      assertThat(java.nio.file.Files.readString(file)).contains("Take the bins out");

      // notification-service restarts (its in-memory set of processed event_ids is gone), then
      // the same reminder comes again: the marker in the Dapr state store recognises it.
      notifications.kill();
      notifications.start();
      Http.Reply again =
          Stack.publish(
              stack.sidecar(AppIds.TASK_SERVICE), "reminders", user, r.value().toString());
      assertThat(again.status()).isEqualTo(204);
      await("the duplicate is seen")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () ->
                  assertThat(Http.text(notifications.baseUrl() + "/q/metrics"))
                      .contains("todo_events_duplicates_total{topic=\"reminders\"} 1.0"));
      assertThat(
              Http.get(notifications.baseUrl() + "/notifications?user_id=" + user, Stack.auth(user))
                  .body())
          .hasSize(1);
      try (var files = java.nio.file.Files.list(Stack.notificationsDir(work))) {
        assertThat(files.count()).isEqualTo(1);
      }

      // A reminder due in 3 s: notified once, at most 2 s after its time.
      String erin = "erin-" + UUID.randomUUID();
      Instant soon = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
      String quick = createReminder(tasks, erin, "Stand up and stretch", soon);
      await("the notification of the 3 s reminder")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(
              () ->
                  assertThat(
                          Http.get(
                                  notifications.baseUrl() + "/notifications?user_id=" + erin,
                                  Stack.auth(erin))
                              .body())
                      .hasSize(1));
      KafkaRecords.Received quickReminder = remindersFor(stack, quick).get(0);
      long quickLateMs = Duration.between(soon, quickReminder.timestamp()).toMillis();
      var quickNote =
          Http.get(notifications.baseUrl() + "/notifications?user_id=" + erin, Stack.auth(erin))
              .body()
              .get(0);
      long quickNotifiedMs =
          Duration.between(soon, Instant.parse(quickNote.get("delivered_at").asText())).toMillis();
      System.out.printf(
          "3 s reminder: published %d ms, notified %d ms after remind_at%n",
          quickLateMs, quickNotifiedMs);
      assertThat(quickLateMs).isBetween(0L, 2_000L);
      assertThat(quickNotifiedMs).as("notified at most 2 s after remind_at").isBetween(0L, 2_000L);
      assertThat(remindersFor(stack, quick)).hasSize(1);
    }
  }

  private static List<KafkaRecords.Received> remindersFor(Stack stack, String taskId)
      throws Exception {
    return KafkaRecords.readAll(stack.kafka.bootstrapServers(), Topic.REMINDERS.topicName())
        .stream()
        .filter(r -> taskId.equals(r.value().at("/data/task_id").asText()))
        .toList();
  }
}
