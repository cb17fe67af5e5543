package dev.todoevents.task.events;

import java.util.UUID;

/** Publishes one outbox entry durably: returns only once the broker has it, else throws. */
public interface EventPublisher {

  /** An event as stored in the outbox: the CloudEvent JSON and what the sidecar needs with it. */
  record Outgoing(String topic, UUID eventId, String partitionKey, String type, String cloudEvent, String traceparent) {
    static Outgoing of(OutboxEntry e) {
      return new Outgoing(e.topic, e.eventId, e.partitionKey, e.eventType, e.cloudEvent, e.traceparent);
    }
  }

  /**
   * @throws PublishFailedException when the sidecar or broker did not acknowledge the event
   */
  void publish(Outgoing event);
}
