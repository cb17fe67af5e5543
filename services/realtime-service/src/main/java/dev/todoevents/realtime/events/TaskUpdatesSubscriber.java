package dev.todoevents.realtime.events;

import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.TaskUpdateEvent;
import dev.todoevents.contracts.Topic;
import dev.todoevents.realtime.RealtimeConfig;
import dev.todoevents.realtime.live.LiveClients;
import dev.todoevents.service.EventDelivery;
import dev.todoevents.service.OpenApiDefaults;
import dev.todoevents.service.SidecarToken;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.logging.Logger;

/**
 * Delivery endpoint of subscriptions/realtime-task-updates.yaml. Each instance consumes
 * task-updates through a consumer of its own (component live-pubsub, one per broker in
 * components/brokers/), so every instance sees every update and forwards it to its own clients of
 * that user. The frame is the event's JSON exactly as published (schemas/task-update-event).
 *
 * <p>A live view does not replay history: an update stamped more than {@code
 * todo.realtime.history-slack} before this process started is acknowledged and not sent. Kafka,
 * RabbitMQ and JetStream start a new instance at the newest message anyway; Redis Streams start its
 * new consumer group at the beginning of the stream, so there this keeps a new instance from
 * pushing old updates to its clients.
 */
@SidecarToken.FromSidecar
@SecurityRequirement(name = OpenApiDefaults.APP_TOKEN)
@Path("/events/task-updates")
public class TaskUpdatesSubscriber {

  private static final Logger LOG = Logger.getLogger(TaskUpdatesSubscriber.class);

  private final LiveClients clients;
  private final EventDelivery delivery;

  private final Instant historyBefore;
  private final Counter skipped;

  public TaskUpdatesSubscriber(
      LiveClients clients, EventDelivery delivery, MeterRegistry metrics, RealtimeConfig config) {
    this.clients = clients;
    this.delivery = delivery;
    this.historyBefore =
        Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime())
            .minus(config.historySlack());
    this.skipped =
        Counter.builder("todo.realtime.history.skipped")
            .description(
                "task updates not sent because they were published before this instance started")
            .register(metrics);
  }

  @Operation(
      summary = "Deliver a task update",
      description =
          "Dapr delivers every task-updates CloudEvent here; it is fanned out to the owner's open WebSockets on this instance.")
  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response onUpdate(byte[] body) {
    return delivery.deliver(
        Topic.TASK_UPDATES,
        body,
        TaskUpdateEvent.class,
        TaskUpdateEvent.SCHEMA_VERSION,
        d -> {
          TaskUpdateEvent event = d.event();
          if (event.timestamp().isBefore(historyBefore)) {
            skipped.increment();
            LOG.debugf(
                "event_id=%s stamped %s, before this instance started: history, not sent",
                event.eventId(), event.timestamp());
            return;
          }
          int sent =
              clients.send(
                  event.userId(),
                  event.eventId().toString(),
                  Events.MAPPER.writeValueAsString(d.envelope().data()));
          LOG.debugf(
              "event_id=%s type=%s task_id=%s user_id=%s sent to %d client(s)",
              event.eventId(), event.eventType(), event.taskId(), event.userId(), sent);
        });
  }
}
