package dev.todoevents.task.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.todoevents.contracts.TaskData;
import dev.todoevents.task.domain.TaskChanges;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** Body of PATCH/PUT /tasks/{id}: every field optional; absent fields stay as they are. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TaskPatch(
    @Size(max = TaskData.TITLE_MAX_LENGTH) @ContractRules.Title String title,
    @Size(max = TaskData.DESCRIPTION_MAX_LENGTH) @ContractRules.Description String description,
    @ContractRules.InTimestampRange Instant dueAt,
    @ContractRules.InTimestampRange Instant remindAt,
    @Pattern(regexp = TaskData.RECURRENCES, message = TaskRequest.RECURRENCE_MESSAGE)
        String recurrence,
    @Pattern(regexp = TaskData.PRIORITIES, message = TaskRequest.PRIORITY_MESSAGE) String priority,
    @Pattern(regexp = TaskData.STATUSES, message = TaskRequest.STATUS_MESSAGE) String status) {

  boolean isEmpty() {
    return title == null
        && description == null
        && dueAt == null
        && remindAt == null
        && recurrence == null
        && priority == null
        && status == null;
  }

  TaskChanges changes() {
    return new TaskChanges(title, description, status, priority, dueAt, remindAt, recurrence);
  }
}
