package dev.todoevents.task.api;

import dev.todoevents.service.ApiError;
import dev.todoevents.service.ApiErrorMappers;
import dev.todoevents.task.domain.TaskNotFoundException;
import dev.todoevents.task.domain.TaskService;
import dev.todoevents.task.events.PublishFailedException;
import dev.todoevents.task.events.RequestContext;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.validation.Valid;
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

/**
 * REST API for tasks: thin; parsing and validation here, lifecycle in {@link TaskService}.
 *
 * <p>Every request needs a bearer token (JWT); its subject is the user. A user reads and changes
 * only their own tasks: another user's task answers 404, as one that does not exist, and a
 * user_id naming someone else answers 403.
 */
@Authenticated
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
  private final SecurityIdentity identity;

  public TaskResource(TaskService tasks, SecurityIdentity identity) {
    this.tasks = tasks;
    this.identity = identity;
  }

  @POST
  public Response create(
      @NotNull(message = "request body is required") @Valid TaskRequest body,
      @HeaderParam(CORRELATION_HEADER) String correlationId,
      @HeaderParam(REQUEST_HEADER) String requestId,
      @HeaderParam(CAUSATION_HEADER) String causationId) {
    return Requests.created(
        tasks.create(owner(body.userId()), body.toNewTask(), context(correlationId, Requests.firstNonBlank(causationId, requestId))));
  }

  @ServerExceptionMapper
  public Response conflict(dev.todoevents.task.domain.TaskConflictException e) {
    return Response.status(409).type(MediaType.APPLICATION_JSON).entity(ApiError.of("conflict", e.getMessage())).build();
  }

  @GET
  @Path("/{id}")
  public TaskResponse get(@PathParam("id") String id) {
    UUID taskId = taskId(id);
    return tasks.find(user(), taskId).map(TaskResponse::of).orElseThrow(() -> new TaskNotFoundException(taskId));
  }

  /** The user's tasks; user_id is optional and, when given, must be the token's user. */
  @GET
  public List<TaskResponse> listByUser(@QueryParam("user_id") String userId) {
    return tasks.listByUser(owner(userId)).stream().map(TaskResponse::of).toList();
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
    return TaskResponse.of(tasks.update(user(), taskId(id), body.changes(), context(correlationId, requestId)));
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
    return TaskResponse.of(tasks.complete(user(), taskId(id), context(correlationId, requestId)));
  }

  @DELETE
  @Path("/{id}")
  @Consumes(MediaType.WILDCARD)
  public Response delete(
      @PathParam("id") String id,
      @HeaderParam(CORRELATION_HEADER) String correlationId,
      @HeaderParam(REQUEST_HEADER) String requestId) {
    tasks.delete(user(), taskId(id), context(correlationId, requestId));
    return Response.noContent().build();
  }

  /** The bearer token's user; TaskService answers another user's task as not found (404). */
  private String user() {
    return identity.getPrincipal().getName();
  }

  /** The token's user; a user_id (body or query) that names another user is refused. */
  private String owner(String claimedUserId) {
    String user = user();
    if (claimedUserId != null && !claimedUserId.equals(user)) {
      throw new NotYours(claimedUserId);
    }
    return user;
  }

  @ServerExceptionMapper
  public Response notYours(NotYours e) {
    return Response.status(403).type(MediaType.APPLICATION_JSON)
        .entity(new ApiError("forbidden", e.getMessage(),
            List.of(new ApiError.FieldProblem("user_id", "must be the authenticated user or left out"))))
        .build();
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

  /** A user_id that is not the token's user. */
  static final class NotYours extends RuntimeException {
    NotYours(String claimedUserId) {
      super("user_id '" + claimedUserId + "' is not the user of the bearer token");
    }
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
