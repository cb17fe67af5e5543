package dev.todoevents.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.todoevents.contracts.CloudEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With an app API token set, the delivery endpoint answers only the sidecar that sends it. */
@QuarkusTest
@TestProfile(SidecarTokenTest.WithToken.class)
class SidecarTokenTest {

  public static class WithToken implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("todo.sidecar.app-token", "s3cret-app-token");
    }
  }

  private static final String GARBAGE = "not json: would be dead-lettered if it got in";

  @Test
  void aDeliveryWithoutTheTokenIsRefused() {
    given()
        .contentType(CloudEvent.CONTENT_TYPE)
        .body(GARBAGE)
        .post("/events/task-events")
        .then()
        .statusCode(401)
        .body("error", equalTo("unauthorized"));
  }

  @Test
  void aDeliveryWithAWrongTokenIsRefused() {
    given()
        .contentType(CloudEvent.CONTENT_TYPE)
        .header("dapr-api-token", "guess")
        .body(GARBAGE)
        .post("/events/task-events")
        .then()
        .statusCode(401);
  }

  @Test
  void theSidecarsTokenGetsIn() {
    // Garbage is dead-lettered (RecordingDeadLetters) and acknowledged: the endpoint ran.
    given()
        .contentType(CloudEvent.CONTENT_TYPE)
        .header("dapr-api-token", "s3cret-app-token")
        .body(GARBAGE)
        .post("/events/task-events")
        .then()
        .statusCode(200)
        .body("status", equalTo("SUCCESS"));
  }

  @Test
  void theQueryApiTakesAUserTokenNotTheAppToken() {
    given()
        .header("dapr-api-token", "s3cret-app-token")
        .get("/audit?user_id=nobody")
        .then()
        .statusCode(401);
    TaskEventsSubscriberTest.as("nobody").get("/audit?user_id=nobody").then().statusCode(200);
  }
}
