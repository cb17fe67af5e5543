package dev.todoevents.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.Event;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.PoisonEventException;
import dev.todoevents.contracts.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * What every subscriber endpoint does with a message Dapr delivers, so that each endpoint is a
 * thin adapter: unwrap the CloudEvent; skip (log, count, acknowledge) an unknown schema_version;
 * check the payload against its JSON Schema and read it as the typed event; hand it to the
 * handler unless {@link ProcessedEvents} says this event_id was processed before; map the
 * outcome to SUCCESS or RETRY. Poison (bad JSON, schema violation, or a
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
  private final ProcessedEvents processed;
  private final MeterRegistry metrics;

  public EventDelivery(DeadLetterPublisher deadLetters, ProcessedEvents processed, MeterRegistry metrics) {
    this.deadLetters = deadLetters;
    this.processed = processed;
    this.metrics = metrics;
  }

  /** What Dapr is told about one message. */
  public enum Outcome {
    /** Done, skipped or dead-lettered by the app: acknowledge. */
    SUCCESS,
    /** Failed for now: redeliver under the resiliency policy, then the deadLetterTopic. */
    RETRY
  }

  /**
   * A delivery from Dapr: one CloudEvent, or - when the subscription has bulkSubscribe enabled -
   * a bulk request ({@code {"entries":[{"entryId":..,"event":{CloudEvent}},..]}}). Both shapes
   * are accepted on the same route, so an operator turns bulkSubscribe on or off in the
   * subscription YAML alone. In a bulk request each entry goes through the same steps as a
   * single message, in order, and gets its own status
   * ({@code {"statuses":[{"entryId":..,"status":"SUCCESS"|"RETRY"}]}}); Dapr retries only the
   * RETRY entries and dead-letters those still failing when the policy is spent.
   */
  public <T extends Event> Response deliver(
      Topic topic, byte[] body, Class<T> type, int schemaVersion, Handler<T> handler) {
    JsonNode bulk = bulkRequest(body);
    if (bulk == null) {
      return process(topic, body, type, schemaVersion, handler) == Outcome.SUCCESS
          ? SubscriberResult.success()
          : SubscriberResult.retry();
    }
    ArrayNode statuses = Events.MAPPER.createArrayNode();
    for (JsonNode entry : bulk.get("entries")) {
      JsonNode event = entry.path("event");
      // Published as a CloudEvent, the event arrives as a JSON object; anything else as text.
      byte[] message = (event.isTextual() ? event.asText() : event.toString()).getBytes(StandardCharsets.UTF_8);
      Outcome outcome = process(topic, message, type, schemaVersion, handler);
      statuses.addObject().put("entryId", entry.path("entryId").asText()).put("status", outcome.name());
    }
    metrics.counter("todo.events.bulk.requests", "topic", topic.topicName()).increment();
    ObjectNode answer = Events.MAPPER.createObjectNode();
    answer.set("statuses", statuses);
    return Response.ok(answer.toString(), MediaType.APPLICATION_JSON).build();
  }

  /** The parsed body if it is a bulk request (an entries array, not a CloudEvent), else null. */
  private static JsonNode bulkRequest(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      JsonNode node = Events.MAPPER.readTree(body);
      return node.path("entries").isArray() && !node.has("specversion") ? node : null;
    } catch (java.io.IOException e) {
      return null; // not JSON: the single-message path dead-letters it
    }
  }

  private <T extends Event> Outcome process(
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
        return Outcome.SUCCESS;
      }
      if (processed.alreadyProcessed(topic, eventId)) {
        metrics.counter("todo.events.duplicates", "topic", topic.topicName()).increment();
        LOG.infof("duplicate event_id=%s topic=%s acknowledged, processed before", eventId, topic.topicName());
        return Outcome.SUCCESS;
      }
      T event = Events.read(envelope.data(), type);
      if (handler.handle(new Delivery<>(envelope, event))) {
        processed.markProcessed(topic, eventId); // after the effect: see ProcessedEvents
        return Outcome.SUCCESS;
      }
      metrics.counter("todo.events.failures", "topic", topic.topicName()).increment();
      return Outcome.RETRY;
    } catch (PoisonEventException poison) {
      return deadLetter(topic, body, eventId, userId, poison);
    } catch (Exception e) {
      metrics.counter("todo.events.failures", "topic", topic.topicName()).increment();
      LOG.errorf("failed event_id=%s topic=%s, asking Dapr to retry: %s", eventId, topic.topicName(), e.toString());
      return Outcome.RETRY;
    }
  }

  private Outcome deadLetter(Topic topic, byte[] body, String eventId, String userId, PoisonEventException poison) {
    try {
      deadLetters.poison(topic, body, eventId, userId, poison);
      metrics.counter("todo.events.deadlettered", "topic", topic.topicName()).increment();
      processed.markProcessed(topic, eventId); // a redelivery is not dead-lettered twice
      return Outcome.SUCCESS;
    } catch (RuntimeException e) {
      LOG.errorf("could not dead-letter event_id=%s (%s), asking Dapr to retry: %s", eventId, poison.getMessage(), e.getMessage());
      return Outcome.RETRY;
    }
  }
}
