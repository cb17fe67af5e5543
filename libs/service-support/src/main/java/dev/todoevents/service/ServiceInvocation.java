package dev.todoevents.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Dapr HTTP service invocation through this app's sidecar: {@code
 * http://127.0.0.1:$DAPR_HTTP_PORT/v1.0/invoke/<app-id>/method/<method>}. Retries, timeout and
 * circuit breaker for the target are the sidecar's (resiliency/, apps.<app-id>).
 */
@ApplicationScoped
public class ServiceInvocation {

  /** Where the sidecar is ({@code DAPR_HTTP_PORT}, set by `dapr run` / the injector). */
  @ConfigMapping(prefix = "todo.sidecar")
  public interface Sidecar {
    @WithDefault("${DAPR_HTTP_PORT:3500}")
    int httpPort();

    /** How long one call may take, the sidecar's retries included. */
    @WithDefault("10s")
    Duration invokeTimeout();

    /** The sidecar's API token, sent as dapr-api-token; unset: the environment's DAPR_API_TOKEN. */
    Optional<String> apiToken();

    /**
     * The token the sidecar sends this app; unset: APP_API_TOKEN. Declared so the mapping covers
     * it; {@link SidecarToken.Check} reads it by name, since a JAX-RS filter built from its
     * constructor cannot be given this mapping (Quarkus finds no mapping for it then).
     */
    Optional<String> appToken();

    /**
     * Whether a sidecar-only endpoint refuses every request when no app token is set (read by name,
     * as above).
     */
    @WithDefault("true")
    boolean requireAppToken();

    /**
     * Whether /q/health/ready includes the sidecar's outbound health ({@link SidecarReadiness}).
     */
    @WithDefault("true")
    boolean readinessCheck();
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Sidecar sidecar;

  public ServiceInvocation(Sidecar sidecar) {
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
