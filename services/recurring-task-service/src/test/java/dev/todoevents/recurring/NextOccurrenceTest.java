package dev.todoevents.recurring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.Recurrence;
import dev.todoevents.contracts.Samples;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.recurring.domain.NextOccurrence;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NextOccurrenceTest {

  private static ObjectNode completed() {
    return (ObjectNode) Samples.load("task-event.completed.json"); // every_3_days, due 2026-11-24T17:00Z, occurrence 1
  }

  @Test
  void followsTheDueTimeBySeriesAndNumber() {
    TaskEvent e = Events.read(completed(), TaskEvent.class);
    NextOccurrence next = NextOccurrence.after(e).orElseThrow();
    assertThat(next.dueAt()).isEqualTo(Instant.parse("2026-11-27T17:00:00Z"));
    assertThat(next.occurrence()).isEqualTo(2);
    assertThat(next.seriesId()).isEqualTo(e.taskData().seriesId());
    assertThat(next.id()).isEqualTo(Recurrence.occurrenceId(e.taskData().seriesId(), 2));
    assertThat(next.userId()).isEqualTo(e.userId());
    assertThat(next.title()).isEqualTo(e.taskData().title());
    assertThat(NextOccurrence.after(e).orElseThrow()).isEqualTo(next);
  }

  @Test
  void shiftsTheReminderAndFallsBackToCompletionTime() {
    ObjectNode data = completed();
    ((ObjectNode) data.get("task_data")).put("remind_at", "2026-11-24T16:00:00Z").put("recurrence", "weekly");
    assertThat(NextOccurrence.after(Events.read(data, TaskEvent.class)).orElseThrow().remindAt())
        .isEqualTo(Instant.parse("2026-12-01T16:00:00Z"));
    ((ObjectNode) data.get("task_data")).remove("due_at");
    ((ObjectNode) data.get("task_data")).remove("remind_at");
    assertThat(NextOccurrence.after(Events.read(data, TaskEvent.class)).orElseThrow().dueAt())
        .isEqualTo(Instant.parse("2026-12-01T16:30:00Z")); // completed_at + 1 week
  }

  @Test
  void aTaskThatDoesNotRepeatHasNoNextOccurrence() {
    ObjectNode data = completed();
    ((ObjectNode) data.get("task_data")).put("recurrence", "none");
    assertThat(NextOccurrence.after(Events.read(data, TaskEvent.class))).isEmpty();
  }
}
