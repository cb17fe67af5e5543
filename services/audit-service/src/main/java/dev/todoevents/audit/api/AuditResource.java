package dev.todoevents.audit.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.todoevents.audit.domain.AuditEntry;
import dev.todoevents.audit.domain.AuditLog;
import dev.todoevents.contracts.Events;
import dev.todoevents.service.ApiError;
import dev.todoevents.service.ApiErrorMappers;
import dev.todoevents.service.Users;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Query API of the audit log: filters by user, task, event type and time range; paged, oldest
 * first. Needs a bearer token: a user reads only their own entries (user_id, when given, must be
 * theirs); reading another user's, or across users by time range or task, needs the admin role.
 */
@Authenticated
@Path("/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

  private static final int MIN_LIMIT = 1;
  private static final int MAX_LIMIT = 1000;

  private final AuditLog auditLog;
  private final Users users;

  public AuditResource(AuditLog auditLog, Users users) {
    this.auditLog = auditLog;
    this.users = users;
  }

  /**
   * Entries matching every given filter, oldest first, at most {@code limit}. When a page is full,
   * header {@value #NEXT_HEADER} holds the {@code after_seq} of the next page.
   */
  @Operation(
      summary = "The audit log",
      description =
          "Audit entries matching every given filter (user, task, event type, time range), oldest first, at most limit; a full page names the next one's after_seq in the X-Next-After-Seq header. A user reads only their own entries; another user's, or across users, needs the admin role.")
  @GET
  public Response query(
      @QueryParam("user_id") String userId,
      @QueryParam("task_id") String taskId,
      @QueryParam("event_type") String eventType,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("after_seq") String afterSeq,
      @QueryParam("limit") @DefaultValue("100") String limitParam) {
    // Parameters are parsed here, not by JAX-RS: a bad value there is a 404; this is a 400.
    List<ApiError.FieldProblem> problems = new ArrayList<>();
    Integer limit = parse("limit", limitParam, Integer::valueOf, problems);
    if (limit != null && (limit < MIN_LIMIT || limit > MAX_LIMIT)) {
      problems.add(new ApiError.FieldProblem("limit", "must be a whole number from 1 to 1000"));
    }
    UUID task = parse("task_id", taskId, UUID::fromString, problems);
    Instant fromTime = parse("from", from, Instant::parse, problems);
    Instant toTime = parse("to", to, Instant::parse, problems);
    Long after = parse("after_seq", afterSeq, Long::valueOf, problems);
    if (eventType != null && !eventType.isBlank() && !eventType.matches("todo\\.[a-z]+\\.[a-z]+")) {
      problems.add(new ApiError.FieldProblem("event_type", "must look like todo.task.completed"));
    }
    // A user's query is always narrowed to that user; only an admin may leave user_id out.
    String user = users.readableUserOrAll(userId);
    if (!problems.isEmpty()) {
      String message =
          problems.stream()
              .map(p -> p.field() + " " + p.problem())
              .collect(Collectors.joining("; "));
      return ApiErrorMappers.badRequest(new ApiError("invalid_query", message, problems));
    }
    if (user == null && task == null && isBlank(eventType) && fromTime == null && toTime == null) {
      return ApiErrorMappers.badRequest(
          ApiError.of(
              "missing_filter", "give at least one of user_id, task_id, event_type, from, to"));
    }
    List<AuditEntry> page =
        auditLog.query(
            new AuditLog.Query(
                user,
                task,
                isBlank(eventType) ? null : eventType,
                fromTime,
                toTime,
                after,
                limit == null ? 100 : limit));
    Response.ResponseBuilder ok = Response.ok(page.stream().map(Record::of).toList());
    if (limit != null && page.size() == limit) {
      ok.header(NEXT_HEADER, page.get(page.size() - 1).id);
    }
    return ok.build();
  }

  static final String NEXT_HEADER = "X-Next-After-Seq";

  private static <T> T parse(
      String name,
      String raw,
      java.util.function.Function<String, T> parser,
      List<ApiError.FieldProblem> problems) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return parser.apply(raw.trim());
    } catch (RuntimeException e) {
      problems.add(new ApiError.FieldProblem(name, "'" + raw + "' is not " + EXPECTED.get(name)));
      return null;
    }
  }

  private static final java.util.Map<String, String> EXPECTED =
      java.util.Map.of(
          "limit", "a whole number from 1 to 1000",
          "task_id", "a UUID",
          "from", "an ISO-8601 UTC timestamp",
          "to", "an ISO-8601 UTC timestamp",
          "after_seq", "a whole number");

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /** One audit log entry as the API shows it; {@code event} is the stored event payload. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Record(
      long seq,
      UUID eventId,
      String eventType,
      UUID taskId,
      String userId,
      String source,
      String correlationId,
      String causationId,
      String traceparent,
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
      return new Record(
          e.id,
          e.eventId,
          e.eventType,
          e.taskId,
          e.userId,
          e.source,
          e.correlationId,
          e.causationId,
          e.traceparent,
          e.occurredAt,
          e.recordedAt,
          payload);
    }
  }
}
