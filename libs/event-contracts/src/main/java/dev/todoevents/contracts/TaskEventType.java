package dev.todoevents.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Lifecycle changes of a task; each maps to a CloudEvents type {@code todo.task.<name>}. */
public enum TaskEventType {
  CREATED,
  UPDATED,
  COMPLETED,
  DELETED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public String cloudEventType() {
    return "todo.task." + wireName();
  }

  @JsonCreator
  public static TaskEventType fromWire(String value) {
    for (TaskEventType t : values()) {
      if (t.wireName().equals(value)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown task event_type: " + value);
  }
}
