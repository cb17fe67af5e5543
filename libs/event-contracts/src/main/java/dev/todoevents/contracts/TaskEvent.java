package dev.todoevents.contracts;

import java.time.Instant;
import java.util.UUID;

/** A task lifecycle change, published to task-events keyed by user_id. */
public record TaskEvent(
    UUID eventId,
    int schemaVersion,
    Instant timestamp,
    TaskEventType eventType,
    UUID taskId,
    String userId,
    TaskData taskData)
    implements Event {

  public static final int SCHEMA_VERSION = 1;

  public static TaskEvent of(TaskEventType type, UUID taskId, String userId, TaskData data) {
    return new TaskEvent(
        UUID.randomUUID(), SCHEMA_VERSION, Events.now(), type, taskId, userId, data);
  }

  @Override
  public String cloudEventType() {
    return eventType.cloudEventType();
  }
}
