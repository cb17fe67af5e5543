package dev.todoevents.task.api;

import dev.todoevents.task.domain.Reminders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;

/**
 * Input binding endpoint: the sidecar POSTs here every second (component `reminder-tick`, a
 * cron binding). A non-2xx answer only means this tick is skipped; the next one catches up.
 */
@Path("/reminder-tick")
public class ReminderTickResource {

  private final Reminders reminders;

  public ReminderTickResource(Reminders reminders) {
    this.reminders = reminders;
  }

  // One tick at a time: a tick whose publish is slow must not overlap the next one, which would
  // see the same reminders as not yet sent (seen in ReminderFlowIT: the same reminder twice).
  private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();

  @POST
  @Consumes(MediaType.WILDCARD)
  public Response tick() {
    if (!running.compareAndSet(false, true)) {
      return Response.ok().build(); // the running tick covers this one
    }
    try {
      reminders.sendDue(Instant.now());
    } finally {
      running.set(false);
    }
    return Response.ok().build();
  }
}
