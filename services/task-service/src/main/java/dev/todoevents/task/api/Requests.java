package dev.todoevents.task.api;

import dev.todoevents.contracts.Causality;
import dev.todoevents.service.ApiError;
import dev.todoevents.service.TraceExport;
import dev.todoevents.task.domain.TaskService;
import dev.todoevents.task.events.RequestContext;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/** What the public and the internal task endpoints do alike. */
final class Requests {

  static final String CORRELATION_HEADER = "X-Correlation-Id";
  static final String REQUEST_HEADER = "X-Request-Id";
  static final String CAUSATION_HEADER = "X-Causation-Id";
  static final String TRACEPARENT_HEADER = "traceparent";

  private Requests() {}

  /** 201 for a new task; 200 when a caller-chosen id already existed (an idempotent retry). */
  static Response created(TaskService.Created created) {
    var task = created.task();
    return (created.isNew() ? Response.created(URI.create("/tasks/" + task.id)) : Response.ok())
        .entity(TaskResponse.of(task))
        .build();
  }

  /**
   * Correlation comes from the caller when it has one (a chatbot turn); otherwise this request
   * starts a new chain. The causation id (or the request id), or a fresh one, is the direct cause.
   * These ids are stored with every event and by its consumers, so each must be a {@link
   * Causality#ID}; otherwise 400 naming the header. The trace context the events carry is this
   * request's server span (a child of the caller's {@code traceparent}, or a new trace), so the
   * publish and everything after it hang under this request; the caller's own traceparent only when
   * tracing is off, and only if it is a valid one (else a new trace starts, as W3C says).
   */
  static RequestContext context(
      String correlationId, String requestId, String causationId, String traceparent) {
    List<ApiError.FieldProblem> problems = new ArrayList<>();
    String correlation = id(CORRELATION_HEADER, correlationId, problems);
    String request = id(REQUEST_HEADER, requestId, problems);
    String causation = id(CAUSATION_HEADER, causationId, problems);
    if (!problems.isEmpty()) {
      throw new BadInput(
          new ApiError(
              "invalid_header",
              problems.stream()
                  .map(p -> p.field() + " " + p.problem())
                  .collect(Collectors.joining("; ")),
              problems));
    }
    String cause =
        causation != null ? causation : request != null ? request : UUID.randomUUID().toString();
    String trace = TraceExport.traceparent(Causality.validTraceparent(traceparent));
    return new RequestContext(correlation != null ? correlation : cause, cause, trace);
  }

  /** The header's value, null when absent or empty; a problem when it is not a valid id. */
  private static String id(String header, String value, List<ApiError.FieldProblem> problems) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (!Causality.isValidId(value)) {
      problems.add(new ApiError.FieldProblem(header, Causality.ID_RULE));
      return null;
    }
    return value;
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
