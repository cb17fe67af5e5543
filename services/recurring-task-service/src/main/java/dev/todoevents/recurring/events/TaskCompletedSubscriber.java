package dev.todoevents.recurring.events;

import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.PoisonEventException;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.TaskEventType;
import dev.todoevents.contracts.Topic;
import dev.todoevents.recurring.domain.NextOccurrence;
import dev.todoevents.recurring.domain.TaskServiceClient;
import dev.todoevents.service.DeadLetterPublisher;
import dev.todoevents.service.SubscriberResult;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Delivery endpoints of subscriptions/recurring-task-completed.yaml: a routing rule sends only
 * todo.task.completed to {@code /completed}; everything else on task-events is acknowledged at
 * {@code /ignored} (without a default route Dapr would dead-letter non-matching events).
 */
@Path("/events/task-events")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class TaskCompletedSubscriber {

  private static final Logger LOG = Logger.getLogger(TaskCompletedSubscriber.class);

  private final TaskServiceClient tasks;
  private final DeadLetterPublisher deadLetters;
  private final MeterRegistry metrics;

  public TaskCompletedSubscriber(TaskServiceClient tasks, DeadLetterPublisher deadLetters, MeterRegistry metrics) {
    this.tasks = tasks;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  @POST
  @Path("/completed")
  public Response onCompleted(byte[] body) {
    String eventId = null;
    String userId = null;
    try {
      CloudEvent envelope = Events.parseEnvelope(body);
      eventId = envelope.id();
      userId = envelope.data().path("user_id").asText(null);
      if (Events.schemaVersionOf(envelope.data()) != TaskEvent.SCHEMA_VERSION) {
        count("skipped_schema_version");
        LOG.warnf("skipped event_id=%s: unknown schema_version=%s", eventId, envelope.data().get("schema_version"));
        return SubscriberResult.success();
      }
      TaskEvent event = Events.read(envelope.data(), TaskEvent.class);
      if (event.eventType() != TaskEventType.COMPLETED) {
        count("not_a_completion");
        return SubscriberResult.success();
      }
      Optional<NextOccurrence> next = NextOccurrence.after(event);
      if (next.isEmpty()) {
        count("not_recurring");
        return SubscriberResult.success();
      }
      // The completed event is the cause of the next occurrence; the chain keeps its correlation.
      TaskServiceClient.Reply reply = tasks.create(next.get(), envelope.correlationid(), envelope.id());
      if (reply.created() || reply.alreadyExisted()) {
        count(reply.created() ? "created" : "already_exists");
        LOG.infof("%s next occurrence task_id=%s occurrence=%d due_at=%s for event_id=%s series_id=%s",
            reply.created() ? "created" : "already had", next.get().id(), next.get().occurrence(),
            next.get().dueAt(), eventId, next.get().seriesId());
        return SubscriberResult.success();
      }
      if (reply.rejected()) {
        throw new PoisonEventException("task-service refused the next occurrence: HTTP " + reply.status() + " " + reply.body());
      }
      count("retry");
      LOG.warnf("task-service answered HTTP %d for event_id=%s, asking Dapr to retry: %s", reply.status(), eventId, reply.body());
      return SubscriberResult.retry();
    } catch (PoisonEventException poison) {
      try {
        deadLetters.poison(Topic.TASK_EVENTS, body, eventId, userId, poison);
        count("dead_lettered");
        return SubscriberResult.success();
      } catch (RuntimeException e) {
        LOG.errorf("could not dead-letter event_id=%s: %s", eventId, e.getMessage());
        return SubscriberResult.retry();
      }
    } catch (IOException | RuntimeException e) {
      count("retry");
      LOG.errorf("failed event_id=%s, asking Dapr to retry: %s", eventId, e.toString());
      return SubscriberResult.retry();
    }
  }

  /** Every other task event: nothing to do, acknowledge. */
  @POST
  @Path("/ignored")
  public Response onOther(byte[] body) {
    return SubscriberResult.success();
  }

  private void count(String outcome) {
    metrics.counter("todo.recurring.completions", "outcome", outcome).increment();
  }
}
