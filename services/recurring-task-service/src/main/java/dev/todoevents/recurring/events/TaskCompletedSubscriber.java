package dev.todoevents.recurring.events;

import dev.todoevents.contracts.PoisonEventException;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.TaskEventType;
import dev.todoevents.contracts.Topic;
import dev.todoevents.recurring.domain.NextOccurrence;
import dev.todoevents.recurring.domain.TaskServiceClient;
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
import java.io.IOException;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.logging.Logger;

/**
 * Delivery endpoints of subscriptions/recurring-task-completed.yaml: a routing rule sends only
 * todo.task.completed to {@code /completed}; everything else on task-events is acknowledged at
 * {@code /ignored} (without a default route Dapr would dead-letter non-matching events). With
 * bulkSubscribe on, Dapr groups a batch's records by route, so both take bulk requests.
 */
@SidecarToken.FromSidecar
@SecurityRequirement(name = OpenApiDefaults.APP_TOKEN)
@Path("/events/task-events")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class TaskCompletedSubscriber {

  private static final Logger LOG = Logger.getLogger(TaskCompletedSubscriber.class);

  private final TaskServiceClient tasks;
  private final EventDelivery delivery;
  private final MeterRegistry metrics;

  public TaskCompletedSubscriber(
      TaskServiceClient tasks, EventDelivery delivery, MeterRegistry metrics) {
    this.tasks = tasks;
    this.delivery = delivery;
    this.metrics = metrics;
  }

  @Operation(
      summary = "Deliver a todo.task.completed event",
      description =
          "A completed recurring task: the next occurrence is created in task-service through service invocation (POST /internal/tasks), once per series and occurrence.")
  @POST
  @Path("/completed")
  public Response onCompleted(byte[] body) {
    return delivery.deliver(
        Topic.TASK_EVENTS, body, TaskEvent.class, TaskEvent.SCHEMA_VERSION, this::createNext);
  }

  private void createNext(EventDelivery.Delivery<TaskEvent> d) throws IOException {
    TaskEvent event = d.event();
    if (event.eventType() != TaskEventType.COMPLETED) {
      count("not_a_completion");
      return;
    }
    Optional<NextOccurrence> next;
    try {
      next = NextOccurrence.after(event);
    } catch (NextOccurrence.SeriesEnds end) {
      // Not an error to retry: there is nothing left to create, however often it is tried.
      count("series_ended");
      LOG.warnf(
          "series_id=%s of user_id=%s ends at occurrence %d (event_id=%s task_id=%s): %s",
          end.seriesId(),
          event.userId(),
          end.lastOccurrence(),
          event.eventId(),
          event.taskId(),
          end.getMessage());
      return;
    }
    if (next.isEmpty()) {
      count("not_recurring");
      return;
    }
    // The completed event is the cause of the next occurrence; the chain keeps its correlation.
    TaskServiceClient.Reply reply =
        tasks.create(
            next.get(),
            d.envelope().correlationid(),
            d.envelope().id(),
            d.envelope().traceparent());
    if (reply.conflict()) {
      // The id is taken by another user's task, or another place in a series: never "already
      // done", or a planted task would end the series unseen. Dead-lettered, with this context.
      count("conflict");
      LOG.errorf(
          "next occurrence task_id=%s (occurrence %d of series_id=%s, user_id=%s) for event_id=%s"
              + " refused as a conflict, dead-lettering: %s",
          next.get().id(),
          next.get().occurrence(),
          next.get().seriesId(),
          event.userId(),
          event.eventId(),
          reply.body());
      throw new PoisonEventException(
          "task-service answered 409 for next occurrence task_id="
              + next.get().id()
              + " (occurrence "
              + next.get().occurrence()
              + " of series_id="
              + next.get().seriesId()
              + "): "
              + reply.body());
    }
    if (reply.created() || reply.alreadyExisted()) {
      count(reply.created() ? "created" : "already_exists");
      LOG.infof(
          "%s next occurrence task_id=%s occurrence=%d due_at=%s for event_id=%s series_id=%s",
          reply.created() ? "created" : "already had",
          next.get().id(),
          next.get().occurrence(),
          next.get().dueAt(),
          event.eventId(),
          next.get().seriesId());
      return;
    }
    if (reply.rejected()) {
      throw new PoisonEventException(
          "task-service refused the next occurrence: HTTP " + reply.status() + " " + reply.body());
    }
    count("retry");
    // A 5xx or an unreachable task-service: transient, so EventDelivery has Dapr retry it.
    throw new IOException("task-service answered HTTP " + reply.status() + ": " + reply.body());
  }

  /** Every other task event: nothing to do, acknowledge. */
  @Operation(
      summary = "Deliver any other task event",
      description =
          "Every task event that is not todo.task.completed (subscription rules route them here): acknowledged and ignored.")
  @POST
  @Path("/ignored")
  public Response onOther(byte[] body) {
    return delivery.acknowledge(body);
  }

  private void count(String outcome) {
    metrics.counter("todo.recurring.completions", "outcome", outcome).increment();
  }
}
