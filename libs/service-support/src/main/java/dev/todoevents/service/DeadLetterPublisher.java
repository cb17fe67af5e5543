package dev.todoevents.service;

import dev.todoevents.contracts.DaprNames;
import dev.todoevents.contracts.DeadLetter;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.PoisonEventException;
import dev.todoevents.contracts.Topic;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.PublishEventRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Sends poison messages (input no retry can fix) straight to the source topic's dead-letter
 * topic with the error that condemned them. Dapr's own deadLetterTopic still catches what fails
 * for other reasons once resiliency retries are spent.
 */
@ApplicationScoped
public class DeadLetterPublisher {

  private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final DaprClient dapr;
  private final String appId;

  public DeadLetterPublisher(DaprClient dapr, @ConfigProperty(name = "quarkus.application.name") String appId) {
    this.dapr = dapr;
    this.appId = appId;
  }

  /** Publishes the dead letter and waits for the broker; throws if it could not (then retry). */
  public void poison(Topic source, byte[] body, String eventId, String partitionKey, PoisonEventException why) {
    var original = tryParse(body);
    DeadLetter letter =
        new DeadLetter(
            eventId,
            source.topicName(),
            appId,
            why.getMessage(),
            DeadLetter.KIND_POISON,
            Events.now(),
            original,
            original == null ? new String(body, StandardCharsets.UTF_8) : null);
    String key = partitionKey != null ? partitionKey : eventId != null ? eventId : "unknown";
    dapr.publishEvent(
            new PublishEventRequest(DaprNames.PUBSUB, source.dlqName(), Events.toJson(letter))
                .setContentType("application/json")
                .setMetadata(Map.of(DaprNames.PARTITION_KEY, key)))
        .block(TIMEOUT);
    LOG.warnf(
        "dead-lettered event_id=%s topic=%s dlq=%s reason=%s",
        eventId, source.topicName(), source.dlqName(), why.getMessage());
  }

  private static com.fasterxml.jackson.databind.JsonNode tryParse(byte[] body) {
    try {
      return Events.MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
