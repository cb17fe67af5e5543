package dev.todoevents.task.api;

import dev.todoevents.service.ApiError;
import dev.todoevents.service.ApiErrorMappers;
import dev.todoevents.service.OpenApiDefaults;
import dev.todoevents.service.SidecarToken;
import dev.todoevents.task.domain.TaskService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * {@code POST /internal/tasks}: creates a task for the user named in the body, for another service,
 * not for a person: recurring-task-service creates the next occurrence of a series here. Two locks
 * keep it internal:
 *
 * <ul>
 *   <li>this app answers 401 unless the request carries APP_API_TOKEN, which only its own sidecar
 *       sends (so it must come through Dapr service invocation);
 *   <li>the sidecar's access-control list (tools/dapr/task-service-config.yaml) lets only
 *       recurring-task-service invoke it, known by its mTLS identity; any other app gets 403.
 * </ul>
 *
 * Same body and answers as {@code POST /tasks}, but user_id is required and taken as is, and the
 * caller may name the task's id, series_id and occurrence: the same again answers 200 with the
 * existing task (a retried or redelivered create), an id that exists for another user, series or
 * occurrence answers 409.
 */
@SidecarToken.FromSidecar
@SecurityRequirement(name = OpenApiDefaults.APP_TOKEN)
@Path("/internal/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class InternalTaskResource {

  private final TaskService tasks;

  public InternalTaskResource(TaskService tasks) {
    this.tasks = tasks;
  }

  @Operation(
      summary = "Create a task for a user (service invocation)",
      description =
          "For other services through Dapr service invocation (the sidecar's access-control policy admits recurring-task-service only): creates the next occurrence of a series. The same request again answers 200 with the existing task; an id that exists for another user, series or occurrence answers 409.")
  @POST
  public Response create(
      @NotNull(message = "request body is required") @Valid TaskRequest body,
      @BeanParam CausalityHeaders headers) {
    if (body.userId() == null || body.userId().isBlank()) {
      return ApiErrorMappers.badRequest(
          new ApiError(
              "validation_failed",
              "user_id is required",
              List.of(new ApiError.FieldProblem("user_id", "must not be blank"))));
    }
    return TaskResponse.created(tasks.create(body.userId(), body.toNewTask(), headers.context()));
  }
}
