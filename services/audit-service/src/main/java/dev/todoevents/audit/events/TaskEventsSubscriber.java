package dev.todoevents.audit.events;

import dev.todoevents.audit.domain.AuditLog;
import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.PoisonEventException;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.Topic;
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

/**
 * Delivery endpoint of the declarative subscription subscriptions/audit-task-events.yaml: Dapr
 * POSTs each task-events record here. A thin adapter: unwrap, check, hand to {@link AuditLog},
 * and tell Dapr SUCCESS (stored, duplicate, skipped or dead-lettered) or RETRY.
 */
@Path("/events/task-events")
public class TaskEventsSubscriber {

  private static final Logger LOG = Logger.getLogger(TaskEventsSubscriber.class);

  private final AuditLog auditLog;
  private final DeadLetterPublisher deadLetters;
  private final MeterRegistry metrics;

  public TaskEventsSubscriber(AuditLog auditLog, DeadLetterPublisher deadLetters, MeterRegistry metrics) {
    this.auditLog = auditLog;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response onEvent(byte[] body) {
    String eventId = null;
    String userId = null;
    try {
      CloudEvent envelope = Events.parseEnvelope(body);
      eventId = envelope.id();
      userId = envelope.data().path("user_id").asText(null);
      int version = Events.schemaVersionOf(envelope.data());
      if (version != TaskEvent.SCHEMA_VERSION) {
        metrics.counter("todo.events.skipped", "topic", Topic.TASK_EVENTS.topicName(), "reason", "schema_version").increment();
        LOG.warnf("skipped event_id=%s: unknown schema_version=%s (this consumer reads %d)",
            eventId, envelope.data().get("schema_version"), TaskEvent.SCHEMA_VERSION);
        return SubscriberResult.success();
      }
      TaskEvent event = Events.read(envelope.data(), TaskEvent.class);
      boolean stored = auditLog.record(event, envelope);
      metrics.counter("todo.events.consumed", "topic", Topic.TASK_EVENTS.topicName(), "outcome", stored ? "stored" : "duplicate").increment();
      LOG.infof("%s event_id=%s type=%s task_id=%s user_id=%s correlation_id=%s",
          stored ? "recorded" : "duplicate ignored", event.eventId(), envelope.type(), event.taskId(),
          event.userId(), envelope.correlationid());
      return SubscriberResult.success();
    } catch (PoisonEventException poison) {
      return deadLetter(body, eventId, userId, poison);
    } catch (RuntimeException e) {
      metrics.counter("todo.events.failures", "topic", Topic.TASK_EVENTS.topicName()).increment();
      LOG.errorf(e, "failed event_id=%s, asking Dapr to retry", eventId);
      return SubscriberResult.retry();
    }
  }

  private Response deadLetter(byte[] body, String eventId, String userId, PoisonEventException poison) {
    try {
      deadLetters.poison(Topic.TASK_EVENTS, body, eventId, userId, poison);
      metrics.counter("todo.events.deadlettered", "topic", Topic.TASK_EVENTS.topicName()).increment();
      return SubscriberResult.success();
    } catch (RuntimeException e) {
      LOG.errorf("could not dead-letter event_id=%s (%s), asking Dapr to retry: %s", eventId, poison.getMessage(), e.getMessage());
      return SubscriberResult.retry();
    }
  }
}
