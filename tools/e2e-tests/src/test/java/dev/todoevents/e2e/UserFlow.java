package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todoevents.contracts.Recurrence;
import dev.todoevents.runtime.DevIssuer;
import dev.todoevents.runtime.LiveClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;

/**
 * What a user does on a deployed system, reached only by its public URLs (a cluster's
 * port-forwards, compose's published ports): ClusterIT and ComposeIT run the same.
 */
final class UserFlow {
  private UserFlow() {}

  /**
   * As a user: a task audited, a reminder notified, a recurring task's next occurrence created
   * through service invocation, a WebSocket frame; another user reads none of it.
   */
  static void run(String tasksUrl, String auditUrl, String notificationsUrl, String liveUrl) {
    String user = "user-" + UUID.randomUUID();
    try (LiveClient ws = LiveClient.connect(liveUrl, DevIssuer.shared().token(user))) {
      String task = SystemApi.createTask(tasksUrl, user, "deployed");
      await("the task's audit entry")
          .atMost(Duration.ofSeconds(90))
          .until(() -> audited(auditUrl, user, "task_id=" + task).size() == 1);
      await("the task's WebSocket frame")
          .atMost(Duration.ofSeconds(60))
          .until(() -> !ws.updatesOf(task).isEmpty());
    }
    String reminded =
        SystemApi.createReminder(tasksUrl, user, "soon", Instant.now().plusSeconds(2));
    await("the reminder's notification")
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              Http.Reply r = Http.get(notificationsUrl + "/notifications", Stack.auth(user));
              return r.status() == 200 && r.body().toString().contains(reminded);
            });
    String next = nextOccurrence(tasksUrl, user);
    // Owners only: another user sees neither the task nor its audit entries.
    assertThat(Http.get(tasksUrl + "/tasks/" + next, Stack.auth("someone-else")).status())
        .isEqualTo(404);
    assertThat(Http.get(auditUrl + "/audit?user_id=" + user, Stack.auth("someone-else")).status())
        .isEqualTo(403);
  }

  /**
   * Creates a weekly task as {@code user}, completes it, and waits for its next occurrence, which
   * recurring-task-service makes through service invocation; returns its id.
   */
  static String nextOccurrence(String tasksUrl, String user) {
    Http.Reply recurring =
        Http.post(
            tasksUrl + "/tasks",
            "{\"title\":\"weekly\",\"recurrence\":\"weekly\",\"due_at\":\""
                + Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS)
                + "\"}",
            "application/json",
            Stack.auth(user));
    assertThat(recurring.status()).as("%s", recurring.body()).isEqualTo(201);
    String first = recurring.body().get("id").asText();
    SystemApi.completeTask(tasksUrl, user, first);
    String next = Recurrence.occurrenceId(user, UUID.fromString(first), 2).toString();
    await("the next occurrence, made by recurring-task-service through service invocation")
        .atMost(Duration.ofSeconds(90))
        .until(() -> Http.get(tasksUrl + "/tasks/" + next, Stack.auth(user)).status() == 200);
    return next;
  }

  /** The audit entries of {@code user} matching {@code query}, read as that user. */
  static List<JsonNode> audited(String auditUrl, String user, String query) {
    Http.Reply r =
        Http.get(auditUrl + "/audit?user_id=" + user + "&limit=500&" + query, Stack.auth(user));
    if (r.status() != 200) {
      return List.of();
    }
    return StreamSupport.stream(r.body().spliterator(), false).toList();
  }
}
