package dev.todoevents.task.api;

import dev.todoevents.service.SidecarToken;
import dev.todoevents.task.domain.ReminderClock;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Input binding endpoint: the sidecar POSTs here every second (component `reminder-tick`, a cron
 * binding). A non-2xx answer only means this tick is skipped; the next one catches up.
 */
@SidecarToken.FromSidecar
@Path("/reminder-tick")
public class ReminderTickResource {

  private final ReminderClock clock;

  public ReminderTickResource(ReminderClock clock) {
    this.clock = clock;
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  public Response tick() {
    clock.tick();
    return Response.ok().build();
  }
}
