package dev.todoevents.task.events;

import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.Event;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.Topic;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Where task-service's events go first: a row in the {@code outbox} table, written in the
 * transaction of the change that caused the event (so there is no change without its events
 * and no event without its change, whatever dies when). {@link OutboxRelay} publishes the rows
 * through the sidecar after the commit and deletes them once acknowledged.
 */
@ApplicationScoped
public class Outbox {

  /** Fired on write; the relay runs once the transaction has committed. */
  public record Written() {}

  private final TaskEventsConfig config;
  private final jakarta.enterprise.event.Event<Written> written;

  public Outbox(TaskEventsConfig config, jakarta.enterprise.event.Event<Written> written) {
    this.config = config;
    this.written = written;
  }

  @Transactional(Transactional.TxType.MANDATORY)
  public void add(Topic topic, Event event, RequestContext ctx) {
    CloudEvent envelope = Events.envelope(event, config.source(), ctx.correlationId(), ctx.causationId());
    OutboxEntry e = new OutboxEntry();
    e.eventId = event.eventId();
    e.topic = topic.topicName();
    e.partitionKey = event.userId();
    e.eventType = envelope.type();
    e.cloudEvent = new String(Events.toJson(envelope), StandardCharsets.UTF_8);
    e.traceparent = ctx.traceparent();
    e.createdAt = Instant.now();
    e.persist();
    written.fire(new Written());
  }
}
