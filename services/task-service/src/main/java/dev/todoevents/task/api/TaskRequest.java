package dev.todoevents.task.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.todoevents.task.domain.TaskChanges;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** Body of POST /tasks. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TaskRequest(
    @NotBlank @Size(max = 128) String userId,
    @NotBlank @Size(max = 200) String title,
    @Size(max = 4000) String description,
    Instant dueAt,
    Instant remindAt,
    @Pattern(regexp = RECURRENCES, message = "must be one of none, daily, weekly, monthly")
        String recurrence) {

  static final String RECURRENCES = "none|daily|weekly|monthly";

  TaskChanges changes() {
    return new TaskChanges(title, description, dueAt, remindAt, recurrence);
  }
}
