package dev.todoevents.task.api;

import dev.todoevents.service.ApiError;
import dev.todoevents.service.ApiErrorMappers;
import dev.todoevents.task.domain.TaskConflictException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Answers for both the public and the internal task endpoints. */
public class TaskErrorMappers {

  @ServerExceptionMapper
  public Response badInput(BadInput e) {
    return ApiErrorMappers.badRequest(e.error);
  }

  @ServerExceptionMapper
  public Response conflict(TaskConflictException e) {
    return Response.status(409)
        .type(MediaType.APPLICATION_JSON)
        .entity(ApiError.of("conflict", e.getMessage()))
        .build();
  }
}
