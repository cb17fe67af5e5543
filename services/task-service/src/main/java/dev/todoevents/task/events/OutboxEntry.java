package dev.todoevents.task.events;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One event waiting to be published: exactly the CloudEvent that goes to the sidecar. */
@Entity
@Table(name = "outbox")
public class OutboxEntry extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long seq;

  @Column(name = "event_id", nullable = false, unique = true)
  public UUID eventId;

  @Column(nullable = false, length = 64)
  public String topic;

  @Column(name = "partition_key", nullable = false, length = 128)
  public String partitionKey;

  @Column(name = "event_type", nullable = false, length = 64)
  public String eventType;

  @Column(name = "cloud_event", nullable = false, length = 100000)
  public String cloudEvent;

  @Column(length = 64)
  public String traceparent;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(nullable = false)
  public int attempts;

  @Column(name = "last_error", length = 1000)
  public String lastError;

  /** {@link #PENDING} until published (then deleted), or {@link #FAILED}: never publishable. */
  @Column(nullable = false, length = 16)
  public String status = PENDING;

  @Column(name = "failed_at")
  public Instant failedAt;

  public static final String PENDING = "pending";
  public static final String FAILED = "failed";

  /**
   * The oldest pending entries, locked: another relay (another instance) waits rather than
   * re-sends.
   */
  static List<OutboxEntry> oldest(int max) {
    return find("status = ?1 order by seq", PENDING)
        .withLock(LockModeType.PESSIMISTIC_WRITE)
        .page(0, max)
        .list();
  }

  public static long pending() {
    return count("status", PENDING);
  }
}
