package dev.todoevents.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Dapr HTTP service invocation through this app's sidecar: {@code
 * http://127.0.0.1:$DAPR_HTTP_PORT/v1.0/invoke/<app-id>/method/<method>}. Retries, timeout and
 * circuit breaker for the target are the sidecar's (resiliency/, apps.<app-id>).
 */
@ApplicationScoped
public class ServiceInvocation {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final TodoConfig.Sidecar sidecar;

  public ServiceInvocation(TodoConfig.Sidecar sidecar) {
    this.sidecar = sidecar;
  }

  /** A request for {@code method} (path and query, no leading slash) of app {@code appId}. */
  public HttpRequest.Builder request(String appId, String method) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + sidecar.httpPort()
                        + "/v1.0/invoke/"
                        + appId
                        + "/method/"
                        + method))
            .timeout(sidecar.invokeTimeout());
    SidecarToken.orEnv(sidecar.apiToken(), "DAPR_API_TOKEN")
        .ifPresent(t -> b.header(SidecarToken.HEADER, t));
    return b;
  }

  /**
   * @throws IOException when the sidecar cannot be reached, or the call was interrupted
   */
  public HttpResponse<String> send(HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
