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
import java.util.Optional;
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

  /** The remind_at value whose reminder could not be built (null: none failed); see Reminders. */
  @Column(name = "reminder_failed_for")
  public Instant reminderFailedFor;

  @Column(name = "reminder_error", length = 1000)
  public String reminderError;

  @Column(name = "series_id")
  public UUID seriesId;

  @Column(name = "occurrence")
  public Integer occurrence;

  @Version
  @Column(name = "version", nullable = false)
  public long version;

  /**
   * An open task whose reminder for its current remind_at has been neither sent nor given up on (a
   * new remind_at is tried again).
   */
  private static final String REMINDER_PENDING =
      "status <> :completed and (remindedFor is null or remindedFor <> remindAt)"
          + " and (reminderFailedFor is null or reminderFailedFor <> remindAt)";

  /** Ids of open tasks whose reminder time has come and whose reminder for that time is pending. */
  public static List<UUID> dueReminders(Instant now, int max) {
    return getEntityManager()
        .createQuery(
            "select id from Task where remindAt <= :now and "
                + REMINDER_PENDING
                + " order by remindAt, id",
            UUID.class)
        .setParameter("now", now)
        .setParameter("completed", TaskData.COMPLETED)
        .setMaxResults(max)
        .getResultList();
  }

  /**
   * The task if its reminder is still due, locked for update: a second instance's tick waits for
   * this transaction and then no longer finds it due.
   */
  public static Optional<Task> dueReminder(UUID id, Instant now) {
    return find(
            "id = :id and remindAt <= :now and " + REMINDER_PENDING,
            Parameters.with("id", id).and("now", now).and("completed", TaskData.COMPLETED))
        .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
        .firstResultOptional();
  }

  /**
   * Gives up on the reminder for the task's current remind_at, without loading the row (loading it
   * may be what fails).
   *
   * @return whether the task was found
   */
  public static boolean reminderFailed(UUID id, String error) {
    return update("reminderFailedFor = remindAt, reminderError = ?1 where id = ?2", error, id) > 0;
  }

  /** The distinct remind_at values in (from, to] of reminders still to send. */
  public static List<Instant> upcomingReminders(Instant from, Instant to, int max) {
    return getEntityManager()
        .createQuery(
            "select distinct remindAt from Task where remindAt > :from and remindAt <= :to and "
                + REMINDER_PENDING
                + " order by remindAt",
            Instant.class)
        .setParameter("from", from)
        .setParameter("to", to)
        .setParameter("completed", TaskData.COMPLETED)
        .setMaxResults(max)
        .getResultList();
  }

  /**
   * At most {@code limit} of the user's tasks after {@code after} (null: from the first), in
   * (created_at, id) order.
   */
  public static List<Task> byUser(String userId, PageCursor after, int limit) {
    String order = " order by createdAt, id";
    var query =
        after == null
            ? find("userId = :user" + order, Parameters.with("user", userId))
            : find(
                "userId = :user and (createdAt > :createdAt or (createdAt = :createdAt and id > :id))"
                    + order,
                Parameters.with("user", userId)
                    .and("createdAt", after.createdAt())
                    .and("id", after.id()));
    return query.page(0, limit).list();
  }

  /** The state carried in TaskEvent.task_data. */
  public TaskData snapshot() {
    return new TaskData(
        title,
        description,
        status,
        priority,
        dueAt,
        remindAt,
        recurrence,
        createdAt,
        updatedAt,
        completedAt,
        seriesId,
        occurrence);
  }
}
