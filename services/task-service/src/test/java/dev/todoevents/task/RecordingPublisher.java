package dev.todoevents.task;

import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.ReminderEvent;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.TaskUpdateEvent;
import dev.todoevents.contracts.Topic;
import dev.todoevents.task.events.EventPublisher;
import dev.todoevents.task.events.PublishFailedException;
import dev.todoevents.task.events.RequestContext;
import io.quarkus.test.Mock;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the Dapr publisher in the REST unit tests only (the e2e tests publish through a
 * real daprd to a real Kafka). Records what would be published; can be told to fail.
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
  private volatile String failingUser;

  @Override
  public void publish(Outgoing out) {
    if (failing || out.partitionKey().equals(failingUser)) {
      throw new PublishFailedException("sidecar unavailable (test)", new RuntimeException("down"));
    }
    CloudEvent envelope = Events.parseEnvelope(out.cloudEvent().getBytes(StandardCharsets.UTF_8));
    RequestContext ctx =
        new RequestContext(envelope.correlationid(), envelope.causationid(), out.traceparent());
    switch (Topic.valueOf(out.topic().toUpperCase().replace('-', '_'))) {
      case TASK_EVENTS ->
          published.add(new Published(Events.read(envelope.data(), TaskEvent.class), ctx));
      case TASK_UPDATES ->
          updates.add(new Update(Events.read(envelope.data(), TaskUpdateEvent.class), ctx));
      case REMINDERS -> reminders.add(Events.read(envelope.data(), ReminderEvent.class));
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
    failingUser = null;
  }

  /** Fail only the events keyed by this user (null: none). */
  public void failingFor(String user) {
    this.failingUser = user;
  }

  public void failing(boolean failing) {
    this.failing = failing;
  }
}
