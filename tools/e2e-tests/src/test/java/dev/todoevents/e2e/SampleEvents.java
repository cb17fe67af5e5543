package dev.todoevents.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.Samples;
import dev.todoevents.contracts.TaskEvent;
import java.util.UUID;

/** Events the tests publish themselves, made from the shared samples as task-service makes them. */
final class SampleEvents {
  private SampleEvents() {}

  /**
   * The task-created sample as a new task of {@code user} (fresh event_id and task_id), in the
   * CloudEvents envelope task-service uses; callers may change the returned tree.
   */
  static ObjectNode taskCreated(String user) {
    return fromSample("task-event.created.json", user);
  }

  /**
   * The task-completed sample, the same way: what makes recurring-task-service create a next task.
   */
  static ObjectNode taskCompleted(String user) {
    return fromSample("task-event.completed.json", user);
  }

  private static ObjectNode fromSample(String sample, String user) {
    ObjectNode data = (ObjectNode) Samples.load(sample);
    data.put("event_id", UUID.randomUUID().toString())
        .put("task_id", UUID.randomUUID().toString())
        .put("user_id", user);
    TaskEvent event = Events.read(data, TaskEvent.class);
    return (ObjectNode)
        Events.MAPPER.valueToTree(Events.envelope(event, "task-service", "e2e-" + user, null));
  }
}
