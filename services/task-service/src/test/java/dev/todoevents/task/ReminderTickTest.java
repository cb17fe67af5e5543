package dev.todoevents.task;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.todoevents.contracts.EventSchemas;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.ReminderEvent;
import dev.todoevents.task.domain.Task;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cron binding's endpoint, called as the sidecar calls it. */
@QuarkusTest
class ReminderTickTest {

  @Inject RecordingPublisher publisher;
  @Inject MeterRegistry metrics;

  private String user;

  @BeforeEach
  void setUp() {
    publisher.reset();
    user = "rem-" + UUID.randomUUID();
  }

  private String create(String title, Instant remindAt) {
    return TaskResourceTest.as(user)
        .contentType(ContentType.JSON)
        .body(
            "{\"user_id\":\""
                + user
                + "\",\"title\":\""
                + title
                + "\",\"remind_at\":\""
                + remindAt
                + "\"}")
        .post("/tasks")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  private void tick() {
    given().post("/reminder-tick").then().statusCode(200);
  }

  private long remindersFor(String taskId) {
    return publisher.reminders().stream().filter(r -> r.taskId().toString().equals(taskId)).count();
  }

  @Test
  void aDueReminderIsSentOnceAndAgainOnlyWhenRescheduled() {
    Instant past = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
    String id = create("Call mum", past);
    String later = create("Later", Instant.now().plusSeconds(3600));
    tick();
    tick();
    assertThat(remindersFor(id)).isEqualTo(1);
    assertThat(remindersFor(later)).isZero();
    ReminderEvent r =
        publisher.reminders().stream()
            .filter(e -> e.taskId().toString().equals(id))
            .findFirst()
            .orElseThrow();
    assertThat(r.title()).isEqualTo("Call mum");
    assertThat(r.remindAt()).isEqualTo(past);
    assertThat(EventSchemas.validate(ReminderEvent.class, Events.MAPPER.valueToTree(r))).isEmpty();

    Instant rescheduled = Instant.now().minusMillis(10).truncatedTo(ChronoUnit.MILLIS);
    TaskResourceTest.as(user)
        .contentType(ContentType.JSON)
        .body("{\"remind_at\":\"" + rescheduled + "\"}")
        .patch("/tasks/" + id)
        .then()
        .statusCode(200);
    tick();
    assertThat(remindersFor(id)).isEqualTo(2);
    assertThat(publisher.reminders().stream().map(ReminderEvent::eventId).distinct().count())
        .isEqualTo(publisher.reminders().size());
  }

  /** A task stored before the API refused such values, as the one that once broke every tick. */
  private UUID stored(String title, Instant remindAt) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              Task t = new Task();
              t.id = UUID.randomUUID();
              t.userId = user;
              t.title = title;
              t.status = "pending";
              t.priority = "medium";
              t.recurrence = "none";
              t.remindAt = remindAt;
              t.createdAt = Instant.now();
              t.updatedAt = t.createdAt;
              t.persist();
              return t.id;
            });
  }

  @Test
  void aTaskWhoseReminderCannotBeBuiltIsSetAsideAndTheOthersAreReminded() {
    double before = metrics.counter("todo.reminders.failed", "reason", "schema").count();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String first = create("first", now.minusSeconds(3));
    UUID ancient = stored("ancient", Instant.parse("-300000000-01-01T00:00:00Z"));
    UUID bell = stored("ring\u0007ring", now.minusSeconds(2));
    String last = create("last", now.minusSeconds(1));

    tick();
    assertThat(remindersFor(first)).isEqualTo(1);
    assertThat(remindersFor(last)).isEqualTo(1);
    assertThat(remindersFor(ancient.toString()) + remindersFor(bell.toString())).isZero();
    assertThat(metrics.counter("todo.reminders.failed", "reason", "schema").count() - before)
        .isEqualTo(2);
    for (UUID id : List.of(ancient, bell)) {
      Task t = QuarkusTransaction.requiringNew().call(() -> Task.<Task>findById(id));
      assertThat(t.reminderFailedFor).isEqualTo(t.remindAt);
      assertThat(t.reminderError).contains("schema violation");
      assertThat(t.remindedFor).isNull();
    }

    // Given up for that remind_at: the next ticks neither retry nor count them again.
    tick();
    assertThat(metrics.counter("todo.reminders.failed", "reason", "schema").count() - before)
        .isEqualTo(2);
    assertThat(remindersFor(first) + remindersFor(last)).isEqualTo(2);
  }

  @Test
  void completedAndDeletedTasksAreNotReminded() {
    Instant past = Instant.now().minusSeconds(1);
    String done = create("Done already", past);
    String gone = create("Gone", past);
    TaskResourceTest.as(user).post("/tasks/" + done + "/complete").then().statusCode(200);
    TaskResourceTest.as(user).delete("/tasks/" + gone).then().statusCode(204);
    tick();
    assertThat(remindersFor(done)).isZero();
    assertThat(remindersFor(gone)).isZero();
  }
}
