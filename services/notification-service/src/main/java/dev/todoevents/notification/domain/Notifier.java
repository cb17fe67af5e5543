package dev.todoevents.notification.domain;

import dev.todoevents.contracts.DaprNames;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.ReminderEvent;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.State;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Delivers a reminder once. The delivery record lives in the Dapr state store under {@code
 * delivery:<event_id>}: a redelivered reminder finds it and notifies nobody again. The output
 * binding writes {@code <event_id>.json}, so even a crash between delivering and recording rewrites
 * the same notification instead of sending a second one. Each user's notifications are indexed in
 * pages by {@link NotificationIndex}.
 */
@ApplicationScoped
public class Notifier {

  private static final Logger LOG = Logger.getLogger(Notifier.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final DaprClient dapr;
  private final NotificationIndex index;

  public Notifier(DaprClient dapr, NotificationIndex index) {
    this.dapr = dapr;
    this.index = index;
  }

  /**
   * @return false when this event_id was delivered before (nothing done)
   */
  public boolean deliver(ReminderEvent reminder) {
    String key = "delivery:" + reminder.eventId();
    if (read(key) != null) {
      LOG.infof("duplicate reminder event_id=%s ignored", reminder.eventId());
      return false;
    }
    Notification n =
        new Notification(
            reminder.eventId(),
            reminder.taskId(),
            reminder.userId(),
            reminder.title(),
            reminder.dueAt(),
            reminder.remindAt(),
            Events.now());
    byte[] json = Events.toJson(n);
    dapr.invokeBinding(
            DaprNames.NOTIFICATION_BINDING,
            "create",
            json,
            Map.of("fileName", reminder.eventId() + ".json"))
        .block(TIMEOUT);
    // Indexed before the delivery record: a crash in between redelivers, finds no record, rewrites
    // the same file and finds the entry already indexed - the notification is never left unlisted.
    index.add(n);
    dapr.saveState(DaprNames.STATESTORE, key, null, json, null).block(TIMEOUT);
    LOG.infof(
        "notified event_id=%s task_id=%s user_id=%s title=%s",
        reminder.eventId(), reminder.taskId(), reminder.userId(), reminder.title());
    return true;
  }

  private byte[] read(String key) {
    State<byte[]> s = dapr.getState(DaprNames.STATESTORE, key, byte[].class).block(TIMEOUT);
    byte[] v = s == null ? null : s.getValue();
    return v == null || v.length == 0 ? null : v;
  }
}
