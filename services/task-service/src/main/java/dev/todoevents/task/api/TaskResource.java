package dev.todoevents.task.api;

import dev.todoevents.service.ApiError;
import dev.todoevents.service.ApiErrorMappers;
import dev.todoevents.task.domain.TaskNotFoundException;
import dev.todoevents.task.domain.TaskService;
import dev.todoevents.task.events.PublishFailedException;
import dev.todoevents.task.events.RequestContext;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** REST API for tasks: thin; parsing and validation here, lifecycle in {@link TaskService}. */
@Path("/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TaskResource {

  static final String CORRELATION_HEADER = "X-Correlation-Id";
  static final String REQUEST_HEADER = "X-Request-Id";
  static final String CAUSATION_HEADER = "X-Causation-Id";
  static final String TRACEPARENT_HEADER = "traceparent";

  /** The caller's W3C trace context (JAX-RS gives it per request; null when absent). */
  @HeaderParam(TRACEPARENT_HEADER)
  String traceparent;

  private final TaskService tasks;

  public TaskResource(TaskService tasks) {
    this.tasks = tasks;
  }

  @POST
  public Response create(
      @NotNull(message = "request body is required") @Valid TaskRequest body,
      @HeaderParam(CORRELATION_HEADER) String correlationId,
      @HeaderParam(REQUEST_HEADER) String requestId,
      @HeaderParam(CAUSATION_HEADER) String causationId) {
    return Requests.created(
        tasks.create(body.userId(), body.toNewTask(), context(correlationId, Requests.firstNonBlank(causationId, requestId))));
  }

  @ServerExceptionMapper
  public Response conflict(dev.todoevents.task.domain.TaskConflictException e) {
    return Response.status(409).type(MediaType.APPLICATION_JSON).entity(ApiError.of("conflict", e.getMessage())).build();
  }

  @GET
  @Path("/{id}")
  public TaskResponse get(@PathParam("id") String id) {
    UUID taskId = taskId(id);
    return tasks.find(taskId).map(TaskResponse::of).orElseThrow(() -> new TaskNotFoundException(taskId));
  }

  @GET
  public List<TaskResponse> listByUser(
      @QueryParam("user_id") @NotBlank(message = "query parameter user_id is required") String userId) {
    return tasks.listByUser(userId).stream().map(TaskResponse::of).toList();
  }

  @PATCH
  @Path("/{id}")
  public TaskResponse update(
      @PathParam("id") String id,
      @NotNull(message = "request body is required") @Valid TaskPatch body,
      @HeaderParam(CORRELATION_HEADER) String correlationId,
      @HeaderParam(REQUEST_HEADER) String requestId) {
    if (body.isEmpty()) {
      throw new BadInput(ApiError.of("empty_update", "request body names no field to change"));
    }
    return TaskResponse.of(tasks.update(taskId(id), body.changes(), context(correlationId, requestId)));
  }

  /** Same as PATCH: clients that only speak PUT get the same partial update. */
  @PUT
  @Path("/{id}")
  public TaskResponse replace(
      @PathParam("id") String id,
      @NotNull(message = "request body is required") @Valid TaskPatch body,
      @HeaderParam(CORRELATION_HEADER) String correlationId,
      @HeaderParam(REQUEST_HEADER) String requestId) {
    return update(id, body, correlationId, requestId);
  }

  @POST
  @Path("/{id}/complete")
  @Consumes(MediaType.WILDCARD)
  public TaskResponse complete(
      @PathParam("id") String id,
      @HeaderParam(CORRELATION_HEADER) String correlationId,
      @HeaderParam(REQUEST_HEADER) String requestId) {
    return TaskResponse.of(tasks.complete(taskId(id), context(correlationId, requestId)));
  }

  @DELETE
  @Path("/{id}")
  @Consumes(MediaType.WILDCARD)
  public Response delete(
      @PathParam("id") String id,
      @HeaderParam(CORRELATION_HEADER) String correlationId,
      @HeaderParam(REQUEST_HEADER) String requestId) {
    tasks.delete(taskId(id), context(correlationId, requestId));
    return Response.noContent().build();
  }

  @ServerExceptionMapper
  public Response notFound(TaskNotFoundException e) {
    return Response.status(404).type(MediaType.APPLICATION_JSON).entity(ApiError.of("not_found", e.getMessage())).build();
  }

  @ServerExceptionMapper
  public Response badInput(BadInput e) {
    return ApiErrorMappers.badRequest(e.error);
  }

  @ServerExceptionMapper
  public Response publishFailed(PublishFailedException e) {
    // Nothing was stored: the transaction rolled back. The client may retry.
    return Response.status(503)
        .type(MediaType.APPLICATION_JSON)
        .header("Retry-After", "5")
        .entity(ApiError.of("event_bus_unavailable", e.getMessage() + "; nothing was changed, retry later"))
        .build();
  }

  private static UUID taskId(String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw new BadInput(
          new ApiError("invalid_id", "task id '" + raw + "' is not a UUID",
              List.of(new ApiError.FieldProblem("id", "must be a UUID"))));
    }
  }

  private RequestContext context(String correlationId, String requestId) {
    return Requests.context(correlationId, requestId, traceparent);
  }

  /** A 400 that a handler decides on after parsing. */
  static final class BadInput extends RuntimeException {
    final transient ApiError error;

    BadInput(ApiError error) {
      super(error.message());
      this.error = error;
    }
  }
}
