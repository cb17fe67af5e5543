package dev.todoevents.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.Causality;
import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.DeadLetter;
import dev.todoevents.contracts.Event;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.PoisonEventException;
import dev.todoevents.contracts.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * What every subscriber endpoint does with a message Dapr delivers, so that each endpoint is a thin
 * adapter: unwrap the CloudEvent; skip (log, count, acknowledge) an unknown schema_version; check
 * the payload against its JSON Schema and read it as the typed event; hand it to the handler unless
 * {@link ProcessedEvents} says this event_id was processed before; map the outcome to SUCCESS or
 * RETRY.
 *
 * <p>Failure classes: poison (bad JSON, schema violation, or a {@link PoisonEventException} from
 * the handler) goes to {@code {topic}-dlq} at once with its error. Any other exception from the
 * handler (a downstream 5xx, a timeout, a database error) is transient: RETRY, and Dapr redelivers
 * under the resiliency policy's backoff. The app counts the failed attempts of each event ({@link
 * FailedAttempts}); at {@code todo.events.max-attempts} (default 6: the first delivery and 5
 * retries) it writes the event to {@code {topic}-dlq} itself, with the exception, the attempts and
 * the first and last failure time, and acknowledges it - so it is not redelivered after a restart.
 * If that write fails, RETRY again: Dapr's own deadLetterTopic is the layer underneath.
 */
@ApplicationScoped
public class EventDelivery {

  private static final Logger LOG = Logger.getLogger(EventDelivery.class);

  /** A delivered event: its envelope (ids, causality) and its typed payload. */
  public record Delivery<T extends Event>(CloudEvent envelope, T event) {}

  /**
   * The work a subscriber does with one event. Returning acknowledges it; throwing {@link
   * PoisonEventException} dead-letters it at once; any other exception has it retried.
   */
  @FunctionalInterface
  public interface Handler<T extends Event> {
    void handle(Delivery<T> delivery) throws Exception;
  }

  /** A failure made on purpose by {@code todo.events.fault-injection.fail-attempts}. */
  static final class InjectedFailure extends RuntimeException {
    InjectedFailure(String message) {
      super(message);
    }
  }

  private final DeadLetterPublisher deadLetters;
  private final ProcessedEvents processed;
  private final MeterRegistry metrics;
  private final FailedAttempts attempts = new FailedAttempts();
  private final int maxAttempts;
  private final int injectedFailures;

  /**
   * @param maxAttempts failed deliveries of one event after which the app dead-letters it
   * @param injectedFailures fault injection for tests of the retry path: fail the first this many
   *     deliveries of every event before its handler runs (0, the default, in any real use)
   */
  @Inject
  public EventDelivery(
      DeadLetterPublisher deadLetters,
      ProcessedEvents processed,
      MeterRegistry metrics,
      TodoConfig.Events config) {
    this(
        deadLetters,
        processed,
        metrics,
        config.maxAttempts(),
        config.faultInjection().failAttempts());
  }

