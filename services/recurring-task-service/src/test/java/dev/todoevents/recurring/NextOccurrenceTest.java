package dev.todoevents.recurring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.Recurrence;
import dev.todoevents.contracts.Samples;
import dev.todoevents.contracts.TaskData;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.recurring.domain.NextOccurrence;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class NextOccurrenceTest {

  private static ObjectNode completed() {
    return (ObjectNode)
        Samples.load(
            "task-event.completed.json"); // every_3_days, due 2026-11-24T17:00Z, occurrence 1
  }

  @Test
  void followsTheDueTimeBySeriesAndNumber() {
    TaskEvent e = Events.read(completed(), TaskEvent.class);
    NextOccurrence next = NextOccurrence.after(e).orElseThrow();
    assertThat(next.dueAt()).isEqualTo(Instant.parse("2026-11-27T17:00:00Z"));
    assertThat(next.occurrence()).isEqualTo(2);
    assertThat(next.seriesId()).isEqualTo(e.taskData().seriesId());
    assertThat(next.id())
        .isEqualTo(Recurrence.occurrenceId(e.userId(), e.taskData().seriesId(), 2));
    assertThat(next.userId()).isEqualTo(e.userId());
    assertThat(next.title()).isEqualTo(e.taskData().title());
    assertThat(NextOccurrence.after(e).orElseThrow()).isEqualTo(next);
  }

  @Test
  void shiftsTheReminderAndFallsBackToCompletionTime() {
    ObjectNode data = completed();
    ((ObjectNode) data.get("task_data"))
        .put("remind_at", "2026-11-24T16:00:00Z")
        .put("recurrence", "weekly");
    assertThat(NextOccurrence.after(Events.read(data, TaskEvent.class)).orElseThrow().remindAt())
        .isEqualTo(Instant.parse("2026-12-01T16:00:00Z"));
    ((ObjectNode) data.get("task_data")).remove("due_at");
    ((ObjectNode) data.get("task_data")).remove("remind_at");
    assertThat(NextOccurrence.after(Events.read(data, TaskEvent.class)).orElseThrow().dueAt())
        .isEqualTo(Instant.parse("2026-12-01T16:30:00Z")); // completed_at + 1 week
  }

  @Test
  void theSameSeriesOfAnotherUserHasOtherIds() {
    ObjectNode data = completed();
    UUID mine = NextOccurrence.after(Events.read(data, TaskEvent.class)).orElseThrow().id();
    data.put("user_id", "someone-else");
    assertThat(NextOccurrence.after(Events.read(data, TaskEvent.class)).orElseThrow().id())
        .isNotEqualTo(mine);
  }

  /** The series ends instead of computing a date no store and no consumer takes. */
  @Test
  void aSeriesEndsAtTheEdgeOfTheTimestampRangeAndAtTheLastOccurrence() {
    ObjectNode data = completed();
    ((ObjectNode) data.get("task_data"))
        .put("due_at", "2199-12-31T00:00:00Z")
        .put("recurrence", "daily");
    TaskEvent atTheEdge = Events.read(data, TaskEvent.class);
    assertThatThrownBy(() -> NextOccurrence.after(atTheEdge))
        .isInstanceOfSatisfying(
            NextOccurrence.SeriesEnds.class,
            e -> {
              assertThat(e.seriesId()).isEqualTo(atTheEdge.taskData().seriesId());
              assertThat(e.lastOccurrence()).isEqualTo(1);
            })
        .hasMessageContaining("2199-12-31T00:00:00Z");
    ((ObjectNode) data.get("task_data"))
        .put("due_at", "2199-12-30T00:00:00Z")
        .put("remind_at", "2199-12-31T12:00:00Z");
    assertThatThrownBy(() -> NextOccurrence.after(Events.read(data, TaskEvent.class)))
        .isInstanceOf(NextOccurrence.SeriesEnds.class)
        .hasMessageContaining("reminder");
    ((ObjectNode) data.get("task_data")).remove("remind_at");
    assertThat(NextOccurrence.after(Events.read(data, TaskEvent.class)).orElseThrow().dueAt())
        .isEqualTo(Instant.parse("2199-12-31T00:00:00Z"));

    ObjectNode last = completed();
    ((ObjectNode) last.get("task_data")).put("occurrence", TaskData.MAX_OCCURRENCE);
    assertThatThrownBy(() -> NextOccurrence.after(Events.read(last, TaskEvent.class)))
        .isInstanceOf(NextOccurrence.SeriesEnds.class)
        .hasMessageContaining("last occurrence");
    ((ObjectNode) last.get("task_data")).put("occurrence", TaskData.MAX_OCCURRENCE - 1);
    assertThat(NextOccurrence.after(Events.read(last, TaskEvent.class)).orElseThrow().occurrence())
        .isEqualTo(TaskData.MAX_OCCURRENCE);
  }

  @Test
  void aTaskThatDoesNotRepeatHasNoNextOccurrence() {
    ObjectNode data = completed();
    ((ObjectNode) data.get("task_data")).put("recurrence", "none");
    assertThat(NextOccurrence.after(Events.read(data, TaskEvent.class))).isEmpty();
  }
}
