package dev.todoevents.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.Samples;
import dev.todoevents.contracts.TaskEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The delivery endpoint as Dapr calls it, with the shared sample events. */
@QuarkusTest
class TaskEventsSubscriberTest {

  @Inject RecordingDeadLetters deadLetters;

  @BeforeEach
  void reset() {
    deadLetters.reset();
  }

  /** A sample event with fresh ids, wrapped as task-service wraps it. */
  private static ObjectNode sample(String file) {
    ObjectNode data = (ObjectNode) Samples.load(file);
    data.put("event_id", UUID.randomUUID().toString());
    data.put("task_id", UUID.randomUUID().toString());
    return data;
  }

  private static String envelope(ObjectNode data) {
    TaskEvent event = Events.read(data, TaskEvent.class);
    return new String(Events.toJson(Events.envelope(event, "task-service", "corr-1", "cause-1")));
  }

  private static void deliver(String body, int status, String result) {
    given()
        .contentType(CloudEvent.CONTENT_TYPE)
        .body(body)
        .post("/events/task-events")
        .then()
        .statusCode(status)
        .body("status", equalTo(result));
  }

  @Test
  void everyTaskEventSampleIsRecordedOnceWithItsEnvelope() {
    for (String file :
        new String[] {
          "task-event.created.json", "task-event.completed.json", "task-event.deleted.json"
        }) {
      ObjectNode data = sample(file);
      String taskId = data.get("task_id").asText();
      String body = envelope(data);
      deliver(body, 200, "SUCCESS");
      deliver(body, 200, "SUCCESS"); // at-least-once: a redelivery has no second effect
      admin()
          .queryParam("task_id", taskId)
          .get("/audit")
          .then()
          .statusCode(200)
          .body("$", hasSize(1))
          .body("[0].event_id", equalTo(data.get("event_id").asText()))
          .body("[0].event_type", equalTo("todo.task." + data.get("event_type").asText()))
          .body("[0].correlation_id", equalTo("corr-1"))
          .body("[0].causation_id", equalTo("cause-1"))
          .body("[0].traceparent", org.hamcrest.Matchers.nullValue())
          .body("[0].event.task_data.title", equalTo(data.at("/task_data/title").asText()));
    }
    assertThat(deadLetters.letters()).isEmpty();
  }

  /**
   * bulkSubscribe (subscriptions/audit-task-events.yaml): one request, one status per entry, in the
   * shape daprd sends and reads. A good entry, a redelivered one, a poison one (dead-lettered,
   * acknowledged) and an unknown schema_version (skipped) each get SUCCESS; a failing store would
   * get RETRY for that entry alone.
   */
  @Test
  void aBulkRequestGetsOneStatusPerEntry() throws Exception {
    ObjectNode good = sample("task-event.created.json");
    ObjectNode poison = sample("task-event.created.json");
    ((ObjectNode) poison.get("task_data")).remove("title");
    ObjectNode future = sample("task-event.completed.json");
    future.put("schema_version", 7);
    var entries = Events.MAPPER.createArrayNode();
    String[] bodies = {envelope(good), envelope(good), rawEnvelope(poison), rawEnvelope(future)};
    for (int i = 0; i < bodies.length; i++) {
      entries
          .addObject()
          .put("entryId", "e" + i)
          .put("contentType", CloudEvent.CONTENT_TYPE)
          .set("event", Events.MAPPER.readTree(bodies[i]));
    }
    ObjectNode bulk =
        Events.MAPPER
            .createObjectNode()
            .put("id", UUID.randomUUID().toString())
            .put("topic", "task-events")
            .put("pubsubname", "pubsub")
            .put("type", "com.dapr.event.sent");
    bulk.set("entries", entries);

    given()
        .contentType("application/json")
        .body(bulk.toString())
        .post("/events/task-events")
        .then()
        .statusCode(200)
        .body("statuses.entryId", org.hamcrest.Matchers.contains("e0", "e1", "e2", "e3"))
        .body("statuses.status", org.hamcrest.Matchers.everyItem(equalTo("SUCCESS")));
    admin()
        .queryParam("task_id", good.get("task_id").asText())
        .get("/audit")
        .then()
        .body("$", hasSize(1));
    admin()
        .queryParam("task_id", future.get("task_id").asText())
        .get("/audit")
        .then()
        .body("$", hasSize(0));
    assertThat(deadLetters.letters())
        .singleElement()
        .satisfies(l -> assertThat(l.eventId()).isEqualTo(poison.get("event_id").asText()));

    // The same poison again is known (ProcessedEvents): acknowledged, not dead-lettered twice.
    ObjectNode again = Events.MAPPER.createObjectNode();
    again.set(
        "entries",
        Events.MAPPER
            .createArrayNode()
            .add(
                Events.MAPPER
                    .createObjectNode()
                    .put("entryId", "p")
                    .set("event", Events.MAPPER.readTree(rawEnvelope(poison)))));
    given()
        .contentType("application/json")
        .body(again.toString())
        .post("/events/task-events")
        .then()
        .statusCode(200)
        .body("statuses[0].status", equalTo("SUCCESS"));
    assertThat(deadLetters.letters()).hasSize(1);

    // A new poison message whose dead letter cannot be written: RETRY for that entry.
    deadLetters.failing(true);
    ObjectNode poison2 = sample("task-event.created.json");
    ((ObjectNode) poison2.get("task_data")).remove("title");
    ObjectNode retried = Events.MAPPER.createObjectNode();
    retried.set(
        "entries",
        Events.MAPPER
            .createArrayNode()
            .add(
                Events.MAPPER
                    .createObjectNode()
                    .put("entryId", "p")
                    .set("event", Events.MAPPER.readTree(rawEnvelope(poison2)))));
    given()
        .contentType("application/json")
        .body(retried.toString())
        .post("/events/task-events")
        .then()
        .statusCode(200)
        .body("statuses[0].status", equalTo("RETRY"));
  }

