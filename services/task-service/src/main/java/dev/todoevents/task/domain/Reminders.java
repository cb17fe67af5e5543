package dev.todoevents.task.domain;

import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.ReminderEvent;
import dev.todoevents.contracts.Topic;
import dev.todoevents.task.events.Outbox;
import dev.todoevents.task.events.RequestContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Sends due reminders, when {@link ReminderClock} says (each second, and at each remind_at):
 * each open task whose remind_at has come and whose reminder for that remind_at was not sent
 * yet gets one ReminderEvent on `reminders`. The sent remind_at is stored with the task in the
 * same transaction as the event's outbox entry, so a restart neither loses nor repeats a
 * reminder; a completed or deleted task is not reminded, a rescheduled one is reminded at its
 * new time. The event_id is derived from (task, remind_at): should the relay send one twice,
 * consumers see the same event_id and dedupe it.
 */
@ApplicationScoped
public class Reminders {

  private static final Logger LOG = Logger.getLogger(Reminders.class);
  static final int BATCH = 200;

  private final Outbox outbox;

  public Reminders(Outbox outbox) {
    this.outbox = outbox;
  }

  /** @return how many reminders were sent */
  @Transactional
  public int sendDue(Instant now) {
    List<Task> due = Task.dueReminders(now, BATCH);
    for (Task t : due) {
      ReminderEvent event =
          new ReminderEvent(
              eventId(t.id, t.remindAt), ReminderEvent.SCHEMA_VERSION, Events.now(), t.id, t.userId,
              t.title, t.dueAt, t.remindAt);
      outbox.add(Topic.REMINDERS, event, new RequestContext(t.id.toString(), "reminder-tick"));
      t.remindedFor = t.remindAt;
      LOG.infof("reminder event_id=%s task_id=%s user_id=%s remind_at=%s late_ms=%d",
          event.eventId(), t.id, t.userId, t.remindAt, now.toEpochMilli() - t.remindAt.toEpochMilli());
    }
    return due.size();
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
}
