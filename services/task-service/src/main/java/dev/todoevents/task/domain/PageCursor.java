package dev.todoevents.task.domain;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * Where a page of a user's tasks ends: the last task's (created_at, id), the order the list is in.
 * It names a position, not a task, so the next page is still right when that task has been deleted
 * meanwhile. Written {@code <created_at>_<id>}.
 */
public record PageCursor(Instant createdAt, UUID id) {

  public static String after(Task last) {
    return new PageCursor(last.createdAt, last.id).toString();
  }

  /** The cursor, or null when the text is not one. */
  public static PageCursor parse(String text) {
    int sep = text.indexOf('_');
    if (sep < 0) {
      return null;
    }
    try {
      return new PageCursor(
          Instant.parse(text.substring(0, sep)), UUID.fromString(text.substring(sep + 1)));
    } catch (DateTimeParseException | IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return createdAt + "_" + id;
  }
}
