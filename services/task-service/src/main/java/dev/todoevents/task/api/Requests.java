package dev.todoevents.task.api;

import dev.todoevents.service.TraceExport;
import dev.todoevents.task.domain.TaskService;
import dev.todoevents.task.events.RequestContext;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;

/** What the public and the internal task endpoints do alike. */
final class Requests {

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
   * starts a new chain. The request id, or a fresh one, is the direct cause. The trace context
   * the events carry is this request's server span (a child of the caller's {@code traceparent},
   * or a new trace), so the publish and everything after it hang under this request; the
   * caller's own traceparent only when tracing is off.
   */
  static RequestContext context(String correlationId, String requestId, String traceparent) {
    String cause = blank(requestId) ? UUID.randomUUID().toString() : requestId;
    String correlation = blank(correlationId) ? cause : correlationId;
    String trace = TraceExport.traceparent(blank(traceparent) ? null : traceparent);
    return new RequestContext(correlation, cause, trace);
  }

  static String firstNonBlank(String a, String b) {
    return blank(a) ? b : a;
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
