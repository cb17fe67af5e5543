package dev.todoevents.task.events;

import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.DaprNames;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.Event;
import dev.todoevents.contracts.Topic;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.PublishEventRequest;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Publishes events (TaskEvents to task-events, TaskUpdateEvents to task-updates) through the Dapr
 * sidecar, in a CloudEvents envelope that
 * carries correlationid / causationid, with partitionKey = user_id so one user's events stay in
 * order. Blocks until the sidecar reports the broker's acknowledgement (the Kafka component
 * produces with acks from all in-sync replicas).
 */
@ApplicationScoped
public class DaprEventPublisher implements EventPublisher {

  private static final Logger LOG = Logger.getLogger(DaprEventPublisher.class);

  private final DaprClient dapr;
  private final TaskEventsConfig config;
  private final MeterRegistry metrics;

  public DaprEventPublisher(DaprClient dapr, TaskEventsConfig config, MeterRegistry metrics) {
    this.dapr = dapr;
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public void publish(Topic target, Event event, RequestContext ctx) {
    String topic = target.topicName();
    CloudEvent envelope =
        Events.envelope(event, config.source(), ctx.correlationId(), ctx.causationId());
    PublishEventRequest request =
        new PublishEventRequest(DaprNames.PUBSUB, topic, Events.toJson(envelope))
            .setContentType(CloudEvent.CONTENT_TYPE)
            .setMetadata(Map.of(DaprNames.PARTITION_KEY, event.userId()));
    try {
      // The SDK sends a traceparent found in the Reactor context as gRPC metadata to the sidecar.
      dapr.publishEvent(request)
          .contextWrite(c -> ctx.traceparent() == null ? c : c.put("traceparent", ctx.traceparent()))
          .block(config.publishTimeout());
    } catch (RuntimeException e) {
      metrics.counter("todo.events.publish.failures", "topic", topic).increment();
      LOG.errorf(
          "publish failed event_id=%s type=%s user_id=%s topic=%s correlation_id=%s: %s",
          event.eventId(), envelope.type(), event.userId(), topic, ctx.correlationId(), e.getMessage());
      throw new PublishFailedException("event bus did not accept event " + event.eventId(), e);
    }
    metrics.counter("todo.events.published", "topic", topic, "type", envelope.type()).increment();
    LOG.infof(
        "published event_id=%s type=%s user_id=%s topic=%s correlation_id=%s",
        event.eventId(), envelope.type(), event.userId(), topic, ctx.correlationId());
  }
}
