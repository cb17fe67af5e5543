package dev.todoevents.realtime.api;

import dev.todoevents.contracts.DaprNames;
import dev.todoevents.service.ApiError;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.NotBlank;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * {@code GET /api/tasks?user_id=}: the user's current tasks for the live page, read from
 * task-service through Dapr HTTP service invocation on this app's sidecar, so the page needs
 * only this origin. task-service's answer (status and body) is passed on as is.
 */
@Path("/api/tasks")
public class TaskListResource {

  private static final Logger LOG = Logger.getLogger(TaskListResource.class);

  /** Where the sidecar is ({@code DAPR_HTTP_PORT}, set by `dapr run` / the injector). */
  @ConfigMapping(prefix = "realtime.sidecar")
  public interface Sidecar {
    @WithDefault("${DAPR_HTTP_PORT:3500}")
    int httpPort();

    @WithDefault("10s")
    Duration timeout();
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Sidecar sidecar;

  public TaskListResource(Sidecar sidecar) {
    this.sidecar = sidecar;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Response list(@QueryParam("user_id") @NotBlank(message = "query parameter user_id is required") String userId) {
    URI uri =
        URI.create(
            "http://127.0.0.1:" + sidecar.httpPort() + "/v1.0/invoke/" + DaprNames.AppIds.TASK_SERVICE
                + "/method/tasks?user_id=" + URLEncoder.encode(userId, StandardCharsets.UTF_8));
    try {
      HttpResponse<String> r =
          http.send(HttpRequest.newBuilder(uri).timeout(sidecar.timeout()).GET().build(), HttpResponse.BodyHandlers.ofString());
      return Response.status(r.statusCode()).type(MediaType.APPLICATION_JSON).entity(r.body()).build();
    } catch (IOException e) {
      LOG.warnf("task list for user_id=%s: task-service unreachable through the sidecar: %s", userId, e.toString());
      return unavailable("task-service is unreachable: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unavailable("interrupted");
    }
  }

  private static Response unavailable(String why) {
    return Response.status(503).header("Retry-After", "1").type(MediaType.APPLICATION_JSON)
        .entity(ApiError.of("unavailable", why)).build();
  }
}
