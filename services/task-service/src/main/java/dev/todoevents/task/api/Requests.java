package dev.todoevents.task.api;

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
   * starts a new chain. The request id, or a fresh one, is the direct cause. {@code traceparent}
   * is the caller's W3C trace context, or null.
   */
  static RequestContext context(String correlationId, String requestId, String traceparent) {
    String cause = blank(requestId) ? UUID.randomUUID().toString() : requestId;
    String correlation = blank(correlationId) ? cause : correlationId;
    return new RequestContext(correlation, cause, blank(traceparent) ? null : traceparent);
  }

  static String firstNonBlank(String a, String b) {
    return blank(a) ? b : a;
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
