package dev.todoevents.recurring.domain;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.Recurrence;
import dev.todoevents.contracts.TaskData;
import dev.todoevents.contracts.TaskEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The task that follows a completed recurring task: same title, description, priority and
 * recurrence, due one period after the completed one (or after its completion when it had no
 * due time), with its reminder shifted by the same amount. Its id is derived from the series
 * and occurrence number, so computing it twice gives the same task.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record NextOccurrence(
    UUID id,
    UUID seriesId,
    int occurrence,
    String userId,
    String title,
    String description,
    String priority,
    String recurrence,
    Instant dueAt,
    Instant remindAt) {

  /** Empty when the task does not repeat (or the event is not a completion). */
  public static Optional<NextOccurrence> after(TaskEvent completed) {
    TaskData d = completed.taskData();
    if (!Recurrence.repeats(d.recurrence())) {
      return Optional.empty();
    }
    UUID series = d.seriesId() != null ? d.seriesId() : completed.taskId();
    int n = (d.occurrence() != null ? d.occurrence() : 1) + 1;
    Instant base =
        d.dueAt() != null ? d.dueAt() : d.completedAt() != null ? d.completedAt() : completed.timestamp();
    Instant due = Recurrence.next(d.recurrence(), base);
    Instant remind = d.remindAt() == null ? null : d.remindAt().plus(Duration.between(base, due));
    return Optional.of(
        new NextOccurrence(
            Recurrence.occurrenceId(series, n), series, n, completed.userId(), d.title(),
            d.description(), d.priority(), d.recurrence(), due, remind));
  }

  public byte[] toJson() {
    return Events.toJson(this);
  }
}