  /** A CloudEvent around data that need not be valid (it is not read as a TaskEvent here). */
  private static String rawEnvelope(ObjectNode data) {
    ObjectNode ce =
        Events.MAPPER
            .createObjectNode()
            .put("specversion", "1.0")
            .put("id", data.get("event_id").asText())
            .put("type", "todo.task.created")
            .put("source", "task-service");
    ce.set("data", data);
    return ce.toString();
  }

  @Test
  void unknownSchemaVersionIsSkippedNotStoredNotDeadLettered() {
    ObjectNode data = sample("task-event.created.json");
    data.put("schema_version", 2);
    ObjectNode ce =
        Events.MAPPER
            .createObjectNode()
            .put("specversion", "1.0")
            .put("id", data.get("event_id").asText());
    ce.set("data", data);
    deliver(ce.toString(), 200, "SUCCESS");
    admin()
        .queryParam("task_id", data.get("task_id").asText())
        .get("/audit")
        .then()
        .body("$", hasSize(0));
    assertThat(deadLetters.letters()).isEmpty();
    given().get("/q/metrics").then().body(containsString("todo_events_skipped_total"));
  }

  @Test
  void schemaViolationIsDeadLetteredAtOnceWithTheReason() {
    ObjectNode data = sample("task-event.created.json");
    ((ObjectNode) data.get("task_data")).remove("title");
    ObjectNode ce =
        Events.MAPPER
            .createObjectNode()
            .put("specversion", "1.0")
            .put("id", data.get("event_id").asText());
    ce.set("data", data);
    deliver(ce.toString(), 200, "SUCCESS");
    assertThat(deadLetters.letters())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.eventId()).isEqualTo(data.get("event_id").asText());
              assertThat(l.reason()).contains("title");
              assertThat(l.source().dlqName()).isEqualTo("task-events-dlq");
            });
    admin()
        .queryParam("task_id", data.get("task_id").asText())
        .get("/audit")
        .then()
        .body("$", hasSize(0));
  }

  @Test
  void malformedJsonIsDeadLettered() {
    deliver("{\"id\": \"x\", \"data\": ", 200, "SUCCESS");
    assertThat(deadLetters.letters())
        .singleElement()
        .satisfies(l -> assertThat(l.reason()).contains("malformed JSON"));
  }

  @Test
  void whenTheDeadLetterCannotBeWrittenDaprIsAskedToRetry() {
    deadLetters.failing(true);
    deliver("not json at all", 500, "RETRY");
  }

  @Test
  void queryFiltersByTypeAndTimeAndPages() {
    String user = "pager-" + UUID.randomUUID();
    for (String file :
        new String[] {
          "task-event.created.json", "task-event.completed.json", "task-event.deleted.json"
        }) {
      ObjectNode data = sample(file);
      data.put("user_id", user);
      deliver(envelope(data), 200, "SUCCESS");
    }
    as(user)
        .queryParam("user_id", user)
        .queryParam("event_type", "todo.task.completed")
        .get("/audit")
        .then()
        .statusCode(200)
        .body("$", hasSize(1))
        .body("[0].event_type", equalTo("todo.task.completed"));
    // Samples occur on 2026-11-23, -24 and -25.
    as(user)
        .queryParam("user_id", user)
        .queryParam("from", "2026-11-24T00:00:00Z")
        .get("/audit")
        .then()
        .statusCode(200)
        .body("$", hasSize(2));
    as(user)
        .queryParam("user_id", user)
        .queryParam("to", "2026-11-24T00:00:00Z")
        .get("/audit")
        .then()
        .statusCode(200)
        .body("$", hasSize(1))
        .body("[0].event_type", equalTo("todo.task.created"));

    var first =
        as(user)
            .queryParam("user_id", user)
            .queryParam("limit", 2)
            .get("/audit")
            .then()
            .statusCode(200)
            .body("$", hasSize(2))
            .extract();
    String next = first.header("X-Next-After-Seq");
    assertThat(next).isNotBlank();
    as(user)
        .queryParam("user_id", user)
        .queryParam("limit", 2)
        .queryParam("after_seq", next)
        .get("/audit")
        .then()
        .statusCode(200)
        .body("$", hasSize(1))
        .body("[0].event_type", equalTo("todo.task.deleted"))
        .header("X-Next-After-Seq", org.hamcrest.Matchers.nullValue());
  }

  @Test
  void queryNeedsAFilterAndValidParameters() {
    admin().get("/audit").then().statusCode(400).body("error", equalTo("missing_filter"));
    admin()
        .queryParam("task_id", "nope")
        .get("/audit")
        .then()
        .statusCode(400)
        .body("error", equalTo("invalid_query"))
        .body("details.field", org.hamcrest.Matchers.hasItem("task_id"));
    as("u")
        .queryParam("user_id", "u")
        .queryParam("from", "yesterday")
        .get("/audit")
        .then()
        .statusCode(400)
        .body("details.field", org.hamcrest.Matchers.hasItem("from"));
    admin()
        .queryParam("event_type", "completed")
        .get("/audit")
        .then()
        .statusCode(400)
        .body("details.field", org.hamcrest.Matchers.hasItem("event_type"));
    as("u")
        .queryParam("user_id", "u")
        .queryParam("limit", 0)
        .get("/audit")
        .then()
        .statusCode(400)
        .body("details.field", org.hamcrest.Matchers.hasItem("limit"));
    as("u")
        .queryParam("user_id", "u")
        .queryParam("limit", 5000)
        .get("/audit")
        .then()
        .statusCode(400);
    as("u")
        .queryParam("user_id", "u")
        .queryParam("limit", "ten")
        .get("/audit")
        .then()
        .statusCode(400);
    admin()
        .queryParam("user_id", "nobody-" + UUID.randomUUID())
        .get("/audit")
        .then()
        .statusCode(200)
        .body("$", hasSize(0));
  }

  /** A request as {@code user} (a token signed in memory for the test profile). */
  static RequestSpecification as(String user) {
    return given().auth().oauth2(Jwt.subject(user).sign());
  }

  /** A request with the back-office role, which may read across users. */
  static RequestSpecification admin() {
    return given()
        .auth()
        .oauth2(Jwt.subject("ops-" + UUID.randomUUID()).groups(Set.of("todo-admin")).sign());
  }

  @Test
  void aUserReadsOnlyTheirOwnEntries() {
    String alice = "alice-" + UUID.randomUUID();
    String bob = "bob-" + UUID.randomUUID();
    ObjectNode data = sample("task-event.created.json");
    data.put("user_id", alice);
    deliver(envelope(data), 200, "SUCCESS");
    String taskId = data.get("task_id").asText();

    given()
        .queryParam("user_id", alice)
        .get("/audit")
        .then()
        .statusCode(401)
        .body("error", equalTo("missing_token"));
    as(alice)
        .get("/audit")
        .then()
        .statusCode(200)
        .body("$", hasSize(1))
        .body("[0].user_id", equalTo(alice));
    as(bob)
        .queryParam("user_id", alice)
        .get("/audit")
        .then()
        .statusCode(403)
        .body("error", equalTo("forbidden"));
    // A filter without user_id is narrowed to the caller: bob does not see alice's task.
    as(bob)
        .queryParam("task_id", taskId)
        .get("/audit")
        .then()
        .statusCode(200)
        .body("$", hasSize(0));
    as(bob)
        .queryParam("from", "2000-01-01T00:00:00Z")
        .get("/audit")
        .then()
        .statusCode(200)
        .body("$", hasSize(0));
    // sub is the user, whatever upn says.
    given()
        .auth()
        .oauth2(Jwt.subject(bob).upn(alice).sign())
        .get("/audit")
        .then()
        .statusCode(200)
        .body("$", hasSize(0));
    admin().queryParam("user_id", alice).get("/audit").then().statusCode(200).body("$", hasSize(1));
    // A token issued an hour ahead would outlive the 24 h bound.
    long now = java.time.Instant.now().getEpochSecond();
    given()
        .auth()
        .oauth2(Jwt.subject(alice).issuedAt(now + 3600).expiresAt(now + 7200).sign())
        .get("/audit")
        .then()
        .statusCode(401)
        .body("error", equalTo("invalid_token"));
  }
}
