package dev.todoevents.task.domain;

import dev.todoevents.contracts.TaskData;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Parameters;
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

  /** An open task whose reminder for its current remind_at has not been sent yet. */
  private static final String REMINDER_PENDING =
      "status <> :completed and (remindedFor is null or remindedFor <> remindAt)";

  /**
   * Open tasks whose reminder time has come and whose reminder for that time is not sent,
   * locked for update: a second instance's tick waits for this transaction and then no longer
   * sees them as due.
   */
  public static List<Task> dueReminders(Instant now, int max) {
    return find(
            "remindAt <= :now and " + REMINDER_PENDING + " order by remindAt, id",
            Parameters.with("now", now).and("completed", TaskData.COMPLETED))
        .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
        .page(0, max)
        .list();
  }

  /** The distinct remind_at values in (from, to] of reminders still to send. */
  public static List<Instant> upcomingReminders(Instant from, Instant to, int max) {
    return getEntityManager()
        .createQuery(
            "select distinct remindAt from Task where remindAt > :from and remindAt <= :to and "
                + REMINDER_PENDING + " order by remindAt",
            Instant.class)
        .setParameter("from", from)
        .setParameter("to", to)
        .setParameter("completed", TaskData.COMPLETED)
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
