package dev.todoevents.task;

import dev.todoevents.contracts.TaskEvent;
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

  private final List<Published> published = new CopyOnWriteArrayList<>();
  private volatile boolean failing;

  @Override
  public void publish(TaskEvent event, RequestContext ctx) {
    if (failing) {
      throw new PublishFailedException("sidecar unavailable (test)", new RuntimeException("down"));
    }
    published.add(new Published(event, ctx));
  }

  public List<Published> published() {
    return List.copyOf(published);
  }

  public void reset() {
    published.clear();
    failing = false;
  }

  public void failing(boolean failing) {
    this.failing = failing;
  }
}
