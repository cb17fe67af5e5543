package dev.todoevents.notification.domain;

import com.fasterxml.jackson.databind.JavaType;
import dev.todoevents.contracts.DaprNames;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.ReminderEvent;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.State;
import io.dapr.client.domain.StateOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Delivers a reminder once. The delivery record lives in the Dapr state store under
 * {@code delivery:<event_id>}: a redelivered reminder finds it and notifies nobody again. The
 * output binding writes {@code <event_id>.json}, so even a crash between delivering and recording
 * rewrites the same notification instead of sending a second one. Each user's notifications are
 * indexed under {@code user:<user_id>} (updated with ETags, retried on a concurrent change).
 */
@ApplicationScoped
public class Notifier {

  private static final Logger LOG = Logger.getLogger(Notifier.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final StateOptions FIRST_WRITE =
      new StateOptions(StateOptions.Consistency.STRONG, StateOptions.Concurrency.FIRST_WRITE);
  private static final JavaType LIST = Events.MAPPER.getTypeFactory().constructCollectionType(List.class, Notification.class);

  private final DaprClient dapr;

  public Notifier(DaprClient dapr) {
    this.dapr = dapr;
  }

  /** @return false when this event_id was delivered before (nothing done) */
  public boolean deliver(ReminderEvent reminder) {
    String key = "delivery:" + reminder.eventId();
    if (read(key) != null) {
      LOG.infof("duplicate reminder event_id=%s ignored", reminder.eventId());
      return false;
    }
    Notification n =
        new Notification(reminder.eventId(), reminder.taskId(), reminder.userId(), reminder.title(),
            reminder.dueAt(), reminder.remindAt(), Events.now());
    byte[] json = Events.toJson(n);
    dapr.invokeBinding(DaprNames.NOTIFICATION_BINDING, "create", json, Map.of("fileName", reminder.eventId() + ".json"))
        .block(TIMEOUT);
    dapr.saveState(DaprNames.STATESTORE, key, null, json, null).block(TIMEOUT);
    index(n);
    LOG.infof("notified event_id=%s task_id=%s user_id=%s title=%s", reminder.eventId(), reminder.taskId(),
        reminder.userId(), reminder.title());
    return true;
  }

  public List<Notification> forUser(String userId) {
    byte[] raw = read("user:" + userId);
    return raw == null ? List.of() : parse(raw);
  }

  private void index(Notification n) {
    String key = "user:" + n.userId();
    for (int attempt = 1; ; attempt++) {
      State<byte[]> current = dapr.getState(DaprNames.STATESTORE, key, byte[].class).block(TIMEOUT);
      byte[] raw = current == null ? null : current.getValue();
      List<Notification> list = new ArrayList<>(raw == null || raw.length == 0 ? List.of() : parse(raw));
      if (list.stream().anyMatch(x -> x.eventId().equals(n.eventId()))) {
        return;
      }
      list.add(n);
      String etag = current == null ? null : current.getEtag();
      try {
        dapr.saveState(DaprNames.STATESTORE, key, etag == null || etag.isEmpty() ? null : etag, Events.toJson(list), FIRST_WRITE)
            .block(TIMEOUT);
        return;
      } catch (RuntimeException e) {
        if (attempt >= 5) {
          throw e;
        }
        LOG.debugf("index of %s changed concurrently, retrying: %s", n.userId(), e.getMessage());
      }
    }
  }

  private byte[] read(String key) {
    State<byte[]> s = dapr.getState(DaprNames.STATESTORE, key, byte[].class).block(TIMEOUT);
    byte[] v = s == null ? null : s.getValue();
    return v == null || v.length == 0 ? null : v;
  }

  private static List<Notification> parse(byte[] raw) {
    try {
      return Events.MAPPER.readValue(raw, LIST);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
