package dev.todoevents.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.Samples;
import dev.todoevents.contracts.TaskEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * JSON logs (quarkus-logging-json, TODO_LOG_JSON=true on the console): a line logged while an event
 * is handled carries its ids under "mdc". The same formatter writes a file here, which the test
 * reads.
 */
@QuarkusTest
@TestProfile(JsonLogsTest.JsonFile.class)
class JsonLogsTest {

  static final Path LOG = Path.of("target", "json-logs-test.log");

  public static class JsonFile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.log.file.enabled", "true",
          "quarkus.log.file.path", LOG.toString(),
          "quarkus.log.file.json.enabled", "true");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aRedeliveredEventsLogLineCarriesItsIds() throws Exception {
    ObjectNode data = (ObjectNode) Samples.load("task-event.created.json");
    String eventId = UUID.randomUUID().toString();
    data.put("event_id", eventId);
    data.put("task_id", UUID.randomUUID().toString());
    String body =
        new String(
            Events.toJson(
                Events.envelope(
                    Events.read(data, TaskEvent.class), "task-service", "corr-json", "cause-1")));
    for (int i = 0; i < 2; i++) { // the second is a duplicate, logged at INFO
      given()
          .contentType(CloudEvent.CONTENT_TYPE)
          .body(body)
          .post("/events/task-events")
          .then()
          .statusCode(200);
    }
    // Logged on the request's thread before it answered; the file handler flushes each record.
    assertThat(Files.readAllLines(LOG))
        .map(JSON::readTree)
        .filteredOn(l -> l.path("message").asText().startsWith("duplicate"))
        .filteredOn(l -> l.at("/mdc/event_id").asText().equals(eventId))
        .singleElement()
        .satisfies(
            line -> {
              JsonNode mdc = line.get("mdc");
              assertThat(mdc.path("user_id").asText()).isEqualTo(data.get("user_id").asText());
              assertThat(mdc.path("correlation_id").asText()).isEqualTo("corr-json");
              assertThat(line.path("level").asText()).isEqualTo("INFO");
            });
  }

  @Test
  void aRefusedRequestsLogLineNamesItsUser() throws Exception {
    String user = "mallory-" + UUID.randomUUID();
    given()
        .auth()
        .oauth2(Jwt.subject(user).sign())
        .get("/audit?user_id=someone-else")
        .then()
        .statusCode(403);
    assertThat(Files.readAllLines(LOG))
        .map(JSON::readTree)
        .filteredOn(l -> l.path("message").asText().startsWith("refused (403)"))
        .filteredOn(l -> l.at("/mdc/user_id").asText().equals(user))
        .singleElement()
        .satisfies(line -> assertThat(line.path("message").asText()).contains("someone-else"));
  }
}
