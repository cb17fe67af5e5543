package dev.todoevents.recurring.domain;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.Recurrence;
import dev.todoevents.contracts.TaskData;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The task that follows a completed recurring task: same title, description, priority and
 * recurrence, due one period after the completed one (or after its completion when it had no due
 * time), with its reminder shifted by the same amount. Its id is derived from the owner, the series
 * and the occurrence number, so computing it twice gives the same task, and no other user's series
 * gives it.
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

  /**
   * Empty when the task does not repeat.
   *
   * @throws SeriesEnds when the series can go no further: it reached the last occurrence number, or
   *     the next due time (or reminder) would leave the timestamp range
   */
  public static Optional<NextOccurrence> after(TaskEvent completed) {
    TaskData d = completed.taskData();
    if (!Recurrence.repeats(d.recurrence())) {
      return Optional.empty();
    }
    UUID series = d.seriesId() != null ? d.seriesId() : completed.taskId();
    int current = d.occurrence() != null ? d.occurrence() : 1;
    if (current >= TaskData.MAX_OCCURRENCE) {
      throw new SeriesEnds(
          series,
          current,
          "it reached the last occurrence a series may have (" + TaskData.MAX_OCCURRENCE + ")");
    }
    Instant base =
        d.dueAt() != null
            ? d.dueAt()
            : d.completedAt() != null ? d.completedAt() : completed.timestamp();
    Instant due =
        Recurrence.next(d.recurrence(), base)
            .orElseThrow(
                () ->
                    new SeriesEnds(
                        series,
                        current,
                        "the due time after " + base + " would not be " + Timestamps.RANGE));
    Instant remind = d.remindAt() == null ? null : d.remindAt().plus(Duration.between(base, due));
    if (remind != null && !Timestamps.contains(remind)) {
      throw new SeriesEnds(
          series,
          current,
          "the reminder after " + d.remindAt() + " would not be " + Timestamps.RANGE);
    }
    int n = current + 1;
    return Optional.of(
        new NextOccurrence(
            Recurrence.occurrenceId(completed.userId(), series, n),
            series,
            n,
            completed.userId(),
            d.title(),
            d.description(),
            d.priority(),
            d.recurrence(),
            due,
            remind));
  }

  public byte[] toJson() {
    return Events.toJson(this);
  }

  /** A series that has no next occurrence although it repeats: it ends with the completed one. */
  public static final class SeriesEnds extends RuntimeException {
    private final UUID seriesId;
    private final int lastOccurrence;

    SeriesEnds(UUID seriesId, int lastOccurrence, String why) {
      super(why);
      this.seriesId = seriesId;
      this.lastOccurrence = lastOccurrence;
    }

    public UUID seriesId() {
      return seriesId;
    }

    public int lastOccurrence() {
      return lastOccurrence;
    }
  }
}
