package dev.todoevents.task.domain;

import dev.todoevents.contracts.TaskData;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A user's task: the row task-service owns and describes in every TaskEvent. */
@Entity
@Table(name = "tasks", indexes = @Index(name = "tasks_user_idx", columnList = "user_id"))
public class Task extends PanacheEntityBase {

  @Id
  @Column(name = "id", nullable = false)
  public UUID id;

  @Column(name = "user_id", nullable = false, length = 128)
  public String userId;

  @Column(name = "title", nullable = false, length = 200)
  public String title;

  @Column(name = "description", length = 4000)
  public String description;

  @Column(name = "status", nullable = false, length = 16)
  public String status;

  @Column(name = "priority", nullable = false, length = 8)
  public String priority;

  @Column(name = "due_at")
  public Instant dueAt;

  @Column(name = "remind_at")
  public Instant remindAt;

  @Column(name = "recurrence", nullable = false, length = 16)
  public String recurrence;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  @Column(name = "completed_at")
  public Instant completedAt;

  /** The remind_at value the last reminder was sent for (null: none sent yet). */
  @Column(name = "reminded_for")
  public Instant remindedFor;

  @Column(name = "series_id")
  public UUID seriesId;

  @Column(name = "occurrence")
  public Integer occurrence;

  @Version
  @Column(name = "version", nullable = false)
  public long version;

  /**
   * Open tasks whose reminder time has come and whose reminder for that time is not sent,
   * locked for update: a second instance's tick waits for this transaction and then no longer
   * sees them as due.
   */
  public static List<Task> dueReminders(Instant now, int max) {
    return find(
            "remindAt <= ?1 and status <> ?2 and (remindedFor is null or remindedFor <> remindAt)"
                + " order by remindAt, id",
            now, dev.todoevents.contracts.TaskData.COMPLETED)
        .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
        .page(0, max)
        .list();
  }

  public static List<Instant> upcomingReminders(Instant from, Instant to, int max) {
    return getEntityManager()
        .createQuery(
            "select distinct t.remindAt from Task t where t.remindAt > ?1 and t.remindAt <= ?2 and t.status <> ?3"
                + " and (t.remindedFor is null or t.remindedFor <> t.remindAt) order by t.remindAt",
            Instant.class)
        .setParameter(1, from)
        .setParameter(2, to)
        .setParameter(3, dev.todoevents.contracts.TaskData.COMPLETED)
        .setMaxResults(max)
        .getResultList();
  }

  public static List<Task> byUser(String userId) {
    return list("userId = ?1 order by createdAt, id", userId);
  }

  /** The state carried in TaskEvent.task_data. */
  public TaskData snapshot() {
    return new TaskData(
        title, description, status, priority, dueAt, remindAt, recurrence, createdAt, updatedAt,
        completedAt, seriesId, occurrence);
  }
}
