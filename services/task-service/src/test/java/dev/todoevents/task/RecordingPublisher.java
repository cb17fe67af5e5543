package dev.todoevents.task;

import dev.todoevents.contracts.Event;
import dev.todoevents.contracts.ReminderEvent;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.TaskUpdateEvent;
import dev.todoevents.contracts.Topic;
import dev.todoevents.task.events.EventPublisher;
import dev.todoevents.task.events.PublishFailedException;
import dev.todoevents.task.events.RequestContext;
import io.quarkus.test.Mock;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the Dapr publisher in the REST unit tests only (the e2e tests publish through
 * a real daprd to a real Kafka). Records what would be published; can be told to fail.
 */
@Mock
@ApplicationScoped
public class RecordingPublisher implements EventPublisher {

  public record Published(TaskEvent event, RequestContext ctx) {}

  public record Update(TaskUpdateEvent event, RequestContext ctx) {}

  private final List<Published> published = new CopyOnWriteArrayList<>();
  private final List<Update> updates = new CopyOnWriteArrayList<>();
  private final List<ReminderEvent> reminders = new CopyOnWriteArrayList<>();
  private volatile boolean failing;

  @Override
  public void publish(Topic topic, Event event, RequestContext ctx) {
    if (failing) {
      throw new PublishFailedException("sidecar unavailable (test)", new RuntimeException("down"));
    }
    switch (topic) {
      case TASK_EVENTS -> published.add(new Published((TaskEvent) event, ctx));
      case TASK_UPDATES -> updates.add(new Update((TaskUpdateEvent) event, ctx));
      case REMINDERS -> reminders.add((ReminderEvent) event);
    }
  }

  /** TaskEvents sent to task-events, in order. */
  public List<Published> published() {
    return List.copyOf(published);
  }

  /** TaskUpdateEvents sent to task-updates, in order. */
  public List<Update> updates() {
    return List.copyOf(updates);
  }

  /** ReminderEvents sent to reminders, in order. */
  public List<ReminderEvent> reminders() {
    return List.copyOf(reminders);
  }

  public void reset() {
    reminders.clear();
    published.clear();
    updates.clear();
    failing = false;
  }

  public void failing(boolean failing) {
    this.failing = failing;
  }
}
