package dev.todoevents.task.api;

import dev.todoevents.contracts.Causality;
import dev.todoevents.service.ApiError;
import dev.todoevents.service.TraceContext;
import dev.todoevents.task.events.RequestContext;
import jakarta.ws.rs.HeaderParam;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The causality headers of a request to the public or the internal task endpoints (a JAX-RS bean
 * parameter), and the {@link RequestContext} its events carry.
 */
public class CausalityHeaders {

  @HeaderParam(Causality.CORRELATION_HEADER)
  String correlationId;

  @HeaderParam(Causality.REQUEST_HEADER)
  String requestId;

  @HeaderParam(Causality.CAUSATION_HEADER)
  String causationId;

  @HeaderParam(Causality.TRACEPARENT_HEADER)
  String traceparent;

  /**
   * The correlation id is the caller's, else this request starts a chain; the cause is the
   * causation id, else the request id, else a fresh id. Each must be a {@link Causality#ID}, else
   * 400 naming the header. The events' trace context is this request's server span; the caller's
   * (valid) traceparent only when tracing is off.
   */
  RequestContext context() {
    List<ApiError.FieldProblem> problems = new ArrayList<>();
    String correlation = id(Causality.CORRELATION_HEADER, correlationId, problems);
    String request = id(Causality.REQUEST_HEADER, requestId, problems);
    String causation = id(Causality.CAUSATION_HEADER, causationId, problems);
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
    String trace = TraceContext.traceparent(Causality.validTraceparent(traceparent));
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
}
