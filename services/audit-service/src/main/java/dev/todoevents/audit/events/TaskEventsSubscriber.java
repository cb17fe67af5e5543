package dev.todoevents.audit.events;

import dev.todoevents.audit.domain.AuditLog;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.Topic;
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
import org.jboss.logging.Logger;

/**
 * Delivery endpoint of the declarative subscription subscriptions/audit-task-events.yaml: Dapr
 * POSTs each task-events record here; {@link EventDelivery} unwraps and checks it, and each event
 * is recorded once in the {@link AuditLog}.
 */
@SidecarToken.FromSidecar
@SecurityRequirement(name = OpenApiDefaults.APP_TOKEN)
@Path("/events/task-events")
public class TaskEventsSubscriber {

  private static final Logger LOG = Logger.getLogger(TaskEventsSubscriber.class);

  private final AuditLog auditLog;
  private final EventDelivery delivery;
  private final MeterRegistry metrics;

  public TaskEventsSubscriber(AuditLog auditLog, EventDelivery delivery, MeterRegistry metrics) {
    this.auditLog = auditLog;
    this.delivery = delivery;
    this.metrics = metrics;
  }

  @Operation(
      summary = "Deliver a task event",
      description =
          "Dapr delivers every task-events CloudEvent here (subscriptions/audit-task-events.yaml); it is appended once per event_id. 200 SUCCESS, RETRY or DROP as Dapr expects; an event that can never be read goes to task-events-dlq.")
  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response onEvent(byte[] body) {
    return delivery.deliver(
        Topic.TASK_EVENTS,
        body,
        TaskEvent.class,
        TaskEvent.SCHEMA_VERSION,
        d -> {
          TaskEvent event = d.event();
          boolean stored = auditLog.record(event, d.envelope());
          metrics
              .counter(
                  "todo.events.consumed",
                  "topic",
                  Topic.TASK_EVENTS.topicName(),
                  "outcome",
                  stored ? "stored" : "duplicate")
              .increment();
          LOG.infof(
              "%s event_id=%s type=%s task_id=%s user_id=%s correlation_id=%s",
              stored ? "recorded" : "duplicate ignored",
              event.eventId(),
              d.envelope().type(),
              event.taskId(),
              event.userId(),
              d.envelope().correlationid());
        });
  }
}
