package dev.todoevents.task.events;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Publishes outbox entries durably: an event counts as sent only once the broker has it. */
public interface EventPublisher {

  /** An event as stored in the outbox: the CloudEvent JSON and what the sidecar needs with it. */
  record Outgoing(
      String topic,
      UUID eventId,
      String partitionKey,
      String type,
      String cloudEvent,
      String traceparent) {
    static Outgoing of(OutboxEntry e) {
      return new Outgoing(
          e.topic, e.eventId, e.partitionKey, e.eventType, e.cloudEvent, e.traceparent);
    }
  }

  /**
   * @throws PublishFailedException when the sidecar or broker did not acknowledge the event
   */
  void publish(Outgoing event);

  /**
   * Publishes events that do not depend on each other's order (the relay never passes two of one
   * topic and key). This default sends them one after the other.
   *
   * @return the events not published, by event_id, with why (a {@link PublishFailedException} when
   *     the sidecar or broker did not take it); empty when all were acknowledged
   */
  default Map<UUID, RuntimeException> publishAll(List<Outgoing> events) {
    Map<UUID, RuntimeException> failures = new HashMap<>();
    for (Outgoing event : events) {
      try {
        publish(event);
      } catch (RuntimeException e) {
        failures.put(event.eventId(), e);
      }
    }
    return failures;
  }
}
