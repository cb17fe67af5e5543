package dev.todoevents.contracts;

import java.time.Instant;
import java.util.UUID;

/** A reminder that is due, published to reminders keyed by user_id. */
public record ReminderEvent(
    UUID eventId,
    int schemaVersion,
    Instant timestamp,
    UUID taskId,
    String userId,
    String title,
    Instant dueAt,
    Instant remindAt)
    implements Event {

  public static final int SCHEMA_VERSION = 1;
  public static final String TYPE = "todo.reminder.triggered";

  @Override
  public String cloudEventType() {
    return TYPE;
  }
}
