package dev.todoevents.task.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.todoevents.contracts.TaskData;
import dev.todoevents.task.domain.NewTask;
import dev.todoevents.task.domain.TaskChanges;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.UUID;

/**
 * Body of POST /tasks: title required; user_id optional (the bearer token names the user; if
 * given it must be that user), required on POST /internal/tasks; priority defaults to medium, status to
 * pending. id / series_id / occurrence are optional: a caller that chooses the id makes the
 * create idempotent (recurring-task-service does).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TaskRequest(
    UUID id,
    UUID seriesId,
    @Min(value = 1, message = "must be at least 1") Integer occurrence,
    @Size(max = 128) String userId,
    @NotBlank @Size(max = 200) String title,
    @Size(max = 4000) String description,
    Instant dueAt,
    Instant remindAt,
    @Pattern(regexp = TaskData.RECURRENCES, message = RECURRENCE_MESSAGE) String recurrence,
    @Pattern(regexp = TaskData.PRIORITIES, message = PRIORITY_MESSAGE) String priority,
    @Pattern(regexp = TaskData.STATUSES, message = STATUS_MESSAGE) String status) {

  static final String RECURRENCE_MESSAGE =
      "must be one of none, daily, weekly, monthly, every_N_days (N from 1 to 365)";
  static final String PRIORITY_MESSAGE = "must be one of low, medium, high";
  static final String STATUS_MESSAGE = "must be one of pending, in_progress, completed";

  NewTask toNewTask() {
    return new NewTask(
        id, seriesId, occurrence,
        new TaskChanges(title, description, status, priority, dueAt, remindAt, recurrence));
  }
}
