package dev.todoevents.task.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.todoevents.task.domain.Task;
import dev.todoevents.task.domain.TaskService;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;

/** A task as the API shows it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskResponse(
    UUID id,
    String userId,
    String title,
    String description,
    String status,
    String priority,
    Instant dueAt,
    Instant remindAt,
    String recurrence,
    Instant createdAt,
    Instant updatedAt,
    Instant completedAt,
    UUID seriesId,
    Integer occurrence) {

  /** 201 for a new task; 200 when a caller-chosen id already existed (an idempotent retry). */
  static Response created(TaskService.Created created) {
    Task task = created.task();
    return (created.isNew() ? Response.created(URI.create("/tasks/" + task.id)) : Response.ok())
        .entity(of(task))
        .build();
  }

  static TaskResponse of(Task t) {
    return new TaskResponse(
        t.id,
        t.userId,
        t.title,
        t.description,
        t.status,
        t.priority,
        t.dueAt,
        t.remindAt,
        t.recurrence,
        t.createdAt,
        t.updatedAt,
        t.completedAt,
        t.seriesId,
        t.occurrence);
  }
}
