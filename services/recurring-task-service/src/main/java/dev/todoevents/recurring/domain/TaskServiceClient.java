package dev.todoevents.recurring.domain;

import dev.todoevents.contracts.DaprNames;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Creates tasks in task-service through Dapr HTTP service invocation
 * ({@code /v1.0/invoke/task-service/method/tasks} on this app's sidecar). Retries, timeout and
 * circuit breaker for that call are the sidecar's (resiliency/, target apps.task-service).
 */
@ApplicationScoped
public class TaskServiceClient {

  /** Where the sidecar is ({@code DAPR_HTTP_PORT}, set by `dapr run` / the injector). */
  @ConfigMapping(prefix = "recurring.sidecar")
  public interface Sidecar {
    @WithDefault("${DAPR_HTTP_PORT:3500}")
    int httpPort();

    @WithDefault("30s")
    Duration timeout();
  }

  /** task-service's answer: its status and body. */
  public record Reply(int status, String body) {
    public boolean created() {
      return status == 201;
    }

    public boolean alreadyExisted() {
      return status == 200;
    }

    /** The request itself is wrong: no retry will change the answer. */
    public boolean rejected() {
      return status >= 400 && status < 500 && status != 408 && status != 429;
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Sidecar sidecar;

  public TaskServiceClient(Sidecar sidecar) {
    this.sidecar = sidecar;
  }

  /**
   * @param traceparent the W3C trace context of the completed event: the sidecar continues that
   *     trace into task-service, so the next occurrence's events belong to the same trace
   * @throws IOException when the sidecar cannot be reached (a transient failure)
   */
  public Reply create(NextOccurrence next, String correlationId, String causationId, String traceparent)
      throws IOException {
    URI uri =
        URI.create(
            "http://127.0.0.1:" + sidecar.httpPort() + "/v1.0/invoke/"
                + DaprNames.AppIds.TASK_SERVICE + "/method/tasks");
    HttpRequest.Builder req =
        HttpRequest.newBuilder(uri)
            .timeout(sidecar.timeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(next.toJson()));
    if (correlationId != null) {
      req.header("X-Correlation-Id", correlationId);
    }
    if (causationId != null) {
      req.header("X-Causation-Id", causationId);
    }
    if (traceparent != null && !traceparent.isBlank()) {
      req.header("traceparent", traceparent);
    }
    try {
      HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
