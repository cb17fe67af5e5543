package dev.todoevents.task.api;

import dev.todoevents.service.OpenApiDefaults;
import dev.todoevents.service.SidecarToken;
import dev.todoevents.task.domain.ReminderClock;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * Input binding endpoint: the sidecar POSTs here every second (component `reminder-tick`, a cron
 * binding). A non-2xx answer only means this tick is skipped; the next one catches up.
 */
@SidecarToken.FromSidecar
@SecurityRequirement(name = OpenApiDefaults.APP_TOKEN)
@Path("/reminder-tick")
public class ReminderTickResource {

  private final ReminderClock clock;

  public ReminderTickResource(ReminderClock clock) {
    this.clock = clock;
  }

  @Operation(
      summary = "Reminder tick",
      description =
          "The cron input binding reminder-tick calls it every second: the reminders that are due are published to the reminders topic. A non-2xx answer only skips this tick.")
  @POST
  @Consumes(MediaType.WILDCARD)
  public Response tick() {
    clock.tick();
    return Response.ok().build();
  }
}
