package dev.todoevents.notification.events;

import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.PoisonEventException;
import dev.todoevents.contracts.ReminderEvent;
import dev.todoevents.contracts.Topic;
import dev.todoevents.notification.domain.Notifier;
import dev.todoevents.service.DeadLetterPublisher;
import dev.todoevents.service.SubscriberResult;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

/** Delivery endpoint of subscriptions/notification-reminders.yaml. */
@Path("/events/reminders")
public class RemindersSubscriber {

  private static final Logger LOG = Logger.getLogger(RemindersSubscriber.class);

  private final Notifier notifier;
  private final DeadLetterPublisher deadLetters;
  private final MeterRegistry metrics;

  public RemindersSubscriber(Notifier notifier, DeadLetterPublisher deadLetters, MeterRegistry metrics) {
    this.notifier = notifier;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response onReminder(byte[] body) {
    String eventId = null;
    String userId = null;
    try {
      CloudEvent envelope = Events.parseEnvelope(body);
      eventId = envelope.id();
      userId = envelope.data().path("user_id").asText(null);
      if (Events.schemaVersionOf(envelope.data()) != ReminderEvent.SCHEMA_VERSION) {
        count("skipped_schema_version");
        LOG.warnf("skipped event_id=%s: unknown schema_version=%s", eventId, envelope.data().get("schema_version"));
        return SubscriberResult.success();
      }
      ReminderEvent reminder = Events.read(envelope.data(), ReminderEvent.class);
      count(notifier.deliver(reminder) ? "delivered" : "duplicate");
      return SubscriberResult.success();
    } catch (PoisonEventException poison) {
      try {
        deadLetters.poison(Topic.REMINDERS, body, eventId, userId, poison);
        count("dead_lettered");
        return SubscriberResult.success();
      } catch (RuntimeException e) {
        LOG.errorf("could not dead-letter event_id=%s: %s", eventId, e.getMessage());
        return SubscriberResult.retry();
      }
    } catch (RuntimeException e) {
      count("retry");
      LOG.errorf("failed event_id=%s, asking Dapr to retry: %s", eventId, e.toString());
      return SubscriberResult.retry();
    }
  }

  private void count(String outcome) {
    metrics.counter("todo.notifications", "outcome", outcome).increment();
  }
}
