package dev.todoevents.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todoevents.contracts.DaprNames;
import dev.todoevents.contracts.DeadLetter;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.PoisonEventException;
import dev.todoevents.contracts.Topic;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.PublishEventRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The app's layer of dead-lettering: writes a {@link DeadLetter} (the original message plus why,
 * how often and since when it failed) to the source topic's {@code {topic}-dlq}, keyed like the
 * original. Poison goes there at once; a message whose handler kept failing goes there after the
 * app's attempt limit ({@link EventDelivery}). Dapr's own layer, the subscription's
 * deadLetterTopic, still catches what the app never answered (it was down or could not publish this
 * record) once the resiliency policy is spent - as the bare original message.
 */
@ApplicationScoped
public class DeadLetterPublisher {

  private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final DaprClient dapr;
  private final String appId;

  public DeadLetterPublisher(
      DaprClient dapr, @ConfigProperty(name = "quarkus.application.name") String appId) {
    this.dapr = dapr;
    this.appId = appId;
  }

  /**
   * Input no retry can fix: one failed attempt, dead-lettered now. Throws if it could not be
   * written.
   */
  public void poison(
      Topic source, byte[] body, String eventId, String partitionKey, PoisonEventException why) {
    Instant now = Events.now();
    write(
        source,
        partitionKey,
        letter(source, body, eventId, why.getMessage(), DeadLetter.KIND_POISON, null, 1, now, now));
  }

  /** A handler that failed on every attempt up to the limit. Throws if it could not be written. */
  void retriesExhausted(
      Topic source,
      byte[] body,
      String eventId,
      String partitionKey,
      FailedAttempts.Failures failures) {
    Exception last = failures.lastError();
    write(
        source,
        partitionKey,
        letter(
            source,
            body,
            eventId,
            String.valueOf(last.getMessage()),
            DeadLetter.KIND_RETRIES_EXHAUSTED,
            last.getClass().getName(),
            failures.attempts(),
            failures.first(),
            failures.last()));
  }

  private DeadLetter letter(
      Topic source,
      byte[] body,
      String eventId,
      String error,
      String kind,
      String exception,
      int attempts,
      Instant first,
      Instant last) {
    JsonNode original = tryParse(body);
    return new DeadLetter(
        eventId,
        source.topicName(),
        appId,
        error,
        kind,
        exception,
        attempts,
        first,
        last,
        original,
        original == null ? new String(body, StandardCharsets.UTF_8) : null);
  }

  /** Publishes the dead letter and waits for the broker's ack; throws if it did not come. */
  protected void write(Topic source, String partitionKey, DeadLetter letter) {
    String key =
        partitionKey != null
            ? partitionKey
            : letter.eventId() != null ? letter.eventId() : "unknown";
    dapr.publishEvent(
            new PublishEventRequest(DaprNames.PUBSUB, source.dlqName(), Events.toJson(letter))
                .setContentType("application/json")
                .setMetadata(Map.of(DaprNames.PARTITION_KEY, key)))
        .block(TIMEOUT);
    LOG.warnf(
        "dead-lettered event_id=%s topic=%s dlq=%s kind=%s attempts=%d reason=%s",
        letter.eventId(),
        source.topicName(),
        source.dlqName(),
        letter.errorKind(),
        letter.attempts(),
        letter.error());
  }

  private static JsonNode tryParse(byte[] body) {
    try {
      return Events.MAPPER.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }
}
