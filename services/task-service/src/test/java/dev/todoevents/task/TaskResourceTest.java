package dev.todoevents.task;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.todoevents.contracts.EventSchemas;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.TaskEventType;
import dev.todoevents.contracts.TaskUpdateEvent;
import dev.todoevents.service.VerifiedTokens;
import dev.todoevents.task.domain.Task;
import dev.todoevents.task.events.OutboxEntry;
import dev.todoevents.task.events.OutboxRelay;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
class TaskResourceTest {

  @Inject RecordingPublisher publisher;

  @Inject OutboxRelay relay;
  @Inject JWTParser tokenParser;

  private String user;

  @BeforeEach
  void setUp() {
    publisher.reset();
    user = "user-" + UUID.randomUUID();
  }

  /** A request as this test's user (a bearer token from the dev issuer). */
  private RequestSpecification api() {
    return as(user);
  }

  /**
   * A request with a bearer token for {@code someone}. In tests Quarkus signs it with a key pair it
   * makes in memory for smallrye-jwt (no key is configured for the test profile).
   */
  static RequestSpecification as(String someone) {
    return given().auth().oauth2(Jwt.issuer(ISSUER).subject(someone).sign());
  }

  static final String ISSUER = "todo-events-dev";

  private String create(String title) {
    return api()
        .contentType(ContentType.JSON)
        .body("{\"user_id\":\"" + user + "\",\"title\":\"" + title + "\"}")
        .post("/tasks")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  @Test
  void createStoresTheTaskAndPublishesAValidCreatedEvent() {
    String id =
        api()
            .contentType(ContentType.JSON)
            .header("X-Correlation-Id", "chat-turn-7")
            .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .body(
                "{\"user_id\":\""
                    + user
                    + "\",\"title\":\"Buy milk\",\"due_at\":\"2026-12-01T10:00:00Z\","
                    + "\"recurrence\":\"weekly\"}")
            .post("/tasks")
            .then()
            .statusCode(201)
            .header("Location", containsString("/tasks/"))
            .body("title", equalTo("Buy milk"))
            .body("status", equalTo("pending"))
            .body("priority", equalTo("medium"))
            .body("recurrence", equalTo("weekly"))
            .body("due_at", equalTo("2026-12-01T10:00:00Z"))
            .body("created_at", notNullValue())
            .extract()
            .path("id");

    assertThat(publisher.published()).hasSize(1);
    var p = publisher.published().get(0);
    TaskEvent e = p.event();
    assertThat(e.eventType()).isEqualTo(TaskEventType.CREATED);
    assertThat(e.taskId()).hasToString(id);
    assertThat(e.userId()).isEqualTo(user);
    assertThat(e.taskData().title()).isEqualTo("Buy milk");
    assertThat(p.ctx().correlationId()).isEqualTo("chat-turn-7");
    assertThat(p.ctx().causationId()).isNotBlank();
    assertThat(p.ctx().traceparent())
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(EventSchemas.validate(TaskEvent.class, Events.MAPPER.valueToTree(e))).isEmpty();

    api().get("/tasks/" + id).then().statusCode(200).body("title", equalTo("Buy milk"));
    api().queryParam("user_id", user).get("/tasks").then().statusCode(200).body("id", hasItem(id));
  }

  @Test
  void everyChangeSendsOnlyWhatChangedToTaskUpdates() {
    String id =
        api()
            .contentType(ContentType.JSON)
            .body(
                "{\"user_id\":\""
                    + user
                    + "\",\"title\":\"Plan trip\",\"priority\":\"high\","
                    + "\"recurrence\":\"every_3_days\"}")
            .post("/tasks")
            .then()
            .statusCode(201)
            .body("priority", equalTo("high"))
            .body("recurrence", equalTo("every_3_days"))
            .extract()
            .path("id");
    api()
        .contentType(ContentType.JSON)
        .body("{\"status\":\"in_progress\"}")
        .patch("/tasks/" + id)
        .then()
        .statusCode(200)
        .body("status", equalTo("in_progress"));
    // The same value again changes nothing: no event at all.
    api()
        .contentType(ContentType.JSON)
        .body("{\"status\":\"in_progress\"}")
        .patch("/tasks/" + id)
        .then()
        .statusCode(200);
    api()
        .contentType(ContentType.JSON)
        .body("{\"status\":\"completed\"}")
        .patch("/tasks/" + id)
        .then()
        .statusCode(200)
        .body("status", equalTo("completed"))
        .body("completed_at", notNullValue());

    assertThat(publisher.published())
        .extracting(p -> p.event().eventType())
        .containsExactly(TaskEventType.CREATED, TaskEventType.UPDATED, TaskEventType.COMPLETED);
    var updates = publisher.updates();
    assertThat(updates).hasSize(3);
    assertThat(updates.get(0).event().changes())
        .containsEntry("title", "Plan trip")
        .containsEntry("priority", "high")
        .containsEntry("status", "pending");
    assertThat(updates.get(1).event().changes().keySet())
        .containsExactlyInAnyOrder("status", "updated_at");
    assertThat(updates.get(1).event().changes()).containsEntry("status", "in_progress");
    assertThat(updates.get(2).event().changes().keySet())
        .containsExactlyInAnyOrder("status", "updated_at", "completed_at");
    for (var u : updates) {
      assertThat(u.event().userId()).isEqualTo(user);
      assertThat(u.event().taskId()).hasToString(id);
      assertThat(EventSchemas.validate(TaskUpdateEvent.class, Events.MAPPER.valueToTree(u.event())))
          .isEmpty();
    }
  }

  /** A client cannot choose where its task sits in a series: only /internal/tasks takes that. */
  @Test
  void publicCreateRefusesIdSeriesAndOccurrence() {
    String body =
        "{\"id\":\""
            + UUID.randomUUID()
            + "\",\"series_id\":\""
            + UUID.randomUUID()
            + "\",\"occurrence\":2,"
            + "\"title\":\"Water plants\",\"recurrence\":\"weekly\"}";
    api()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/tasks")
        .then()
        .statusCode(400)
        .body("error", equalTo("validation_failed"))
        .body("details.field", containsInAnyOrder("id", "series_id", "occurrence"))
        .body("message", containsString("chosen by task-service"));
    for (String field :
        new String[] {
          "\"id\":\"" + UUID.randomUUID() + "\"",
          "\"series_id\":\"" + UUID.randomUUID() + "\"",
          "\"occurrence\":1"
        }) {
      api()
          .contentType(ContentType.JSON)
          .body("{" + field + ",\"title\":\"x\"}")
          .post("/tasks")
          .then()
          .statusCode(400)
          .body("details", hasSize(1));
    }
    assertThat(publisher.published()).isEmpty();
    assertThat(QuarkusTransaction.requiringNew().call(() -> Task.count("userId", user))).isZero();
  }

  @Test
  void internalCreateWithAChosenIdIsIdempotentAndCarriesTheCause() {
    String id = UUID.randomUUID().toString();
    String series = UUID.randomUUID().toString();
    String body =
        "{\"id\":\""
            + id
            + "\",\"series_id\":\""
            + series
            + "\",\"occurrence\":2,"
            + "\"user_id\":\""
            + user
            + "\",\"title\":\"Water plants\",\"recurrence\":\"weekly\"}";
    given()
        .contentType(ContentType.JSON)
        .header("X-Correlation-Id", "corr-9")
        .header("X-Causation-Id", "evt-1")
        .body(body)
        .post("/internal/tasks")
        .then()
        .statusCode(201)
        .body("id", equalTo(id))
        .body("series_id", equalTo(series))
        .body("occurrence", equalTo(2));
    given()
        .contentType(ContentType.JSON)
        .header("X-Causation-Id", "evt-1")
        .body(body)
        .post("/internal/tasks")
        .then()
        .statusCode(200)
        .body("id", equalTo(id));
    assertThat(publisher.published()).hasSize(1);
    assertThat(publisher.published().get(0).ctx().causationId()).isEqualTo("evt-1");
    assertThat(publisher.published().get(0).ctx().correlationId()).isEqualTo("corr-9");
    assertThat(publisher.published().get(0).event().taskData().seriesId()).hasToString(series);

    // The same id for another user, another series or another occurrence is a conflict, never
    // "already there": the caller must not take it for its own next occurrence.
    given()
        .contentType(ContentType.JSON)
        .body(body.replace(user, "someone-else"))
        .post("/internal/tasks")
        .then()
        .statusCode(409)
        .body("error", equalTo("conflict"))
        .body("message", containsString("another user"));
    given()
        .contentType(ContentType.JSON)
        .body(body.replace(series, UUID.randomUUID().toString()))
        .post("/internal/tasks")
        .then()
        .statusCode(409)
        .body("message", containsString("series " + series));
    given()
        .contentType(ContentType.JSON)
        .body(body.replace("\"occurrence\":2", "\"occurrence\":3"))
        .post("/internal/tasks")
        .then()
        .statusCode(409)
        .body("message", containsString("occurrence 2"));
    given()
        .contentType(ContentType.JSON)
        .body(body.replace("\"series_id\":\"" + series + "\",\"occurrence\":2,", ""))
        .post("/internal/tasks")
        .then()
        .statusCode(409);
    assertThat(publisher.published()).hasSize(1);
    api()
        .get("/tasks/" + id)
        .then()
        .statusCode(200)
        .body("series_id", equalTo(series))
        .body("occurrence", equalTo(2));

    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"id\":\""
                + UUID.randomUUID()
                + "\",\"user_id\":\""
                + user
                + "\",\"title\":\"x\",\"occurrence\":100001}")
        .post("/internal/tasks")
        .then()
        .statusCode(400)
        .body("details.field", hasItem("occurrence"))
        .body("details.problem", hasItem("must be from 1 to 100000"));
  }

