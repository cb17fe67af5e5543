package dev.todoevents.task;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.todoevents.contracts.ReminderEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The wake-up timer: a reminder goes out at its remind_at without waiting for a tick. */
@QuarkusTest
@TestProfile(ReminderTimerTest.TimerOn.class)
class ReminderTimerTest {

  public static class TimerOn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("task.reminders.timer", "true");
    }
  }

  @Inject RecordingPublisher publisher;

  private String create(String user, Instant remindAt) {
    return TaskResourceTest.as(user)
        .contentType(ContentType.JSON)
        .body(
            "{\"user_id\":\""
                + user
                + "\",\"title\":\"Stretch\",\"remind_at\":\""
                + remindAt
                + "\"}")
        .post("/tasks")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  @Test
  void aCloseReminderFiresAtItsTimeWithNoTickAndARescheduledOneAtTheNewTime() {
    String user = "timer-" + UUID.randomUUID();
    // One tick first, so the timer's run below is not this JVM's first (cold) one.
    create(user, Instant.now().minusSeconds(1));
    given().post("/reminder-tick").then().statusCode(200);
    publisher.reset();
    // Within the 3 s lookahead, so creating the task schedules the wake-up.
    Instant remindAt = Instant.now().plusMillis(2000).truncatedTo(ChronoUnit.MILLIS);
    String id = create(user, remindAt);
    String moved = create(user, remindAt);
    Instant later = remindAt.plusMillis(500); // also within the lookahead
    TaskResourceTest.as(user)
        .contentType(ContentType.JSON)
        .body("{\"remind_at\":\"" + later + "\"}")
        .patch("/tasks/" + moved)
        .then()
        .statusCode(200);

    await().atMost(Duration.ofSeconds(10)).until(() -> publisher.reminders().size() == 2);
    ReminderEvent first = publisher.reminders().get(0);
    ReminderEvent second = publisher.reminders().get(1);
    assertThat(first.taskId().toString()).isEqualTo(id);
    assertThat(second.taskId().toString()).isEqualTo(moved);
    assertThat(second.remindAt()).isEqualTo(later);
    for (ReminderEvent r : publisher.reminders()) {
      long lateMs = Duration.between(r.remindAt(), r.timestamp()).toMillis();
      System.out.printf("[reminder timer] %s sent %d ms after remind_at%n", r.taskId(), lateMs);
      assertThat(lateMs).as("not early").isGreaterThanOrEqualTo(0);
      // No tick runs in this test: without the timer the reminder would never be sent at all.
      assertThat(lateMs).as("sent by the timer, not at some later time").isLessThan(1000);
    }
  }
}
