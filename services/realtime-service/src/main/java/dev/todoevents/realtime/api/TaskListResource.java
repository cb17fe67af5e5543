package dev.todoevents.realtime.api;

import dev.todoevents.contracts.DaprNames;
import dev.todoevents.service.ApiError;
import dev.todoevents.service.ServiceInvocation;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

/**
 * {@code GET /api/tasks}: the current tasks of the token's user for the live page, read from
 * task-service through Dapr HTTP service invocation on this app's sidecar (task-service's
 * access-control list allows this app GET /tasks), so the page needs only this origin. The caller's
 * bearer token goes along, so task-service decides whose tasks they are, and its answer (status,
 * body and the next page's cursor {@code X-Next-After}) is passed on as is; {@code limit} and
 * {@code after} page the list as task-service does.
 */
@Authenticated
@Path("/api/tasks")
public class TaskListResource {

  private static final Logger LOG = Logger.getLogger(TaskListResource.class);

  private final ServiceInvocation invocation;

  public TaskListResource(ServiceInvocation invocation) {
    this.invocation = invocation;
  }

  @Operation(
      summary = "The caller's tasks",
      description =
          "The caller's tasks, read from task-service through Dapr service invocation, for the live page's first paint; updates then arrive over the WebSocket /updates.")
  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Response list(
      @HeaderParam("Authorization") String authorization,
      @QueryParam("user_id") String userId,
      @QueryParam("limit") String limit,
      @QueryParam("after") String after) {
    String method = "tasks" + query("user_id", userId, "limit", limit, "after", after);
    try {
      HttpResponse<String> r =
          invocation.send(
              invocation
                  .request(DaprNames.AppIds.TASK_SERVICE, method)
                  .header("Authorization", authorization)
                  .GET()
                  .build());
      Response.ResponseBuilder answer =
          Response.status(r.statusCode()).type(MediaType.APPLICATION_JSON).entity(r.body());
      // task-service pages the list; the cursor of the next page goes back to the page as is.
      r.headers().firstValue(NEXT_HEADER).ifPresent(next -> answer.header(NEXT_HEADER, next));
      return answer.build();
    } catch (IOException e) {
      LOG.warnf("task list: task-service unreachable through the sidecar: %s", e.toString());
      return unavailable("task-service is unreachable: " + e.getMessage());
    }
  }

  static final String NEXT_HEADER = "X-Next-After";

  /** The query string of the given name/value pairs that have a value ("" when none has). */
  private static String query(String... pairs) {
    StringBuilder q = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        q.append(q.length() == 0 ? '?' : '&')
            .append(pairs[i])
            .append('=')
            .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
      }
    }
    return q.toString();
  }

  private static Response unavailable(String why) {
    return Response.status(503)
        .header("Retry-After", "1")
        .type(MediaType.APPLICATION_JSON)
        .entity(ApiError.of("unavailable", why))
        .build();
  }
}
