package dev.todoevents.realtime;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.Samples;
import dev.todoevents.contracts.TaskUpdateEvent;
import dev.todoevents.runtime.LiveClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The delivery endpoint as Dapr calls it, and real WebSocket clients of two users. */
@QuarkusTest
class UpdatesFanOutTest {

  @TestHTTPResource("/")
  URL base;

  private String baseUrl() {
    return base.toString().replaceAll("/$", "");
  }

  /** A bearer token for the user (signed with the key pair Quarkus makes for the test profile). */
  private static String token(String userId) {
    return Jwt.issuer("todo-events-dev").subject(userId).sign();
  }

  private static ObjectNode update(String userId) {
    ObjectNode data = (ObjectNode) Samples.load("task-update-event.changed.json");
    data.put("event_id", UUID.randomUUID().toString());
    data.put("task_id", UUID.randomUUID().toString());
    data.put("user_id", userId);
    data.put("timestamp", Instant.now().toString());
    return data;
  }

  private static void deliver(ObjectNode data) {
    TaskUpdateEvent event = Events.read(data, TaskUpdateEvent.class);
    given()
        .contentType(CloudEvent.CONTENT_TYPE)
        .body(Events.toJson(Events.envelope(event, "task-service", "corr-1", null)))
        .post("/events/task-updates")
        .then()
        .statusCode(200)
        .body("status", equalTo("SUCCESS"));
  }

  @Test
  void anUpdateReachesEveryClientOfItsUserAndNoOtherUser() {
    try (LiveClient alice1 = LiveClient.connect(baseUrl(), token("alice"));
        LiveClient alice2 = LiveClient.connect(baseUrl(), token("alice"));
        LiveClient bob = LiveClient.connect(baseUrl(), token("bob"))) {
      ObjectNode forAlice = update("alice");
      deliver(forAlice);
      ObjectNode forBob = update("bob");
      deliver(forBob);

      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  alice1.updates().size() == 1
                      && alice2.updates().size() == 1
                      && bob.updates().size() == 1);
      for (LiveClient a : new LiveClient[] {alice1, alice2}) {
        JsonNode frame = a.updates().get(0);
        assertThat(frame).as("the frame is the event as published").isEqualTo(forAlice);
      }
      assertThat(bob.updates()).containsExactly(forBob);
      given().get("/q/metrics").then().body(containsString("todo_realtime_connections 3.0"));
    }
  }

  @Test
  void aClosedClientIsForgottenAndOthersStillGetUpdates() {
    LiveClient gone = LiveClient.connect(baseUrl(), token("carol"));
    gone.close();
    try (LiveClient carol = LiveClient.connect(baseUrl(), token("carol"))) {
      ObjectNode u = update("carol");
      deliver(u);
      await().atMost(Duration.ofSeconds(10)).until(() -> carol.updates().size() == 1);
      assertThat(carol.updates()).containsExactly(u);
    }
  }

  @Test
  void anUnknownSchemaVersionIsAcknowledgedAndNotSent() {
    try (LiveClient dave = LiveClient.connect(baseUrl(), token("dave"))) {
      ObjectNode future = update("dave");
      future.put("schema_version", 99);
      ObjectNode envelope =
          (ObjectNode)
              Events.MAPPER.valueToTree(
                  Events.envelope(
                      Events.read(update("dave"), TaskUpdateEvent.class),
                      "task-service",
                      "c",
                      null));
      envelope.set("data", future);
      given()
          .contentType(CloudEvent.CONTENT_TYPE)
          .body(envelope.toString())
          .post("/events/task-updates")
          .then()
          .statusCode(200)
          .body("status", equalTo("SUCCESS"));
      ObjectNode current = update("dave");
      deliver(current);
      await().atMost(Duration.ofSeconds(10)).until(() -> !dave.updates().isEmpty());
      assertThat(dave.updates()).containsExactly(current);
    }
  }

  @Test
  void anUpdateFromBeforeThisInstanceStartedIsHistoryAndNotSent() {
    try (LiveClient frank = LiveClient.connect(baseUrl(), token("frank"))) {
      ObjectNode old = update("frank");
      old.put("timestamp", Instant.now().minus(Duration.ofHours(1)).toString());
      deliver(old);
      ObjectNode current = update("frank");
      deliver(current);
      await().atMost(Duration.ofSeconds(10)).until(() -> !frank.updates().isEmpty());
      assertThat(frank.updates()).containsExactly(current);
      given()
          .get("/q/metrics")
          .then()
          .body(containsString("todo_realtime_history_skipped_total 1.0"));
    }
  }

  @Test
  void aClientWithoutAValidTokenIsRefusedAndWatchesNothing() {
    assertThat(LiveClient.refusedHandshakeStatus(baseUrl(), null)).isEqualTo(401);
    assertThat(LiveClient.refusedHandshakeStatus(baseUrl(), "not-a-jwt")).isEqualTo(401);
    assertThat(
            LiveClient.refusedHandshakeStatus(
                baseUrl(), Jwt.issuer("https://elsewhere").subject("erin").sign()))
        .isEqualTo(401);
    // The old per-user path is gone: no one watches a user by naming them.
    given().get("/updates/erin").then().statusCode(404);
  }

  @Test
  void theTaskListNeedsATokenAndSaysWhenTaskServiceIsUnreachable() {
    given().get("/api/tasks").then().statusCode(401).body("error", equalTo("missing_token"));
    given()
        .auth()
        .oauth2(token("alice"))
        .get("/api/tasks")
        .then()
        .statusCode(503)
        .header("Retry-After", "1")
        .body("error", equalTo("unavailable"));
  }

  @Test
  void theLivePageIsServed() {
    given().get("/").then().statusCode(200).body(containsString("app.js"));
    given().get("/app.js").then().statusCode(200).body(containsString("'updates'"));
  }
}
