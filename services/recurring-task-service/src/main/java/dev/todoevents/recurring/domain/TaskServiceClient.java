package dev.todoevents.recurring.domain;

import dev.todoevents.contracts.Causality;
import dev.todoevents.contracts.DaprNames;
import dev.todoevents.service.ServiceInvocation;
import dev.todoevents.service.TraceContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Creates tasks in task-service through Dapr HTTP service invocation of its internal endpoint
 * ({@code /v1.0/invoke/task-service/method/internal/tasks} on this app's sidecar), which
 * task-service's access-control list opens to this app alone. Retries, timeout and circuit breaker
 * for that call are the sidecar's (resiliency/, target apps.task-service).
 */
@ApplicationScoped
public class TaskServiceClient {

  /** task-service's answer: its status and body. */
  public record Reply(int status, String body) {
    public boolean created() {
      return status == 201;
    }

    /** The same task again (same owner, series and occurrence): an idempotent retry. */
    public boolean alreadyExisted() {
      return status == 200;
    }

    /** The id is another task's (another owner, series or occurrence). */
    public boolean conflict() {
      return status == 409;
    }

    /** The request itself is wrong: no retry will change the answer. */
    public boolean rejected() {
      return status >= 400 && status < 500 && status != 408 && status != 429;
    }
  }

  private final ServiceInvocation invocation;

  public TaskServiceClient(ServiceInvocation invocation) {
    this.invocation = invocation;
  }

  /**
   * @param traceparent the W3C trace context of the completed event: the sidecar continues that
   *     trace into task-service, so the next occurrence's events belong to the same trace. The span
   *     of the delivery being handled is the parent when tracing is on.
   * @throws IOException when the sidecar cannot be reached (a transient failure)
   */
  public Reply create(
      NextOccurrence next, String correlationId, String causationId, String traceparent)
      throws IOException {
    HttpRequest.Builder req =
        invocation
            .request(DaprNames.AppIds.TASK_SERVICE, "internal/tasks")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(next.toJson()));
    // An envelope from before task-service checked these headers may carry an id it now refuses
    // (400): leave such an id out rather than lose the next occurrence over it.
    if (Causality.isValidId(correlationId)) {
      req.header(Causality.CORRELATION_HEADER, correlationId);
    }
    if (Causality.isValidId(causationId)) {
      req.header(Causality.CAUSATION_HEADER, causationId);
    }
    String trace = TraceContext.traceparent(traceparent);
    if (trace != null && !trace.isBlank()) {
      req.header(Causality.TRACEPARENT_HEADER, trace);
    }
    HttpResponse<String> r = invocation.send(req.build());
    return new Reply(r.statusCode(), r.body());
  }
}
