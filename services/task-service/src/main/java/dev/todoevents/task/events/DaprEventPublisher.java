package dev.todoevents.task.events;

import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.DaprNames;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.PublishEventRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;
import reactor.core.publisher.Mono;

/**
 * Publishes an outbox entry (a CloudEvent carrying correlationid / causationid) through the Dapr
 * sidecar, with partitionKey = user_id so one user's events stay in order, and the caller's W3C
 * traceparent. An event counts as published once the sidecar reports the broker's acknowledgement
 * (the Kafka component produces with acks from all in-sync replicas); several events are in flight
 * at once when the relay hands over a wave of independent ones.
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
    RuntimeException failure = publishAll(List.of(event)).get(event.eventId());
    if (failure != null) {
      throw failure;
    }
  }

  /** Sends all at once (gRPC calls in flight together), then waits for every answer. */
  @Override
  public Map<UUID, RuntimeException> publishAll(List<Outgoing> events) {
    long start = System.nanoTime();
    List<CompletableFuture<Void>> calls = new ArrayList<>(events.size());
    for (Outgoing event : events) {
      calls.add(send(event).toFuture());
    }
    long deadline = start + config.publishTimeout().toNanos();
    Map<UUID, RuntimeException> failures = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      Outgoing event = events.get(i);
      try {
        calls.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        done(event, start);
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        calls.get(i).cancel(true);
        failures.put(
            event.eventId(),
            failed(event, start, e instanceof ExecutionException ? e.getCause() : e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failures.put(event.eventId(), failed(event, start, e));
      }
    }
    return failures;
  }

  private Mono<Void> send(Outgoing event) {
    PublishEventRequest request =
        new PublishEventRequest(
                DaprNames.PUBSUB,
                event.topic(),
                event.cloudEvent().getBytes(StandardCharsets.UTF_8))
            .setContentType(CloudEvent.CONTENT_TYPE)
            .setMetadata(Map.of(DaprNames.PARTITION_KEY, event.partitionKey()));
    // The SDK sends a traceparent found in the Reactor context as gRPC metadata to the sidecar.
    return dapr.publishEvent(request)
        .contextWrite(
            c -> event.traceparent() == null ? c : c.put("traceparent", event.traceparent()));
  }

  private void done(Outgoing event, long start) {
    publishTime(event, "success", start);
    metrics
        .counter("todo.events.published", "topic", event.topic(), "type", event.type())
        .increment();
    LOG.infof(
        "published event_id=%s type=%s user_id=%s topic=%s",
        event.eventId(), event.type(), event.partitionKey(), event.topic());
  }

  private PublishFailedException failed(Outgoing event, long start, Throwable e) {
    publishTime(event, "failure", start);
    metrics.counter("todo.events.publish.failures", "topic", event.topic()).increment();
    LOG.errorf(
        "publish failed event_id=%s type=%s user_id=%s topic=%s: %s",
        event.eventId(), event.type(), event.partitionKey(), event.topic(), e.toString());
    return new PublishFailedException("event bus did not accept event " + event.eventId(), e);
  }

  /** Publish latency up to the sidecar's answer (the broker's ack), as a Prometheus histogram. */
  private void publishTime(Outgoing event, String outcome, long startNanos) {
    Timer.builder("todo.events.publish")
        .description(
            "Time to publish one event through the sidecar, until the broker acknowledged it")
        .tags("topic", event.topic(), "type", event.type(), "outcome", outcome)
        .publishPercentileHistogram()
        .register(metrics)
        .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }
}
