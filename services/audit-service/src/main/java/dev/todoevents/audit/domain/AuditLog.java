package dev.todoevents.audit.domain;

import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.TaskEvent;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The append-only audit log. Recording is idempotent: a redelivered event (at-least-once delivery)
 * hits the unique constraint on event_id and has no second effect, also when two instances get it
 * at the same moment.
 */
@ApplicationScoped
public class AuditLog {

  private final Inserter inserter;

  public AuditLog(Inserter inserter) {
    this.inserter = inserter;
  }

  /**
   * Inserts first and looks only when the insert fails: a duplicate is rare (a redelivery the
   * in-memory set of ProcessedEvents did not know), so the usual event costs one statement.
   *
   * @return true if stored now, false if this event_id was already in the log
   */
  public boolean record(TaskEvent event, CloudEvent envelope) {
    try {
      inserter.insert(entry(event, envelope));
      return true;
    } catch (PersistenceException e) {
      if (inserter.exists(event.eventId())) {
        return false;
      }
      throw e;
    }
  }

  /** What to look for; null fields do not filter. Results are oldest first (by seq). */
  public record Query(
      String userId,
      UUID taskId,
      String eventType,
      Instant from,
      Instant to,
      Long afterSeq,
      int limit) {}

  public List<AuditEntry> query(Query q) {
    StringBuilder where = new StringBuilder("1 = 1");
    var params = new java.util.HashMap<String, Object>();
    if (q.userId() != null) {
      where.append(" and userId = :userId");
      params.put("userId", q.userId());
    }
    if (q.taskId() != null) {
      where.append(" and taskId = :taskId");
      params.put("taskId", q.taskId());
    }
    if (q.eventType() != null) {
      where.append(" and eventType = :eventType");
      params.put("eventType", q.eventType());
    }
    if (q.from() != null) {
      where.append(" and occurredAt >= :from");
      params.put("from", q.from());
    }
    if (q.to() != null) {
      where.append(" and occurredAt < :to");
      params.put("to", q.to());
    }
    if (q.afterSeq() != null) {
      where.append(" and id > :after");
      params.put("after", q.afterSeq());
    }
    return AuditEntry.<AuditEntry>find(where.toString(), Sort.by("id"), params)
        .page(Page.ofSize(q.limit()))
        .list();
  }

  private static AuditEntry entry(TaskEvent event, CloudEvent envelope) {
    AuditEntry e = new AuditEntry();
    e.eventId = event.eventId();
    e.eventType = envelope.type() != null ? envelope.type() : event.cloudEventType();
    e.taskId = event.taskId();
    e.userId = event.userId();
    e.source = envelope.source();
    e.correlationId = envelope.correlationid();
    e.causationId = envelope.causationid();
    e.traceparent = envelope.traceparent();
    e.occurredAt = event.timestamp();
    e.recordedAt = Events.now();
    e.payload = new String(Events.toJson(event), java.nio.charset.StandardCharsets.UTF_8);
    return e;
  }

  /** Each insert in its own transaction, so a duplicate-key failure cannot poison the caller's. */
  @ApplicationScoped
  public static class Inserter {
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void insert(AuditEntry entry) {
      entry.persistAndFlush();
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean exists(UUID eventId) {
      return AuditEntry.count("eventId", eventId) > 0;
    }
  }
}
