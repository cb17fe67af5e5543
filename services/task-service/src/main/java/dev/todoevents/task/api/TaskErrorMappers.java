package dev.todoevents.task.api;

import dev.todoevents.service.ApiError;
import dev.todoevents.service.ApiErrorMappers;
import dev.todoevents.task.domain.TaskConflictException;
import dev.todoevents.task.domain.TaskNotFoundException;
import dev.todoevents.task.events.PublishFailedException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The task endpoints' own errors, in the JSON shape of every other error ({@link ApiError}). */
public class TaskErrorMappers {

  @ServerExceptionMapper
  public Response badInput(BadInput e) {
    return ApiErrorMappers.badRequest(e.error);
  }

  @ServerExceptionMapper
  public Response notFound(TaskNotFoundException e) {
    return json(404, ApiError.of("not_found", e.getMessage())).build();
  }

  @ServerExceptionMapper
  public Response conflict(TaskConflictException e) {
    return json(409, ApiError.of("conflict", e.getMessage())).build();
  }

  @ServerExceptionMapper
  public Response publishFailed(PublishFailedException e) {
    // Nothing was stored: the transaction rolled back. The client may retry.
    return json(
            503,
            ApiError.of(
                "event_bus_unavailable", e.getMessage() + "; nothing was changed, retry later"))
        .header("Retry-After", "5")
        .build();
  }

  private static Response.ResponseBuilder json(int status, ApiError body) {
    return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body);
  }
}
