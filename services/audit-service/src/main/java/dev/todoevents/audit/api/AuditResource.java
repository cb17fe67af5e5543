package dev.todoevents.audit.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.todoevents.audit.domain.AuditEntry;
import dev.todoevents.audit.domain.AuditLog;
import dev.todoevents.contracts.Events;
import dev.todoevents.service.ApiError;
import dev.todoevents.service.ApiErrorMappers;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Query API of the audit log: by user, by task, or both; oldest first. */
@Path("/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

  private static final int MIN_LIMIT = 1;
  private static final int MAX_LIMIT = 1000;

  private final AuditLog auditLog;

  public AuditResource(AuditLog auditLog) {
    this.auditLog = auditLog;
  }

  @GET
  public Response query(
      @QueryParam("user_id") String userId,
      @QueryParam("task_id") String taskId,
      @QueryParam("limit") @DefaultValue("100") String limitParam) {
    // Parsed here, not by JAX-RS: a bad number there is a 404, and this is bad input (400).
    int limit;
    try {
      limit = Integer.parseInt(limitParam.trim());
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < MIN_LIMIT || limit > MAX_LIMIT) {
      return ApiErrorMappers.badRequest(
          new ApiError("invalid_limit", "limit must be a whole number from 1 to 1000, got '" + limitParam + "'",
              List.of(new ApiError.FieldProblem("limit", "must be a whole number from 1 to 1000"))));
    }
    if (isBlank(userId) && isBlank(taskId)) {
      return ApiErrorMappers.badRequest(
          ApiError.of("missing_filter", "give user_id or task_id (or both) as query parameters"));
    }
    UUID task = null;
    if (!isBlank(taskId)) {
      try {
        task = UUID.fromString(taskId);
      } catch (IllegalArgumentException e) {
        return ApiErrorMappers.badRequest(
            new ApiError("invalid_id", "task_id '" + taskId + "' is not a UUID",
                List.of(new ApiError.FieldProblem("task_id", "must be a UUID"))));
      }
    }
    List<Record> out =
        auditLog.query(isBlank(userId) ? null : userId, task, limit).stream().map(Record::of).toList();
    return Response.ok(out).build();
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /** One audit log entry as the API shows it; {@code event} is the stored event payload. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Record(
      UUID eventId,
      String eventType,
      UUID taskId,
      String userId,
      String source,
      String correlationId,
      String causationId,
      Instant occurredAt,
      Instant recordedAt,
      JsonNode event) {

    static Record of(AuditEntry e) {
      JsonNode payload;
      try {
        payload = Events.MAPPER.readTree(e.payload);
      } catch (IOException ex) {
        throw new IllegalStateException("stored payload of " + e.eventId + " is not JSON", ex);
      }
      return new Record(e.eventId, e.eventType, e.taskId, e.userId, e.source, e.correlationId,
          e.causationId, e.occurredAt, e.recordedAt, payload);
    }
  }
}
