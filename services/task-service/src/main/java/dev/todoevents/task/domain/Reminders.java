package dev.todoevents.task.domain;

import dev.todoevents.contracts.EventSchemas;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.ReminderEvent;
import dev.todoevents.contracts.Topic;
import dev.todoevents.task.events.Outbox;
import dev.todoevents.task.events.RequestContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Sends due reminders, when {@link ReminderClock} says (each second, and at each remind_at): each
 * open task whose remind_at has come and whose reminder for that remind_at was not sent yet gets
 * one ReminderEvent on `reminders`. The sent remind_at is stored with the task in the same
 * transaction as the event's outbox entry, so a restart neither loses nor repeats a reminder; a
 * completed or deleted task is not reminded, a rescheduled one is reminded at its new time. The
 * event_id is derived from (task, remind_at): should the relay send one twice, consumers see the
 * same event_id and dedupe it.
 *
 * <p>One task at a time, each in its own transaction: a task whose reminder cannot be built (its
 * event breaks the contract, or anything throws) is logged, counted ({@code todo.reminders.failed})
 * and marked as given up for that remind_at, and the others go on. A new remind_at on that task is
 * tried again.
 */
@ApplicationScoped
public class Reminders {

  private static final Logger LOG = Logger.getLogger(Reminders.class);
  static final int BATCH = 200;

  private final Outbox outbox;
  private final MeterRegistry metrics;

  public Reminders(Outbox outbox, MeterRegistry metrics) {
    this.outbox = outbox;
    this.metrics = metrics;
  }

  /**
   * @return how many reminders were sent
   */
  public int sendDue(Instant now) {
    List<UUID> due = QuarkusTransaction.requiringNew().call(() -> Task.dueReminders(now, BATCH));
    int sent = 0;
    for (UUID id : due) {
      try {
        if (QuarkusTransaction.requiringNew().call(() -> sendOne(id, now))) {
          sent++;
        }
      } catch (RuntimeException e) {
        Unpublishable u = unpublishable(e);
        giveUp(id, u != null ? "schema" : "error", u != null ? u.getMessage() : e.toString());
      }
    }
    return sent;
  }

  /**
   * @return false when the task is no longer due (another run sent it, or it changed)
   */
  private boolean sendOne(UUID id, Instant now) {
    Task t = Task.dueReminder(id, now).orElse(null);
    if (t == null) {
      return false;
    }
    ReminderEvent event =
        new ReminderEvent(
            eventId(t.id, t.remindAt),
            ReminderEvent.SCHEMA_VERSION,
            Events.now(),
            t.id,
            t.userId,
            t.title,
            t.dueAt,
            t.remindAt);
    List<String> problems =
        EventSchemas.validate(ReminderEvent.class, Events.MAPPER.valueToTree(event));
    if (!problems.isEmpty()) {
      // Stored before the API checked what it checks now: no consumer would take it.
      throw new Unpublishable("schema violation: " + String.join("; ", problems));
    }
    outbox.add(Topic.REMINDERS, event, new RequestContext(t.id.toString(), "reminder-tick"));
    t.remindedFor = t.remindAt;
    LOG.infof(
        "reminder event_id=%s task_id=%s user_id=%s remind_at=%s late_ms=%d",
        event.eventId(), t.id, t.userId, t.remindAt, Duration.between(t.remindAt, now).toMillis());
    return true;
  }

  private void giveUp(UUID id, String reason, String error) {
    metrics.counter("todo.reminders.failed", "reason", reason).increment();
    String stored = error.length() <= 1000 ? error : error.substring(0, 1000);
    try {
      QuarkusTransaction.requiringNew().run(() -> Task.reminderFailed(id, stored));
      LOG.errorf(
          "reminder for task_id=%s given up (%s), the other reminders go on: %s",
          id, reason, error);
    } catch (RuntimeException e) {
      LOG.errorf(
          "reminder for task_id=%s failed (%s: %s) and could not be marked, the next tick tries again: %s",
          id, reason, error, e);
    }
  }

  /** The distinct remind_at values of reminders that will be due in (from, to]. */
  @Transactional
  public List<Instant> upcoming(Instant from, Instant to) {
    return Task.upcomingReminders(from, to, BATCH);
  }

  static UUID eventId(UUID taskId, Instant remindAt) {
    return UUID.nameUUIDFromBytes(
        ("todo-events/reminder/" + taskId + "/" + remindAt).getBytes(StandardCharsets.UTF_8));
  }

  /** The transaction may wrap what the work threw. */
  private static Unpublishable unpublishable(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof Unpublishable u) {
        return u;
      }
    }
    return null;
  }

  /** A reminder no consumer would take. */
  private static final class Unpublishable extends RuntimeException {
    Unpublishable(String message) {
      super(message);
    }
  }
}
