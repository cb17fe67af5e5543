package dev.todoevents.service;

import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.Event;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.PoisonEventException;
import dev.todoevents.contracts.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

/**
 * What every subscriber endpoint does with a message Dapr delivers, so that each endpoint is a
 * thin adapter: unwrap the CloudEvent; skip (log, count, acknowledge) an unknown schema_version;
 * check the payload against its JSON Schema and read it as the typed event; hand it to the
 * handler; map the outcome to SUCCESS or RETRY. Poison (bad JSON, schema violation, or a
 * {@link PoisonEventException} from the handler) goes to {@code {topic}-dlq} at once with its
 * error; any other failure asks Dapr to retry.
 */
@ApplicationScoped
public class EventDelivery {

  private static final Logger LOG = Logger.getLogger(EventDelivery.class);

  /** A delivered event: its envelope (ids, causality) and its typed payload. */
  public record Delivery<T extends Event>(CloudEvent envelope, T event) {}

  /** The work a subscriber does with one event; throw to fail it. */
  @FunctionalInterface
  public interface Handler<T extends Event> {
    /** @return true when done (acknowledge), false to have Dapr redeliver later */
    boolean handle(Delivery<T> delivery) throws Exception;
  }

  private final DeadLetterPublisher deadLetters;
  private final MeterRegistry metrics;

  public EventDelivery(DeadLetterPublisher deadLetters, MeterRegistry metrics) {
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  public <T extends Event> Response deliver(
      Topic topic, byte[] body, Class<T> type, int schemaVersion, Handler<T> handler) {
    String eventId = null;
    String userId = null;
    try {
      CloudEvent envelope = Events.parseEnvelope(body);
      eventId = envelope.id();
      userId = envelope.data().path("user_id").asText(null);
      if (Events.schemaVersionOf(envelope.data()) != schemaVersion) {
        metrics.counter("todo.events.skipped", "topic", topic.topicName(), "reason", "schema_version").increment();
        LOG.warnf("skipped event_id=%s topic=%s: unknown schema_version=%s (this consumer reads %d)",
            eventId, topic.topicName(), envelope.data().get("schema_version"), schemaVersion);
        return SubscriberResult.success();
      }
      T event = Events.read(envelope.data(), type);
      if (handler.handle(new Delivery<>(envelope, event))) {
        return SubscriberResult.success();
      }
      metrics.counter("todo.events.failures", "topic", topic.topicName()).increment();
      return SubscriberResult.retry();
    } catch (PoisonEventException poison) {
      return deadLetter(topic, body, eventId, userId, poison);
    } catch (Exception e) {
      metrics.counter("todo.events.failures", "topic", topic.topicName()).increment();
      LOG.errorf("failed event_id=%s topic=%s, asking Dapr to retry: %s", eventId, topic.topicName(), e.toString());
      return SubscriberResult.retry();
    }
  }

  private Response deadLetter(Topic topic, byte[] body, String eventId, String userId, PoisonEventException poison) {
    try {
      deadLetters.poison(topic, body, eventId, userId, poison);
      metrics.counter("todo.events.deadlettered", "topic", topic.topicName()).increment();
      return SubscriberResult.success();
    } catch (RuntimeException e) {
      LOG.errorf("could not dead-letter event_id=%s (%s), asking Dapr to retry: %s", eventId, poison.getMessage(), e.getMessage());
      return SubscriberResult.retry();
    }
  }
}