  EventDelivery(
      DeadLetterPublisher deadLetters,
      ProcessedEvents processed,
      MeterRegistry metrics,
      int maxAttempts,
      int injectedFailures) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException(
          "todo.events.max-attempts must be at least 1, not " + maxAttempts);
    }
    this.deadLetters = deadLetters;
    this.processed = processed;
    this.metrics = metrics;
    this.maxAttempts = maxAttempts;
    this.injectedFailures = injectedFailures;
    if (injectedFailures > 0) {
      LOG.warnf(
          "fault injection on: the first %d deliveries of every event fail", injectedFailures);
    }
  }

  /** What Dapr is told about one message. */
  public enum Outcome {
    /** Done, skipped or dead-lettered by the app: acknowledge. */
    SUCCESS,
    /** Failed for now: redeliver under the resiliency policy, then the deadLetterTopic. */
    RETRY
  }

  /**
   * A delivery from Dapr: one CloudEvent, or - when the subscription has bulkSubscribe enabled - a
   * bulk request ({@code {"entries":[{"entryId":..,"event":{CloudEvent}},..]}}). Both shapes are
   * accepted on the same route, so an operator turns bulkSubscribe on or off in the subscription
   * YAML alone. In a bulk request each entry goes through the same steps as a single message, in
   * order, and gets its own status ({@code
   * {"statuses":[{"entryId":..,"status":"SUCCESS"|"RETRY"}]}}); Dapr retries only the RETRY entries
   * and dead-letters those still failing when the policy is spent.
   */
  public <T extends Event> Response deliver(
      Topic topic, byte[] body, Class<T> type, int schemaVersion, Handler<T> handler) {
    JsonNode bulk = bulkRequest(body);
    if (bulk == null) {
      return process(topic, body, type, schemaVersion, handler) == Outcome.SUCCESS
          ? SubscriberResult.success()
          : SubscriberResult.retry();
    }
    metrics.counter("todo.events.bulk.requests", "topic", topic.topicName()).increment();
    return bulkAnswer(bulk, message -> process(topic, message, type, schemaVersion, handler));
  }

  /**
   * Acknowledges a delivery without looking at it (a route for events an app does not need), one
   * message or a bulk request alike.
   */
  public Response acknowledge(byte[] body) {
    JsonNode bulk = bulkRequest(body);
    return bulk == null ? SubscriberResult.success() : bulkAnswer(bulk, message -> Outcome.SUCCESS);
  }

  /** Each entry of a bulk request through {@code step}, in order, and a status per entry. */
  private static Response bulkAnswer(
      JsonNode bulk, java.util.function.Function<byte[], Outcome> step) {
    ArrayNode statuses = Events.MAPPER.createArrayNode();
    for (JsonNode entry : bulk.get("entries")) {
      JsonNode event = entry.path("event");
      // Published as a CloudEvent, the event arrives as a JSON object; anything else as text.
      byte[] message =
          (event.isTextual() ? event.asText() : event.toString()).getBytes(StandardCharsets.UTF_8);
      statuses
          .addObject()
          .put("entryId", entry.path("entryId").asText())
          .put("status", step.apply(message).name());
    }
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

  /** What one message came to, for the processing-time histogram. */
  private static final class Seen {
    String eventType = "unknown";
    String result = "processed";
  }

  private <T extends Event> Outcome process(
      Topic topic, byte[] body, Class<T> type, int schemaVersion, Handler<T> handler) {
    long start = System.nanoTime();
    Seen seen = new Seen();
    Outcome outcome = processTimed(topic, body, type, schemaVersion, handler, seen);
    if (outcome == Outcome.RETRY) {
      seen.result = "retry";
      metrics.counter("todo.events.retries", "topic", topic.topicName()).increment();
    }
    Timer.builder("todo.events.processing")
        .description("Time to handle one delivered event, by topic, CloudEvent type and result")
        .tags("topic", topic.topicName(), "event_type", seen.eventType, "result", seen.result)
        .publishPercentileHistogram()
        .register(metrics)
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return outcome;
  }

  private <T extends Event> Outcome processTimed(
      Topic topic, byte[] body, Class<T> type, int schemaVersion, Handler<T> handler, Seen seen) {
    String eventId = null;
    String userId = null;
    try {
      CloudEvent envelope = Events.parseEnvelope(body);
      eventId = envelope.id();
      requireCausalityIds(envelope);
      userId = envelope.data().path("user_id").asText(null);
      LogContext.put(eventId, userId, envelope.correlationid());
      seen.eventType = envelope.type() == null ? "unknown" : envelope.type();
      if (Events.schemaVersionOf(envelope.data()) != schemaVersion) {
        seen.result = "skipped";
        metrics
            .counter("todo.events.skipped", "topic", topic.topicName(), "reason", "schema_version")
            .increment();
        LOG.warnf(
            "skipped event_id=%s topic=%s: unknown schema_version=%s (this consumer reads %d)",
            eventId, topic.topicName(), envelope.data().get("schema_version"), schemaVersion);
        return Outcome.SUCCESS;
      }
      if (processed.alreadyProcessed(topic, eventId)) {
        seen.result = "duplicate";
        metrics.counter("todo.events.duplicates", "topic", topic.topicName()).increment();
        LOG.infof(
            "duplicate event_id=%s topic=%s acknowledged, processed before",
            eventId, topic.topicName());
        return Outcome.SUCCESS;
      }
      T event = Events.read(envelope.data(), type);
      injectFailure(topic, eventId);
      handler.handle(new Delivery<>(envelope, event));
      processed.markProcessed(topic, eventId); // after the effect: see ProcessedEvents
      attempts.forget(topic, eventId);
      return Outcome.SUCCESS;
    } catch (PoisonEventException poison) {
      seen.result = "poison";
      metrics.counter("todo.events.invalid", "topic", topic.topicName()).increment();
      String id = eventId;
      String key = userId;
      return deadLetter(
          topic,
          id,
          DeadLetter.KIND_POISON,
          poison.getMessage(),
          () -> deadLetters.poison(topic, body, id, key, poison));
    } catch (Exception e) {
      return failed(topic, body, eventId, userId, e);
    } finally {
      LogContext.clear();
    }
  }

  /**
   * Correlation and causation ids that no consumer could store (task-service refuses them at the
   * API; an older or foreign producer may still send one) are poison: dead-lettered at once with
   * the reason, instead of failing the store on every retry.
   */
  private static void requireCausalityIds(CloudEvent envelope) {
    for (String[] attribute :
        new String[][] {
          {"correlationid", envelope.correlationid()}, {"causationid", envelope.causationid()}
        }) {
      if (attribute[1] != null && !Causality.isValidId(attribute[1])) {
        throw new PoisonEventException(
            "envelope attribute " + attribute[0] + " " + Causality.ID_RULE);
      }
    }
  }

  private void injectFailure(Topic topic, String eventId) {
    if (injectedFailures == 0) {
      return;
    }
    int failedSoFar = attempts.attempts(topic, eventId);
    if (failedSoFar < injectedFailures) {
      throw new InjectedFailure(
          "injected failure "
              + (failedSoFar + 1)
              + " of "
              + injectedFailures
              + " (todo.events.fault-injection.fail-attempts)");
    }
  }

  /** A transient failure: RETRY, or the app's dead letter once the attempts are spent. */
  private Outcome failed(Topic topic, byte[] body, String eventId, String userId, Exception e) {
    metrics.counter("todo.events.failures", "topic", topic.topicName()).increment();
    if (eventId == null) {
      LOG.errorf(
          "failed a delivery on topic=%s, asking Dapr to retry: %s",
          topic.topicName(), e.toString());
      return Outcome.RETRY;
    }
    FailedAttempts.Failures failures = attempts.failed(topic, eventId, e);
    if (failures.attempts() < maxAttempts) {
      LOG.errorf(
          "failed event_id=%s topic=%s attempt %d of %d, asking Dapr to retry: %s",
          eventId, topic.topicName(), failures.attempts(), maxAttempts, e.toString());
      return Outcome.RETRY;
    }
    return deadLetter(
        topic,
        eventId,
        DeadLetter.KIND_RETRIES_EXHAUSTED,
        e.toString(),
        () -> deadLetters.retriesExhausted(topic, body, eventId, userId, failures));
  }

  /**
   * Writes the dead letter; acknowledge if it was written, else RETRY (Dapr's DLQ is underneath).
   */
  private Outcome deadLetter(
      Topic topic, String eventId, String kind, String reason, Runnable write) {
    try {
      write.run();
      metrics
          .counter("todo.events.deadlettered", "topic", topic.topicName(), "kind", kind)
          .increment();
      processed.markProcessed(topic, eventId); // a redelivery is not dead-lettered twice
      attempts.forget(topic, eventId);
      return Outcome.SUCCESS;
    } catch (RuntimeException e) {
      LOG.errorf(
          "could not dead-letter event_id=%s (%s), asking Dapr to retry: %s",
          eventId, reason, e.getMessage());
      return Outcome.RETRY;
    }
  }
}
