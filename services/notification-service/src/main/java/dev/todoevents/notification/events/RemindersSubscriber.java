package dev.todoevents.notification.events;

import dev.todoevents.contracts.ReminderEvent;
import dev.todoevents.contracts.Topic;
import dev.todoevents.notification.domain.Notifier;
import dev.todoevents.service.EventDelivery;
import dev.todoevents.service.OpenApiDefaults;
import dev.todoevents.service.SidecarToken;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** Delivery endpoint of subscriptions/notification-reminders.yaml: each reminder notified once. */
@SidecarToken.FromSidecar
@SecurityRequirement(name = OpenApiDefaults.APP_TOKEN)
@Path("/events/reminders")
public class RemindersSubscriber {

  private final Notifier notifier;
  private final EventDelivery delivery;
  private final MeterRegistry metrics;

  public RemindersSubscriber(Notifier notifier, EventDelivery delivery, MeterRegistry metrics) {
    this.notifier = notifier;
    this.delivery = delivery;
    this.metrics = metrics;
  }

  @Operation(
      summary = "Deliver a reminder",
      description =
          "Dapr delivers every reminders CloudEvent here; the notification goes out through the output binding, once per event_id.")
  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response onReminder(byte[] body) {
    return delivery.deliver(
        Topic.REMINDERS,
        body,
        ReminderEvent.class,
        ReminderEvent.SCHEMA_VERSION,
        d -> {
          boolean delivered = notifier.deliver(d.event());
          metrics
              .counter("todo.notifications", "outcome", delivered ? "delivered" : "duplicate")
              .increment();
        });
  }
}
