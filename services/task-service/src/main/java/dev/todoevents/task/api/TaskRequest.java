package dev.todoevents.task.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.todoevents.contracts.TaskData;
import dev.todoevents.task.domain.NewTask;
import dev.todoevents.task.domain.TaskChanges;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Body of POST /tasks and POST /internal/tasks: title required; user_id optional on POST /tasks
 * (the bearer token names the user; if given it must be that user), required on the internal one;
 * priority defaults to medium, status to pending. id / series_id / occurrence are for the internal
 * endpoint only (recurring-task-service names each next occurrence, which makes its create
 * idempotent); POST /tasks refuses them, so no client can claim a place in a series.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TaskRequest(
    UUID id,
    UUID seriesId,
    @Min(value = 1, message = OCCURRENCE_MESSAGE)
        @Max(value = TaskData.MAX_OCCURRENCE, message = OCCURRENCE_MESSAGE)
        Integer occurrence,
    @Size(max = 128) String userId,
    @NotNull(message = "must not be blank")
        @Size(max = TaskData.TITLE_MAX_LENGTH)
        @ContractRules.Title
        String title,
    @Size(max = TaskData.DESCRIPTION_MAX_LENGTH) @ContractRules.Description String description,
    @ContractRules.InTimestampRange Instant dueAt,
    @ContractRules.InTimestampRange Instant remindAt,
    @Pattern(regexp = TaskData.RECURRENCES, message = RECURRENCE_MESSAGE) String recurrence,
    @Pattern(regexp = TaskData.PRIORITIES, message = PRIORITY_MESSAGE) String priority,
    @Pattern(regexp = TaskData.STATUSES, message = STATUS_MESSAGE) String status) {

  static final String RECURRENCE_MESSAGE =
      "must be one of none, daily, weekly, monthly, every_N_days (N from 1 to 365)";
  static final String PRIORITY_MESSAGE = "must be one of low, medium, high";
  static final String STATUS_MESSAGE = "must be one of pending, in_progress, completed";
  static final String OCCURRENCE_MESSAGE = "must be from 1 to " + TaskData.MAX_OCCURRENCE;

  /** The series fields a client sent, by their JSON names: POST /tasks takes none of them. */
  List<String> seriesFields() {
    List<String> sent = new ArrayList<>();
    if (id != null) {
      sent.add("id");
    }
    if (seriesId != null) {
      sent.add("series_id");
    }
    if (occurrence != null) {
      sent.add("occurrence");
    }
    return sent;
  }

  NewTask toNewTask() {
    return new NewTask(
        id,
        seriesId,
        occurrence,
        new TaskChanges(title, description, status, priority, dueAt, remindAt, recurrence));
  }
}
