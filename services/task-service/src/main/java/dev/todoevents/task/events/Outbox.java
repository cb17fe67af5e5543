package dev.todoevents.task.events;

import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.Event;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.Topic;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Where task-service's events go first: a row in the {@code outbox} table, written in the
 * transaction of the change that caused the event (so there is no change without its events and no
 * event without its change, whatever dies when). {@link OutboxRelay} publishes the rows through the
 * sidecar after the commit and deletes them once acknowledged.
 */
@ApplicationScoped
public class Outbox {

  /** Fired once per transaction that wrote; the relay runs once it has committed. */
  public record Written() {}

  private final TaskEventsConfig config;
  private final jakarta.enterprise.event.Event<Written> written;
  private final TransactionSynchronizationRegistry transaction;

  public Outbox(
      TaskEventsConfig config,
      jakarta.enterprise.event.Event<Written> written,
      TransactionSynchronizationRegistry transaction) {
    this.config = config;
    this.written = written;
    this.transaction = transaction;
  }

  @Transactional(Transactional.TxType.MANDATORY)
  public void add(Topic topic, Event event, RequestContext ctx) {
    CloudEvent envelope =
        Events.envelope(event, config.source(), ctx.correlationId(), ctx.causationId());
    OutboxEntry e = new OutboxEntry();
    e.eventId = event.eventId();
    e.topic = topic.topicName();
    e.partitionKey = event.userId();
    e.eventType = envelope.type();
    e.cloudEvent = new String(Events.toJson(envelope), StandardCharsets.UTF_8);
    e.traceparent = ctx.traceparent();
    e.createdAt = Instant.now();
    e.persist();
    // A change writes several events (a TaskEvent and a TaskUpdateEvent; a tick, one per due
    // reminder): one relay pass after the commit publishes them all.
    if (transaction.getResource(Written.class) == null) {
      transaction.putResource(Written.class, Boolean.TRUE);
      written.fire(new Written());
    }
  }
}
