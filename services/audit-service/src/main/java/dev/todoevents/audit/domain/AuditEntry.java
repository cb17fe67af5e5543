package dev.todoevents.audit.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;
import java.util.UUID;

/** One task event, recorded once (event_id is unique) and never changed afterwards. */
@Entity
@Table(
    name = "audit_log",
    uniqueConstraints = @UniqueConstraint(name = "audit_log_event_id_uk", columnNames = "event_id"),
    indexes = {
      @Index(name = "audit_log_user_idx", columnList = "user_id"),
      @Index(name = "audit_log_task_idx", columnList = "task_id")
    })
public class AuditEntry extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "event_id", nullable = false, updatable = false)
  public UUID eventId;

  @Column(name = "event_type", nullable = false, updatable = false, length = 64)
  public String eventType;

  @Column(name = "task_id", nullable = false, updatable = false)
  public UUID taskId;

  @Column(name = "user_id", nullable = false, updatable = false, length = 128)
  public String userId;

  @Column(name = "source", updatable = false, length = 128)
  public String source;

  @Column(name = "correlation_id", updatable = false, length = 128)
  public String correlationId;

  @Column(name = "causation_id", updatable = false, length = 128)
  public String causationId;

  @Column(name = "traceparent", updatable = false, length = 64)
  public String traceparent;

  @Column(name = "occurred_at", nullable = false, updatable = false)
  public Instant occurredAt;

  @Column(name = "recorded_at", nullable = false, updatable = false)
  public Instant recordedAt;

  @Column(name = "payload", nullable = false, updatable = false, length = 65535)
  public String payload;
}
