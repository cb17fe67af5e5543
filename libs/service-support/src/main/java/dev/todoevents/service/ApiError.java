package dev.todoevents.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The JSON body of every 4xx/5xx answer: a stable machine-readable {@code error} code, a sentence
 * for humans, and per-field problems where there are any.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ApiError(String error, String message, List<FieldProblem> details) {

  public static ApiError of(String error, String message) {
    return new ApiError(error, message, List.of());
  }

  /** One field that is missing, of the wrong type, or out of range. */
  public record FieldProblem(String field, String problem) {}
}
