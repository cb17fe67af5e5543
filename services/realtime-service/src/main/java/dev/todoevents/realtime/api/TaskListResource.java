package dev.todoevents.realtime.api;

import dev.todoevents.contracts.DaprNames;
import dev.todoevents.service.ApiError;
import dev.todoevents.service.ServiceInvocation;
import jakarta.validation.constraints.NotBlank;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * {@code GET /api/tasks?user_id=}: the user's current tasks for the live page, read from
 * task-service through Dapr HTTP service invocation on this app's sidecar, so the page needs
 * only this origin. task-service's answer (status and body) is passed on as is.
 */
@Path("/api/tasks")
public class TaskListResource {

  private static final Logger LOG = Logger.getLogger(TaskListResource.class);

  private final ServiceInvocation invocation;

  public TaskListResource(ServiceInvocation invocation) {
    this.invocation = invocation;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Response list(@QueryParam("user_id") @NotBlank(message = "query parameter user_id is required") String userId) {
    String method = "tasks?user_id=" + URLEncoder.encode(userId, StandardCharsets.UTF_8);
    try {
      HttpResponse<String> r = invocation.send(invocation.request(DaprNames.AppIds.TASK_SERVICE, method).GET().build());
      return Response.status(r.statusCode()).type(MediaType.APPLICATION_JSON).entity(r.body()).build();
    } catch (IOException e) {
      LOG.warnf("task list for user_id=%s: task-service unreachable through the sidecar: %s", userId, e.toString());
      return unavailable("task-service is unreachable: " + e.getMessage());
    }
  }

  private static Response unavailable(String why) {
    return Response.status(503).header("Retry-After", "1").type(MediaType.APPLICATION_JSON)
        .entity(ApiError.of("unavailable", why)).build();
  }
}
