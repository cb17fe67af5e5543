package dev.todoevents.contracts;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A delta for live clients (only the fields that changed), published to task-updates. */
public record TaskUpdateEvent(
    UUID eventId,
    int schemaVersion,
    Instant timestamp,
    TaskEventType eventType,
    UUID taskId,
    String userId,
    Map<String, Object> changes)
    implements Event {

  public static final int SCHEMA_VERSION = 1;
  public static final String TYPE = "todo.task.changed";

  @Override
  public String cloudEventType() {
    return TYPE;
  }
}
