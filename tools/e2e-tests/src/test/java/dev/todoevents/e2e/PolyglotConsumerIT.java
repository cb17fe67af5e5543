package dev.todoevents.e2e;

import static dev.todoevents.e2e.SystemApi.lettersOf;
import static dev.todoevents.e2e.SystemApi.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.contracts.Topic;
import dev.todoevents.runtime.Daprd;
import dev.todoevents.runtime.ManagedProcess;
import dev.todoevents.runtime.ProjectPaths;
import dev.todoevents.runtime.ServiceApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * stats-service, the Python consumer (services/stats-service), on the contracts the Java apps use:
 * its own unit tests on the shared sample events, then live events from task-service through real
 * Kafka (the {@link SharedStack}) and its own daprd (mTLS, API tokens), with the same subscription,
 * resiliency and DLQ rules as the Java consumers, and the same user rules: GET /stats answers for
 * the bearer token's user only.
 */
@ExtendWith(SharedStack.class)
class PolyglotConsumerIT {

  private static final String STATS = AppIds.STATS_SERVICE;
  private static final String DUPLICATE = "todo_stats_events_total{outcome=\"duplicate\"}";
  private static final String INVALID = "todo_stats_events_total{outcome=\"invalid\"}";
  private static final String MISSING_TOKEN =
      "todo_stats_auth_refused_total{reason=\"missing_token\"}";
  private static final String FORBIDDEN = "todo_stats_auth_refused_total{reason=\"forbidden\"}";

  @Test
  void itsUnitTestsPassOnTheSharedSampleEvents() {
    Path work = WorkDirs.create("polyglot-unit");
    Path dir = ProjectPaths.root().resolve("services/stats-service");
    try (ManagedProcess tests =
        ManagedProcess.start(
            "python-unittest",
            List.of(ProjectPaths.python().toString(), "-m", "unittest", "-v"),
            Map.of(),
            dir,
            work.resolve("unittest.log"))) {
      int exit = tests.awaitExit(Duration.ofSeconds(120));
      System.out.println("[stats-service unittest]\n" + tests.output());
      assertThat(exit).as("python -m unittest in %s", dir).isZero();
      assertThat(tests.output())
          .contains("test_every_shared_task_event_sample_is_valid")
          .contains("OK");
    }
  }

  @Test
  void liveTaskEventsAreValidatedAndCountedOnceAndAnInvalidOneIsDeadLettered(Stack stack) {
    ServiceApp tasks = stack.app(AppIds.TASK_SERVICE);
    ServiceApp stats = stack.app(STATS);
    Daprd taskSidecar = stack.sidecar(AppIds.TASK_SERVICE);
    String alice = "alice-" + UUID.randomUUID();
    // stats-service's counters are shared with the other tests on this stack: this test's
    // effect is the difference.
    double duplicates = metric(stats, DUPLICATE);
    double invalids = metric(stats, INVALID);
    double missingTokens = metric(stats, MISSING_TOKEN);
    double forbidden = metric(stats, FORBIDDEN);

    String first = SystemApi.createTask(tasks, alice, "Buy oat milk");
    SystemApi.createTask(tasks, alice, "Call mum");
    SystemApi.completeTask(tasks, alice, first);
    await("alice's events counted by the Python consumer")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () ->
                assertThat(
                        Http.get(stats.baseUrl() + "/stats", Stack.auth(alice))
                            .body()
                            .get("events"))
                    .hasToString("{\"created\":2,\"completed\":1}"));

    // The same event again (same event_id): counted once.
    ObjectNode event = SampleEvents.taskCreated(alice);
    assertThat(
            Stack.publish(taskSidecar, Topic.TASK_EVENTS.topicName(), alice, event.toString())
                .status())
        .isEqualTo(204);
    assertThat(
            Stack.publish(taskSidecar, Topic.TASK_EVENTS.topicName(), alice, event.toString())
                .status())
        .isEqualTo(204);
    // An event that breaks the schema: dead-lettered by the app, with the error.
    ObjectNode invalid = SampleEvents.taskCreated(alice);
    ((ObjectNode) invalid.get("data").get("task_data")).remove("title");
    String invalidId = invalid.get("id").asText();
    assertThat(
            Stack.publish(taskSidecar, Topic.TASK_EVENTS.topicName(), alice, invalid.toString())
                .status())
        .isEqualTo(204);

    // The other consumers of task-events on this stack dead-letter it too: stats-service's.
    String dlq = Topic.TASK_EVENTS.dlqName();
    await("the invalid event in task-events-dlq")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> lettersOf(stack, dlq, invalidId, STATS).size() == 1);
    JsonNode letter = lettersOf(stack, dlq, invalidId, STATS).get(0);
    assertThat(letter.get("subscriber").asText()).isEqualTo(STATS);
    assertThat(letter.get("error_kind").asText()).isEqualTo("poison");
    assertThat(letter.get("event_id").asText()).isEqualTo(invalidId);
    assertThat(letter.get("error").asText()).contains("schema violation").contains("title");
    assertThat(letter.at("/original/data/event_id").asText())
        .isEqualTo(invalid.at("/data/event_id").asText());

    await("the duplicate recognised")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(metric(stats, DUPLICATE) - duplicates).isEqualTo(1);
              assertThat(metric(stats, INVALID) - invalids).isEqualTo(1);
            });
    assertThat(
            Http.get(stats.baseUrl() + "/stats?user_id=" + alice, Stack.auth(alice))
                .body()
                .get("events"))
        .hasToString("{\"created\":3,\"completed\":1}");
    // A user's stats are theirs: no token, no answer; another user's id needs the admin role.
    Http.Reply anonymous = Http.get(stats.baseUrl() + "/stats?user_id=" + alice);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.body().get("error").asText()).isEqualTo("missing_token");
    String bob = "bob-" + UUID.randomUUID();
    Http.Reply notHers = Http.get(stats.baseUrl() + "/stats?user_id=" + bob, Stack.auth(alice));
    assertThat(notHers.status()).isEqualTo(403);
    assertThat(notHers.body().get("error").asText()).isEqualTo("forbidden");
    assertThat(
            Http.get(stats.baseUrl() + "/stats?user_id=" + alice, Stack.admin())
                .body()
                .get("events"))
        .hasToString("{\"created\":3,\"completed\":1}");
    assertThat(metric(stats, MISSING_TOKEN) - missingTokens).isEqualTo(1);
    assertThat(metric(stats, FORBIDDEN) - forbidden).isEqualTo(1);
    // Deliveries come from the sidecar only (its app token).
    assertThat(
            Http.post(
                    stats.baseUrl() + "/events/task-events",
                    event.toString(),
                    "application/cloudevents+json")
                .status())
        .isEqualTo(401);
    System.out.println(
        "[polyglot] stats-service (Python) counted alice's 3 created + 1 completed, 1 duplicate, 1 dead-lettered;"
            + " refused /stats without a token (401) and alice asking for bob's (403)");
  }
}