  @Test
  void aFirstTaskIsItsOwnSeries() {
    String id = create("Solo");
    api().get("/tasks/" + id).then().body("series_id", equalTo(id)).body("occurrence", equalTo(1));
  }

  @Test
  void updateCompleteAndDeleteEachPublishTheirEvent() {
    String id = create("Draft");
    api()
        .contentType(ContentType.JSON)
        .body("{\"title\":\"Final\",\"description\":\"v2\"}")
        .patch("/tasks/" + id)
        .then()
        .statusCode(200)
        .body("title", equalTo("Final"))
        .body("description", equalTo("v2"));
    api()
        .post("/tasks/" + id + "/complete")
        .then()
        .statusCode(200)
        .body("status", equalTo("completed"));
    // Completing again is a retried request: same answer, nothing new published.
    api()
        .post("/tasks/" + id + "/complete")
        .then()
        .statusCode(200)
        .body("status", equalTo("completed"));
    api().delete("/tasks/" + id).then().statusCode(204);
    api().get("/tasks/" + id).then().statusCode(404).body("error", equalTo("not_found"));

    assertThat(publisher.published())
        .extracting(p -> p.event().eventType())
        .containsExactly(
            TaskEventType.CREATED,
            TaskEventType.UPDATED,
            TaskEventType.COMPLETED,
            TaskEventType.DELETED);
    assertThat(publisher.published().get(2).event().taskData().completedAt()).isNotNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "malformed JSON        | {\"user_id\":\"U\",\"title\": | malformed_json |",
        "missing title         | {\"user_id\":\"U\"}                   | validation_failed | title",
        "blank title           | {\"user_id\":\"U\",\"title\":\"  \"} | validation_failed | title",
        "user_id too long      | {\"user_id\":\"UUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUU\",\"title\":\"x\"} | validation_failed | user_id",
        "title of wrong type   | {\"user_id\":\"U\",\"title\":123}    | invalid_type | title",
        "due_at not a time     | {\"user_id\":\"U\",\"title\":\"x\",\"due_at\":\"tomorrow\"} | invalid_type | due_at",
        "unknown field         | {\"user_id\":\"U\",\"titel\":\"x\"}  | unknown_field | titel",
        "unknown recurrence    | {\"user_id\":\"U\",\"title\":\"x\",\"recurrence\":\"yearly\"} | validation_failed | recurrence",
        "every 0 days          | {\"user_id\":\"U\",\"title\":\"x\",\"recurrence\":\"every_0_days\"} | validation_failed | recurrence",
        "unknown priority      | {\"user_id\":\"U\",\"title\":\"x\",\"priority\":\"urgent\"} | validation_failed | priority",
        "unknown status        | {\"user_id\":\"U\",\"title\":\"x\",\"status\":\"done\"} | validation_failed | status",
        "array body            | [1,2]                                 | invalid_body |",
        "due_at before 2000    | {\"user_id\":\"U\",\"title\":\"x\",\"due_at\":\"1999-12-31T23:59:59.999999999Z\"} | validation_failed | due_at",
        "due_at from 2200      | {\"user_id\":\"U\",\"title\":\"x\",\"due_at\":\"2200-01-01T00:00:00Z\"} | validation_failed | due_at",
        "remind_at year -3e8   | {\"user_id\":\"U\",\"title\":\"x\",\"remind_at\":\"-300000000-01-01T00:00:00Z\"} | validation_failed | remind_at",
        "remind_at year 10000  | {\"user_id\":\"U\",\"title\":\"x\",\"remind_at\":\"+10000-01-01T00:00:00Z\"} | validation_failed | remind_at",
        "title with a newline  | {\"user_id\":\"U\",\"title\":\"a\\nb\"} | validation_failed | title",
        "title with a bell     | {\"user_id\":\"U\",\"title\":\"a\\u0007b\"} | validation_failed | title",
        "title with C1 CSI     | {\"user_id\":\"U\",\"title\":\"a\\u009b31m\"} | validation_failed | title",
        "title only nbsp       | {\"user_id\":\"U\",\"title\":\"\\u00a0\"} | validation_failed | title",
        "description with ESC  | {\"user_id\":\"U\",\"title\":\"x\",\"description\":\"a\\u001b[2Jb\"} | validation_failed | description",
        "description with NUL  | {\"user_id\":\"U\",\"title\":\"x\",\"description\":\"a\\u0000b\"} | validation_failed | description",
      })
  void badCreateInputIs400NamingTheProblemAndChangesNothing(
      String name, String body, String error, String field) {
    var response =
        api()
            .contentType(ContentType.JSON)
            .body(body.replace("\"U\"", "\"" + user + "\""))
            .post("/tasks")
            .then()
            .statusCode(400)
            .contentType(ContentType.JSON)
            .body("error", equalTo(error))
            .body("message", notNullValue());
    if (field != null) {
      response.body("details.field", hasItem(field));
    }
    assertThat(publisher.published()).isEmpty();
    assertThat(QuarkusTransaction.requiringNew().call(() -> Task.count("userId", user))).isZero();
  }

  /** A value of the wrong type is named with the type it should have, in plain words. */
  @Test
  void aWrongTypeSaysWhatTheValueShouldBe() {
    api()
        .contentType(ContentType.JSON)
        .body("{\"title\":\"x\",\"due_at\":\"tomorrow\"}")
        .post("/tasks")
        .then()
        .statusCode(400)
        .body("error", equalTo("invalid_type"))
        .body(
            "details.problem",
            hasItem("value tomorrow is not an ISO-8601 UTC timestamp (e.g. 2026-11-23T10:00:00Z)"));
  }

  /**
   * The first and last instants of the range are taken, and what is published with them validates.
   */
  @Test
  void theEdgesOfTheTimestampRangeAreAccepted() {
    String id =
        api()
            .contentType(ContentType.JSON)
            .body(
                "{\"title\":\"edges\",\"due_at\":\"2199-12-31T23:59:59.999999999Z\",\"remind_at\":\"2000-01-01T00:00:00Z\"}")
            .post("/tasks")
            .then()
            .statusCode(201)
            .body("due_at", equalTo("2199-12-31T23:59:59.999999999Z"))
            .body("remind_at", equalTo("2000-01-01T00:00:00Z"))
            .extract()
            .path("id");
    api()
        .contentType(ContentType.JSON)
        .body("{\"due_at\":\"2000-01-01T00:00:00Z\"}")
        .patch("/tasks/" + id)
        .then()
        .statusCode(200);
    assertThat(publisher.published())
        .hasSize(2)
        .allSatisfy(
            p ->
                assertThat(
                        EventSchemas.validate(
                            TaskEvent.class, Events.MAPPER.valueToTree(p.event())))
                    .isEmpty());
  }

  /** One text rule for POST, PUT and PATCH: the rule the event schema has. */
  @Test
  void updatesTakeTheSameTextAndTimeRulesAsCreate() {
    String id = create("Keep me");
    publisher.reset();
    for (String method : new String[] {"PATCH", "PUT"}) {
      for (String[] bad :
          new String[][] {
            {"title", "{\"title\":\"a\\u0007b\"}"},
            {"title", "{\"title\":\"line\\nbreak\"}"},
            {"title", "{\"title\":\" \\t \"}"},
            {"description", "{\"description\":\"\\u0000\"}"},
            {"description", "{\"description\":\"\\u0085\"}"},
            {"due_at", "{\"due_at\":\"2200-01-01T00:00:00Z\"}"},
            {"remind_at", "{\"remind_at\":\"-300000000-01-01T00:00:00Z\"}"}
          }) {
        api()
            .contentType(ContentType.JSON)
            .body(bad[1])
            .request(method, "/tasks/" + id)
            .then()
            .statusCode(400)
            .body("error", equalTo("validation_failed"))
            .body("details.field", hasItem(bad[0]));
      }
    }
    api()
        .contentType(ContentType.JSON)
        .body("{\"description\":\"line one\\r\\nline\\ttwo\"}")
        .patch("/tasks/" + id)
        .then()
        .statusCode(200)
        .body("description", equalTo("line one\r\nline\ttwo"));
    api()
        .contentType(ContentType.JSON)
        .body("{\"title\":\"Café ☕ \\ud83d\\ude00\"}")
        .put("/tasks/" + id)
        .then()
        .statusCode(200)
        .body("title", equalTo("Café ☕ \ud83d\ude00"));
    assertThat(publisher.published()).hasSize(2);
  }

  @Test
  void causalityHeadersMustBeBoundedIdsAndEachIsNamed() {
    String longest = "c".repeat(128);
    for (String header : new String[] {"X-Correlation-Id", "X-Request-Id", "X-Causation-Id"}) {
      for (String bad :
          new String[] {"c".repeat(129), "c".repeat(200), "two words", "semi;colon", "ümlaut"}) {
        api()
            .contentType(ContentType.JSON)
            .header(header, bad)
            .body("{\"title\":\"x\"}")
            .post("/tasks")
            .then()
            .statusCode(400)
            .body("error", equalTo("invalid_header"))
            .body("details.field", hasItem(header))
            .body("details.problem", hasItem(containsString("1 to 128 characters")));
      }
    }
    String id = create("headers");
    api()
        .contentType(ContentType.JSON)
        .header("X-Request-Id", "c".repeat(200))
        .body("{\"title\":\"y\"}")
        .patch("/tasks/" + id)
        .then()
        .statusCode(400)
        .body("details.field", hasItem("X-Request-Id"));
    api()
        .header("X-Correlation-Id", "bad id")
        .post("/tasks/" + id + "/complete")
        .then()
        .statusCode(400);
    api().header("X-Causation-Id", "bad id").delete("/tasks/" + id).then().statusCode(400);
    given()
        .contentType(ContentType.JSON)
        .header("X-Causation-Id", "c".repeat(129))
        .body("{\"user_id\":\"" + user + "\",\"title\":\"x\"}")
        .post("/internal/tasks")
        .then()
        .statusCode(400)
        .body("details.field", hasItem("X-Causation-Id"));
    assertThat(publisher.published()).hasSize(1);

    api()
        .contentType(ContentType.JSON)
        .header("X-Correlation-Id", longest)
        .header("X-Request-Id", "req:1/a@b+c=d.e_f-g")
        .body("{\"title\":\"longest\"}")
        .post("/tasks")
        .then()
        .statusCode(201);
    var p = publisher.published().get(1);
    assertThat(p.ctx().correlationId()).isEqualTo(longest);
    assertThat(p.ctx().causationId()).isEqualTo("req:1/a@b+c=d.e_f-g");
  }

  /**
   * W3C: a traceparent that does not parse is ignored and a new trace starts; it is never stored.
   */
  @Test
  void anInvalidTraceparentIsIgnored() {
    for (String bad :
        new String[] {
          "garbage",
          "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01",
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" + "x".repeat(100)
        }) {
      api()
          .contentType(ContentType.JSON)
          .header("traceparent", bad)
          .body("{\"title\":\"traced\"}")
          .post("/tasks")
          .then()
          .statusCode(201);
    }
    assertThat(publisher.published())
        .hasSize(3)
        .allSatisfy(p -> assertThat(p.ctx().traceparent()).isNull());
  }

  @Test
  void listingComesInPagesWithACursor() {
    for (int i = 0; i < 5; i++) {
      create("page-" + i);
    }
    // (created_at, id) order: tasks created in the same millisecond are in id order.
    List<String> ids =
        api().get("/tasks").then().statusCode(200).body("$", hasSize(5)).extract().path("id");
    var first =
        api()
            .queryParam("limit", 2)
            .get("/tasks")
            .then()
            .statusCode(200)
            .body("id", contains(ids.get(0), ids.get(1)))
            .header("X-Next-After", notNullValue())
            .extract();
    // The cursor names a position, so the next page is right even when its task is gone.
    api().delete("/tasks/" + ids.get(1)).then().statusCode(204);
    var second =
        api()
            .queryParam("limit", 2)
            .queryParam("after", first.header("X-Next-After"))
            .get("/tasks")
            .then()
            .statusCode(200)
            .body("id", contains(ids.get(2), ids.get(3)))
            .extract();
    api()
        .queryParam("limit", 2)
        .queryParam("after", second.header("X-Next-After"))
        .get("/tasks")
        .then()
        .statusCode(200)
        .body("id", contains(ids.get(4)))
        .header("X-Next-After", nullValue());
    api()
        .get("/tasks")
        .then()
        .statusCode(200)
        .body("$", hasSize(4))
        .header("X-Next-After", nullValue());
    api()
        .queryParam("limit", 4)
        .get("/tasks")
        .then()
        .statusCode(200)
        .body("$", hasSize(4))
        .header("X-Next-After", notNullValue());
    // Another user's cursor position shows nothing of theirs: the user is the token's.
    as("someone-else-" + UUID.randomUUID())
        .queryParam("after", first.header("X-Next-After"))
        .get("/tasks")
        .then()
        .statusCode(200)
        .body("$", hasSize(0));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "limit, 0",
    "limit, 1001",
    "limit, -5",
    "limit, ten",
    "limit, 1.5",
    "after, nonsense",
    "after, 2026-01-01T00:00:00Z",
    "after, 2026-01-01T00:00:00Z_not-a-uuid",
    "after, 9999-01-01T00:00:00Z_6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a41"
  })
  void aBadPageParameterIs400NamingIt(String name, String value) {
    api()
        .queryParam(name, value)
        .get("/tasks")
        .then()
        .statusCode(400)
        .body("error", equalTo("invalid_query"))
        .body("details.field", hasItem(name));
  }

  @Test
  void emptyBodyIs400() {
    api()
        .contentType(ContentType.JSON)
        .post("/tasks")
        .then()
        .statusCode(400)
        .body("error", notNullValue());
    assertThat(publisher.published()).isEmpty();
  }

  @Test
  void unknownAndMalformedIdsAre404And400() {
    String unknown = UUID.randomUUID().toString();
    api().get("/tasks/" + unknown).then().statusCode(404).body("message", containsString(unknown));
    api().post("/tasks/" + unknown + "/complete").then().statusCode(404);
    api().delete("/tasks/" + unknown).then().statusCode(404);
    api()
        .contentType(ContentType.JSON)
        .body("{\"title\":\"x\"}")
        .patch("/tasks/" + unknown)
        .then()
        .statusCode(404);
    api().get("/tasks/not-a-uuid").then().statusCode(400).body("error", equalTo("invalid_id"));
    assertThat(publisher.published()).isEmpty();
  }

  @Test
  void badUpdateInputIs400AndChangesNothing() {
    String id = create("Keep me");
    publisher.reset();
    api()
        .contentType(ContentType.JSON)
        .body("{}")
        .patch("/tasks/" + id)
        .then()
        .statusCode(400)
        .body("error", equalTo("empty_update"));
    api()
        .contentType(ContentType.JSON)
        .body("{\"title\":\"\"}")
        .patch("/tasks/" + id)
        .then()
        .statusCode(400)
        .body("details.field", hasItem("title"));
    api()
        .contentType(ContentType.JSON)
        .body("{\"title\":false}")
        .patch("/tasks/" + id)
        .then()
        .statusCode(400)
        .body("error", equalTo("invalid_type"));
    api().get("/tasks/" + id).then().body("title", equalTo("Keep me"));
    assertThat(publisher.published()).isEmpty();
  }

  @Test
  void listingShowsTheTokensUserOnly() {
    api().get("/tasks").then().statusCode(200).body("$", hasSize(0));
    create("one");
    create("two");
    as("someone-else")
        .contentType(ContentType.JSON)
        .body("{\"title\":\"not mine\"}")
        .post("/tasks")
        .then()
        .statusCode(201);
    api().get("/tasks").then().statusCode(200).body("$", hasSize(2));
    api().queryParam("user_id", user).get("/tasks").then().statusCode(200).body("$", hasSize(2));
  }

  /** User A cannot read, change, complete or delete user B's tasks, nor act as B. */
  @Test
  void anotherUsersTaskIs404AndAnotherUsersIdIs403() {
    String mine = create("mine");
    publisher.reset();
    var intruder = "intruder-" + UUID.randomUUID();
    as(intruder).get("/tasks/" + mine).then().statusCode(404).body("error", equalTo("not_found"));
    as(intruder)
        .contentType(ContentType.JSON)
        .body("{\"title\":\"taken\"}")
        .patch("/tasks/" + mine)
        .then()
        .statusCode(404);
    as(intruder)
        .contentType(ContentType.JSON)
        .body("{\"title\":\"taken\"}")
        .put("/tasks/" + mine)
        .then()
        .statusCode(404);
    as(intruder).post("/tasks/" + mine + "/complete").then().statusCode(404);
    as(intruder).delete("/tasks/" + mine).then().statusCode(404);
    as(intruder).get("/tasks").then().statusCode(200).body("$", hasSize(0));
    as(intruder)
        .queryParam("user_id", user)
        .get("/tasks")
        .then()
        .statusCode(403)
        .body("error", equalTo("forbidden"))
        .body("details.field", hasItem("user_id"));
    as(intruder)
        .contentType(ContentType.JSON)
        .body("{\"user_id\":\"" + user + "\",\"title\":\"planted\"}")
        .post("/tasks")
        .then()
        .statusCode(403)
        .body("error", equalTo("forbidden"));
    api()
        .get("/tasks/" + mine)
        .then()
        .statusCode(200)
        .body("title", equalTo("mine"))
        .body("status", equalTo("pending"));
    api().get("/tasks").then().body("$", hasSize(1));
    assertThat(publisher.published()).isEmpty();
  }

  /**
   * POST /internal/tasks creates for the user named in the body, without a user token: what keeps
   * it internal is the app token (refused without it when APP_API_TOKEN is set, see
   * SidecarTokenTest in audit-service) and the sidecar's access-control list (RecurringTaskFlowIT).
   */
  @Test
  void theInternalCreateTakesTheUserFromTheBody() {
    String id = UUID.randomUUID().toString();
    given()
        .contentType(ContentType.JSON)
        .body("{\"id\":\"" + id + "\",\"user_id\":\"" + user + "\",\"title\":\"next\"}")
        .post("/internal/tasks")
        .then()
        .statusCode(201)
        .body("user_id", equalTo(user));
    api().get("/tasks/" + id).then().statusCode(200).body("title", equalTo("next"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"title\":\"whose?\"}")
        .post("/internal/tasks")
        .then()
        .statusCode(400)
        .body("details.field", hasItem("user_id"));
  }

  @Test
  void bearerTokensGoThroughTheVerifiedTokenMemory() {
    assertThat(tokenParser).isInstanceOf(VerifiedTokens.class);
  }

  @Test
  void aRequestWithoutAValidTokenIs401WithAReason() {
    given()
        .get("/tasks")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", "Bearer")
        .body("error", equalTo("missing_token"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"user_id\":\"" + user + "\",\"title\":\"x\"}")
        .post("/tasks")
        .then()
        .statusCode(401);
    given()
        .auth()
        .oauth2("not-a-jwt")
        .get("/tasks")
        .then()
        .statusCode(401)
        .body("error", equalTo("invalid_token"));
    String otherIssuer = Jwt.issuer("https://somewhere-else").subject(user).sign();
    given()
        .auth()
        .oauth2(otherIssuer)
        .get("/tasks")
        .then()
        .statusCode(401)
        .body("error", equalTo("invalid_token"));
    String expired =
        Jwt.issuer(ISSUER)
            .subject(user)
            .issuedAt(Instant.now().minusSeconds(1200))
            .expiresAt(Instant.now().minusSeconds(600))
            .sign();
    given().auth().oauth2(expired).get("/tasks").then().statusCode(401);
    assertThat(QuarkusTransaction.requiringNew().call(() -> Task.count("userId", user))).isZero();
    // Health and metrics need no token.
    given().get("/q/health/ready").then().statusCode(200);
  }

  /**
   * The outbox: a change is stored with its events in one transaction. If the sidecar does not take
   * them, the change stands (201) and its events wait in the outbox until it does; once publishing
   * has failed for longer than task.outbox.refuse-writes-after, writes get 503 and change nothing.
   */
  @Test
  void whenTheEventBusIsDownEventsWaitInTheOutboxThenWritesAreRefused() throws Exception {
    publisher.failing(true);
    String id =
        api()
            .contentType(ContentType.JSON)
            .body("{\"user_id\":\"" + user + "\",\"title\":\"kept\"}")
            .post("/tasks")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    assertThat(publisher.published()).isEmpty();
    assertThat(QuarkusTransaction.requiringNew().call(OutboxEntry::pending)).isEqualTo(2);

    Thread.sleep(1200); // longer than refuse-writes-after (1 s in tests)
    relay.relay(); // still failing
    api()
        .contentType(ContentType.JSON)
        .body("{\"user_id\":\"" + user + "\",\"title\":\"refused\"}")
        .post("/tasks")
        .then()
        .statusCode(503)
        .header("Retry-After", notNullValue())
        .body("error", equalTo("event_bus_unavailable"));
    assertThat(QuarkusTransaction.requiringNew().call(() -> Task.count("userId", user)))
        .isEqualTo(1);

    publisher.failing(false);
    assertThat(relay.relay()).isEqualTo(2);
    assertThat(publisher.published())
        .singleElement()
        .satisfies(p -> assertThat(p.event().taskId().toString()).isEqualTo(id));
    assertThat(publisher.updates()).hasSize(1);
    assertThat(QuarkusTransaction.requiringNew().call(OutboxEntry::pending)).isZero();
    api()
        .contentType(ContentType.JSON)
        .body("{\"user_id\":\"" + user + "\",\"title\":\"accepted again\"}")
        .post("/tasks")
        .then()
        .statusCode(201);
  }

  @Test
  void healthAndMetricsAreExposed() {
    api().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    api().get("/q/health/live").then().statusCode(200);
    create("counted");
    api().get("/q/metrics").then().statusCode(200).body(containsString("jvm_"));
  }
}
