package dev.todoevents.task.api;

import dev.todoevents.service.ApiError;
import dev.todoevents.service.Users;
import dev.todoevents.task.domain.ConcurrentChange;
import dev.todoevents.task.domain.PageCursor;
import dev.todoevents.task.domain.Task;
import dev.todoevents.task.domain.TaskNotFoundException;
import dev.todoevents.task.domain.TaskService;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The tasks API, for the bearer token's user: another user's task answers 404, as one that does not
 * exist, and a user_id naming someone else 403. Lifecycle in {@link TaskService}; errors in {@link
 * TaskErrorMappers}.
 */
@Authenticated
@Path("/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TaskResource {

  private final TaskService tasks;
  private final Users users;

  public TaskResource(TaskService tasks, Users users) {
    this.tasks = tasks;
    this.users = users;
  }

  @Operation(
      summary = "Create a task",
      description =
          "Creates a task for the caller (user_id, when given, must be the caller: 403 otherwise) and publishes todo.task.created through the outbox.")
  @POST
  public Response create(
      @NotNull(message = "request body is required") @Valid TaskRequest body,
      @BeanParam CausalityHeaders headers) {
    List<String> seriesFields = body.seriesFields();
    if (!seriesFields.isEmpty()) {
      String problem = "is chosen by task-service, not by the client";
      throw new BadInput(
          new ApiError(
              "validation_failed",
              String.join(", ", seriesFields) + " " + problem,
              seriesFields.stream().map(f -> new ApiError.FieldProblem(f, problem)).toList()));
    }
    return TaskResponse.created(
        tasks.create(users.owner(body.userId()), body.toNewTask(), headers.context()));
  }

  @Operation(
      summary = "Get a task",
      description =
          "One of the caller's tasks; another user's answers 404, as one that does not exist.")
  @GET
  @Path("/{id}")
  public TaskResponse get(@PathParam("id") String id) {
    UUID taskId = TaskParams.taskId(id);
    return tasks
        .find(users.current(), taskId)
        .map(TaskResponse::of)
        .orElseThrow(() -> new TaskNotFoundException(taskId));
  }

  /**
   * The user's tasks, oldest first, {@code limit} at a time (1 to 1000, default 100). A full page
   * names the next one's {@code after} in the X-Next-After header.
   */
  @Operation(
      summary = "List tasks",
      description =
          "The caller's tasks, oldest first, limit at a time (1 to 1000, default 100); a full page names the next one's after in the X-Next-After header.")
  @GET
  public Response listByUser(
      @QueryParam("user_id") String userId,
      @QueryParam("limit") String limitParam,
      @QueryParam("after") String afterParam) {
    String owner = users.owner(userId);
    int limit = TaskParams.limit(limitParam);
    PageCursor after = TaskParams.after(afterParam);
    List<Task> page = tasks.listByUser(owner, after, limit);
    Response.ResponseBuilder ok = Response.ok(page.stream().map(TaskResponse::of).toList());
    if (page.size() == limit) {
      ok.header(TaskParams.NEXT_HEADER, PageCursor.after(page.get(page.size() - 1)));
    }
    return ok.build();
  }

  @Operation(
      summary = "Change some fields",
      description =
          "Changes only the given fields of the caller's task and publishes todo.task.updated.")
  @PATCH
  @Path("/{id}")
  public TaskResponse update(
      @PathParam("id") String id,
      @NotNull(message = "request body is required") @Valid TaskPatch body,
      @BeanParam CausalityHeaders headers) {
    if (body.isEmpty()) {
      throw new BadInput(ApiError.of("empty_update", "request body names no field to change"));
    }
    UUID taskId = TaskParams.taskId(id);
    return TaskResponse.of(
        ConcurrentChange.retried(
            taskId,
            () -> tasks.update(users.current(), taskId, body.changes(), headers.context())));
  }

  /** Same as PATCH: clients that only speak PUT get the same partial update. */
  @Operation(
      summary = "Replace a task",
      description = "Replaces every field of the caller's task and publishes todo.task.updated.")
  @PUT
  @Path("/{id}")
  public TaskResponse replace(
      @PathParam("id") String id,
      @NotNull(message = "request body is required") @Valid TaskPatch body,
      @BeanParam CausalityHeaders headers) {
    return update(id, body, headers);
  }

  @Operation(
      summary = "Complete a task",
      description =
          "Marks the caller's task completed and publishes todo.task.completed (a recurring task's next occurrence follows).")
  @POST
  @Path("/{id}/complete")
  @Consumes(MediaType.WILDCARD)
  public TaskResponse complete(@PathParam("id") String id, @BeanParam CausalityHeaders headers) {
    UUID taskId = TaskParams.taskId(id);
    return TaskResponse.of(
        ConcurrentChange.retried(
            taskId, () -> tasks.complete(users.current(), taskId, headers.context())));
  }

  @Operation(
      summary = "Delete a task",
      description = "Deletes the caller's task and publishes todo.task.deleted.")
  @DELETE
  @Path("/{id}")
  @Consumes(MediaType.WILDCARD)
  public Response delete(@PathParam("id") String id, @BeanParam CausalityHeaders headers) {
    UUID taskId = TaskParams.taskId(id);
    ConcurrentChange.retried(
        taskId, () -> tasks.delete(users.current(), taskId, headers.context()));
    return Response.noContent().build();
  }
}
