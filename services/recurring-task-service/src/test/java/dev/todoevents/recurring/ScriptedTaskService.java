package dev.todoevents.recurring;

import dev.todoevents.recurring.domain.NextOccurrence;
import dev.todoevents.recurring.domain.TaskServiceClient;
import io.quarkus.test.Mock;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Unit tests only: stands in for task-service behind the sidecar, answering what it is told. */
@Mock
@ApplicationScoped
public class ScriptedTaskService extends TaskServiceClient {

  private final List<NextOccurrence> calls = new CopyOnWriteArrayList<>();
  private volatile Reply answer = new Reply(201, "{}");

  public ScriptedTaskService() {
    super(null);
  }

  @Override
  public Reply create(
      NextOccurrence next, String correlationId, String causationId, String traceparent) {
    calls.add(next);
    return answer;
  }

  public void answer(int status, String body) {
    answer = new Reply(status, body);
  }

  public List<NextOccurrence> calls() {
    return List.copyOf(calls);
  }

  public void reset() {
    calls.clear();
    answer = new Reply(201, "{}");
  }
}
