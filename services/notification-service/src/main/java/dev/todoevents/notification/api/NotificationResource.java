package dev.todoevents.notification.api;

import dev.todoevents.notification.domain.Notification;
import dev.todoevents.notification.domain.Notifier;
import dev.todoevents.service.ApiError;
import dev.todoevents.service.ApiErrorMappers;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** A user's delivered notifications, oldest first. */
@Path("/notifications")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {

  private final Notifier notifier;

  public NotificationResource(Notifier notifier) {
    this.notifier = notifier;
  }

  @GET
  public Response list(@QueryParam("user_id") String userId) {
    if (userId == null || userId.isBlank()) {
      return ApiErrorMappers.badRequest(ApiError.of("missing_filter", "query parameter user_id is required"));
    }
    List<Notification> out = notifier.forUser(userId);
    return Response.ok(out).build();
  }
}
