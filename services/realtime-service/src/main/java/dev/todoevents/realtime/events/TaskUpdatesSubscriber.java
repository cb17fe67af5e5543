package dev.todoevents.realtime.events;

import dev.todoevents.service.SidecarToken;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.TaskUpdateEvent;
import dev.todoevents.contracts.Topic;
import dev.todoevents.realtime.live.LiveClients;
import dev.todoevents.service.EventDelivery;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

/**
 * Delivery endpoint of subscriptions/realtime-task-updates.yaml. Each instance consumes
 * task-updates in a consumer group of its own (component live-pubsub, consumerID
 * {appID}-{uuid}), so every instance sees every update and forwards it to its own clients of
 * that user. The frame is the event's JSON exactly as published (schemas/task-update-event).
 */
@SidecarToken.FromSidecar
@Path("/events/task-updates")
public class TaskUpdatesSubscriber {

  private static final Logger LOG = Logger.getLogger(TaskUpdatesSubscriber.class);

  private final LiveClients clients;
  private final EventDelivery delivery;

  public TaskUpdatesSubscriber(LiveClients clients, EventDelivery delivery) {
    this.clients = clients;
    this.delivery = delivery;
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response onUpdate(byte[] body) {
    return delivery.deliver(Topic.TASK_UPDATES, body, TaskUpdateEvent.class, TaskUpdateEvent.SCHEMA_VERSION, d -> {
      TaskUpdateEvent event = d.event();
      int sent = clients.send(event.userId(), event.eventId().toString(), Events.MAPPER.writeValueAsString(d.envelope().data()));
      LOG.debugf("event_id=%s type=%s task_id=%s user_id=%s sent to %d client(s)",
          event.eventId(), event.eventType(), event.taskId(), event.userId(), sent);
    });
  }
}
