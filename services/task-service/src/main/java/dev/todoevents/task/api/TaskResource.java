package dev.todoevents.task.api;

import dev.todoevents.contracts.Timestamps;
import dev.todoevents.service.ApiError;
import dev.todoevents.service.Users;
import dev.todoevents.task.domain.PageCursor;
import dev.todoevents.task.domain.Task;
import dev.todoevents.task.domain.TaskNotFoundException;
import dev.todoevents.task.domain.TaskService;
import dev.todoevents.task.events.PublishFailedException;
import dev.todoevents.task.events.RequestContext;
import io.quarkus.security.Authenticated;
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
 * only their own tasks: another user's task answers 404, as one that does not exist, and a user_id
 * naming someone else answers 403.
 */
@Authenticated
@Path("/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TaskResource {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  /** On a full page of GET /tasks: the {@code after} of the next page. */
  static final String NEXT_HEADER = "X-Next-After";

  /* Causality and trace headers, per request; Requests.context checks them. */
  @HeaderParam(Requests.CORRELATION_HEADER)
  String correlationId;

  @HeaderParam(Requests.REQUEST_HEADER)
  String requestId;

  @HeaderParam(Requests.CAUSATION_HEADER)
  String causationId;

  @HeaderParam(Requests.TRACEPARENT_HEADER)
  String traceparent;

  private final TaskService tasks;
  private final Users users;

  public TaskResource(TaskService tasks, Users users) {
    this.tasks = tasks;
    this.users = users;
  }

  @POST
  public Response create(@NotNull(message = "request body is required") @Valid TaskRequest body) {
    List<String> seriesFields = body.seriesFields();
    if (!seriesFields.isEmpty()) {
      String problem = "is chosen by task-service, not by the client";
      throw new BadInput(
          new ApiError(
              "validation_failed",
              String.join(", ", seriesFields) + " " + problem,
              seriesFields.stream().map(f -> new ApiError.FieldProblem(f, problem)).toList()));
    }
    return Requests.created(tasks.create(owner(body.userId()), body.toNewTask(), context()));
  }

  @GET
  @Path("/{id}")
  public TaskResponse get(@PathParam("id") String id) {
    UUID taskId = taskId(id);
    return tasks
        .find(user(), taskId)
        .map(TaskResponse::of)
        .orElseThrow(() -> new TaskNotFoundException(taskId));
  }

  /**
   * The user's tasks, oldest first, {@code limit} at a time (1 to 1000, default 100); user_id is
   * optional and, when given, must be the token's user. A full page names the next one's {@code
   * after} in {@value #NEXT_HEADER}.
   */
  @GET
  public Response listByUser(
      @QueryParam("user_id") String userId,
      @QueryParam("limit") String limitParam,
      @QueryParam("after") String afterParam) {
    String owner = owner(userId);
    // Parsed here, not by JAX-RS: a bad value there is a 404; this is a 400.
    int limit = limit(limitParam);
    PageCursor after = after(afterParam);
    List<Task> page = tasks.listByUser(owner, after, limit);
    Response.ResponseBuilder ok = Response.ok(page.stream().map(TaskResponse::of).toList());
    if (page.size() == limit) {
      ok.header(NEXT_HEADER, PageCursor.after(page.get(page.size() - 1)));
    }
    return ok.build();
  }

  @PATCH
  @Path("/{id}")
  public TaskResponse update(
      @PathParam("id") String id,
      @NotNull(message = "request body is required") @Valid TaskPatch body) {
    if (body.isEmpty()) {
      throw new BadInput(ApiError.of("empty_update", "request body names no field to change"));
    }
    return TaskResponse.of(tasks.update(user(), taskId(id), body.changes(), context()));
  }

  /** Same as PATCH: clients that only speak PUT get the same partial update. */
  @PUT
  @Path("/{id}")
  public TaskResponse replace(
      @PathParam("id") String id,
      @NotNull(message = "request body is required") @Valid TaskPatch body) {
    return update(id, body);
  }

  @POST
  @Path("/{id}/complete")
  @Consumes(MediaType.WILDCARD)
  public TaskResponse complete(@PathParam("id") String id) {
    return TaskResponse.of(tasks.complete(user(), taskId(id), context()));
  }

  @DELETE
  @Path("/{id}")
  @Consumes(MediaType.WILDCARD)
  public Response delete(@PathParam("id") String id) {
    tasks.delete(user(), taskId(id), context());
    return Response.noContent().build();
  }

  /** The bearer token's user; TaskService answers another user's task as not found (404). */
  private String user() {
    return users.current();
  }

  /**
   * The token's user; a user_id (body or query) that names another user is refused with 403 ({@link
   * Users.Errors}), the admin role included: tasks are read and written by their owner.
   */
  private String owner(String claimedUserId) {
    String user = user();
    if (claimedUserId != null && !claimedUserId.equals(user)) {
      throw new Users.NotYours(claimedUserId);
    }
    return user;
  }

  @ServerExceptionMapper
  public Response notFound(TaskNotFoundException e) {
    return Response.status(404)
        .type(MediaType.APPLICATION_JSON)
        .entity(ApiError.of("not_found", e.getMessage()))
        .build();
  }

  @ServerExceptionMapper
  public Response publishFailed(PublishFailedException e) {
    // Nothing was stored: the transaction rolled back. The client may retry.
    return Response.status(503)
        .type(MediaType.APPLICATION_JSON)
        .header("Retry-After", "5")
        .entity(
            ApiError.of(
                "event_bus_unavailable", e.getMessage() + "; nothing was changed, retry later"))
        .build();
  }

  private static UUID taskId(String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw new BadInput(
          new ApiError(
              "invalid_id",
              "task id '" + raw + "' is not a UUID",
              List.of(new ApiError.FieldProblem("id", "must be a UUID"))));
    }
  }

  private static int limit(String raw) {
    if (raw == null || raw.isBlank()) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(raw.trim());
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below, as any other bad value
    }
    throw BadInput.of("invalid_query", "limit", "must be a whole number from 1 to " + MAX_LIMIT);
  }

  private static PageCursor after(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    PageCursor cursor = PageCursor.parse(raw.trim());
    if (cursor == null || !Timestamps.contains(cursor.createdAt())) {
      throw BadInput.of(
          "invalid_query", "after", "must be the " + NEXT_HEADER + " header of the previous page");
    }
    return cursor;
  }

  private RequestContext context() {
    return Requests.context(correlationId, requestId, causationId, traceparent);
  }
}
