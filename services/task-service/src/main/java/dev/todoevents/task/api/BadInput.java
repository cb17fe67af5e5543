package dev.todoevents.task.api;

import dev.todoevents.service.ApiError;
import java.util.List;

/** A 400 that a handler decides on after parsing (TaskErrorMappers answers it). */
final class BadInput extends RuntimeException {
  final transient ApiError error;

  BadInput(ApiError error) {
    super(error.message());
    this.error = error;
  }

  /** One field (or header, or query parameter) with its problem. */
  static BadInput of(String error, String field, String problem) {
    return new BadInput(
        new ApiError(
            error, field + " " + problem, List.of(new ApiError.FieldProblem(field, problem))));
  }
}
