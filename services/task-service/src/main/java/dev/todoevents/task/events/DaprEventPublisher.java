package dev.todoevents.task.events;

import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.DaprNames;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.PublishEventRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Publishes an outbox entry (a CloudEvent carrying correlationid / causationid) through the Dapr
 * sidecar, with partitionKey = user_id so one user's events stay in order, and the caller's W3C
 * traceparent. Blocks until the sidecar reports the broker's acknowledgement (the Kafka
 * component produces with acks from all in-sync replicas).
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
  public void publish(Outgoing event) {
    PublishEventRequest request =
        new PublishEventRequest(DaprNames.PUBSUB, event.topic(), event.cloudEvent().getBytes(StandardCharsets.UTF_8))
            .setContentType(CloudEvent.CONTENT_TYPE)
            .setMetadata(Map.of(DaprNames.PARTITION_KEY, event.partitionKey()));
    long start = System.nanoTime();
    try {
      // The SDK sends a traceparent found in the Reactor context as gRPC metadata to the sidecar.
      dapr.publishEvent(request)
          .contextWrite(c -> event.traceparent() == null ? c : c.put("traceparent", event.traceparent()))
          .block(config.publishTimeout());
    } catch (RuntimeException e) {
      publishTime(event, "failure", start);
      metrics.counter("todo.events.publish.failures", "topic", event.topic()).increment();
      LOG.errorf("publish failed event_id=%s type=%s user_id=%s topic=%s: %s",
          event.eventId(), event.type(), event.partitionKey(), event.topic(), e.getMessage());
      throw new PublishFailedException("event bus did not accept event " + event.eventId(), e);
    }
    publishTime(event, "success", start);
    metrics.counter("todo.events.published", "topic", event.topic(), "type", event.type()).increment();
    LOG.infof("published event_id=%s type=%s user_id=%s topic=%s",
        event.eventId(), event.type(), event.partitionKey(), event.topic());
  }

  /** Publish latency up to the sidecar's answer (the broker's ack), as a Prometheus histogram. */
  private void publishTime(Outgoing event, String outcome, long startNanos) {
    Timer.builder("todo.events.publish")
        .description("Time to publish one event through the sidecar, until the broker acknowledged it")
        .tags("topic", event.topic(), "type", event.type(), "outcome", outcome)
        .publishPercentileHistogram()
        .register(metrics)
        .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }
}
