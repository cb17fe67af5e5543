package dev.todoevents.recurring;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.DeadLetter;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.Samples;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The delivery endpoint as Dapr calls it, with task-service's answers scripted. */
@QuarkusTest
class TaskCompletedSubscriberTest {

  @Inject ScriptedTaskService taskService;
  @Inject RecordingDeadLetters deadLetters;
  @Inject MeterRegistry metrics;

  @BeforeEach
  void reset() {
    taskService.reset();
    deadLetters.reset();
  }

  /** The completed sample with a fresh event id, as task-service wraps it. */
  private static ObjectNode completion() {
    ObjectNode data = (ObjectNode) Samples.load("task-event.completed.json");
    data.put("event_id", UUID.randomUUID().toString());
    return data;
  }

  private static void deliver(ObjectNode data) {
    TaskEvent event = Events.read(data, TaskEvent.class);
    given()
        .contentType(CloudEvent.CONTENT_TYPE)
        .body(
            new String(Events.toJson(Events.envelope(event, "task-service", "corr-1", "cause-1"))))
        .post("/events/task-events/completed")
        .then()
        .statusCode(200)
        .body("status", equalTo("SUCCESS"));
  }

  private double outcome(String name) {
    return metrics.counter("todo.recurring.completions", "outcome", name).count();
  }

  @Test
  void createdAndAlreadyExistingAreDone() {
    deliver(completion());
    taskService.answer(200, "{}");
    deliver(completion());
    assertThat(taskService.calls()).hasSize(2);
    assertThat(deadLetters.letters()).isEmpty();
  }

  /**
   * 409: the next id is another user's task or another place in a series - reported, never "done".
   */
  @Test
  void aConflictIsDeadLetteredWithItsContextAndCounted() {
    double before = outcome("conflict");
    taskService.answer(
        409, "{\"error\":\"conflict\",\"message\":\"task x exists and belongs to another user\"}");
    ObjectNode data = completion();
    deliver(data);

    assertThat(outcome("conflict") - before).isEqualTo(1);
    assertThat(deadLetters.letters())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.source()).isEqualTo(Topic.TASK_EVENTS);
              assertThat(l.partitionKey()).isEqualTo(data.get("user_id").asText());
              DeadLetter letter = l.letter();
              assertThat(letter.eventId()).isEqualTo(data.get("event_id").asText());
              assertThat(letter.errorKind()).isEqualTo(DeadLetter.KIND_POISON);
              assertThat(letter.error())
                  .contains("409")
                  .contains(taskService.calls().get(0).id().toString())
                  .contains("belongs to another user");
              assertThat(letter.original().at("/data/event_id").asText())
                  .isEqualTo(data.get("event_id").asText());
            });
  }

  @Test
  void aSeriesAtTheEdgeOfTheRangeEndsWithoutACallOrADeadLetter() {
    double before = outcome("series_ended");
    ObjectNode data = completion();
    ((ObjectNode) data.get("task_data"))
        .put("due_at", "2199-12-31T12:00:00Z")
        .put("recurrence", "weekly");
    deliver(data);
    assertThat(outcome("series_ended") - before).isEqualTo(1);
    assertThat(taskService.calls()).isEmpty();
    assertThat(deadLetters.letters()).isEmpty();
  }
}
