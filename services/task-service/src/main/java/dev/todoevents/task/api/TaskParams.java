package dev.todoevents.task.api;

import dev.todoevents.contracts.Timestamps;
import dev.todoevents.service.ApiError;
import dev.todoevents.task.domain.PageCursor;
import java.util.List;
import java.util.UUID;

/**
 * Path and query parameters of /tasks, parsed here rather than by JAX-RS: a bad value there answers
 * 404, here 400 naming the parameter.
 */
final class TaskParams {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  /** On a full page of GET /tasks: the {@code after} of the next page. */
  static final String NEXT_HEADER = "X-Next-After";

  private TaskParams() {}

  static UUID taskId(String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw new BadInput(
          new ApiError(
              "invalid_id",
              "task id '" + raw + "' is not a UUID",
              List.of(new ApiError.FieldProblem("id", "must be a UUID"))));
    }
  }

  static int limit(String raw) {
    if (raw == null || raw.isBlank()) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(raw.trim());
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below, as any other bad value
    }
    throw BadInput.of("invalid_query", "limit", "must be a whole number from 1 to " + MAX_LIMIT);
  }

  static PageCursor after(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    PageCursor cursor = PageCursor.parse(raw.trim());
    if (cursor == null || !Timestamps.contains(cursor.createdAt())) {
      throw BadInput.of(
          "invalid_query", "after", "must be the " + NEXT_HEADER + " header of the previous page");
    }
    return cursor;
  }
}
