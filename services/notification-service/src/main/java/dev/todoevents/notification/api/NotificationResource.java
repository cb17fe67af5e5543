package dev.todoevents.notification.api;

import dev.todoevents.notification.domain.Notification;
import dev.todoevents.notification.domain.NotificationIndex;
import dev.todoevents.service.ApiError;
import dev.todoevents.service.ApiErrorMappers;
import dev.todoevents.service.Users;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The token user's delivered notifications, oldest first, a page at a time: {@code limit} (1 to
 * {@value NotificationIndex#PAGE}, default the maximum) from position {@code after} (0 = the
 * oldest); a full page carries the next position in {@value #NEXT_HEADER}. Another user's
 * notifications need the admin role.
 */
@Authenticated
@Path("/notifications")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {

  static final String NEXT_HEADER = "X-Next-After";

  private final NotificationIndex index;
  private final Users users;

  public NotificationResource(NotificationIndex index, Users users) {
    this.index = index;
    this.users = users;
  }

  @Operation(
      summary = "The notifications sent",
      description =
          "The caller's delivered notifications, oldest first, limit at a time from position after; a full page carries the next position in a header. Another user's need the admin role.")
  @GET
  public Response list(
      @QueryParam("user_id") String userId,
      @QueryParam("limit") String limitParam,
      @QueryParam("after") String afterParam) {
    String user = users.readableUser(userId);
    Integer limit = number(limitParam, NotificationIndex.PAGE);
    Integer after = number(afterParam, 0);
    if (limit == null || limit < 1 || limit > NotificationIndex.PAGE) {
      return invalid("limit", "must be a whole number from 1 to " + NotificationIndex.PAGE);
    }
    if (after == null || after < 0) {
      return invalid(
          "after", "must be a whole number, 0 or more (the X-Next-After of the previous page)");
    }
    List<Notification> page = index.list(user, after, limit);
    Response.ResponseBuilder ok = Response.ok(page);
    if (page.size() == limit) {
      ok.header(NEXT_HEADER, after + page.size());
    }
    return ok.build();
  }

  /** The parameter as a number, its default when absent, null when it is not a number. */
  private static Integer number(String raw, int absent) {
    if (raw == null || raw.isBlank()) {
      return absent;
    }
    try {
      return Integer.valueOf(raw.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Response invalid(String field, String problem) {
    return ApiErrorMappers.badRequest(
        new ApiError(
            "invalid_query",
            field + " " + problem,
            List.of(new ApiError.FieldProblem(field, problem))));
  }
}
