package dev.todoevents.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The app is ready only when its sidecar can reach the outside: Dapr's {@code
 * /v1.0/healthz/outbound} (components loaded, the API up; no token needed) answers 2xx. An app
 * whose sidecar is gone or still starting is taken out of its Service on Kubernetes rather than
 * taking requests it cannot publish. Off in unit tests, which have no sidecar ({@code
 * todo.sidecar.readiness-check}).
 */
@Readiness
@ApplicationScoped
public class SidecarReadiness implements HealthCheck {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final TodoConfig.Sidecar sidecar;

  public SidecarReadiness(TodoConfig.Sidecar sidecar) {
    this.sidecar = sidecar;
  }

  @Override
  public HealthCheckResponse call() {
    var r = HealthCheckResponse.named("dapr-sidecar").withData("port", sidecar.httpPort());
    if (!sidecar.readinessCheck()) {
      return r.withData("checked", false).up().build();
    }
    try {
      HttpResponse<Void> answer =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + sidecar.httpPort() + "/v1.0/healthz/outbound"))
                  .timeout(Duration.ofSeconds(2))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.withData("status", answer.statusCode())
          .status(answer.statusCode() / 100 == 2)
          .build();
    } catch (java.io.IOException e) {
      return r.withData("error", e.toString()).down().build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return r.withData("error", "interrupted").down().build();
    }
  }
}
