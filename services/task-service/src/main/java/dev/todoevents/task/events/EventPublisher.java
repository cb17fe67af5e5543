package dev.todoevents.task.events;

import dev.todoevents.contracts.TaskEvent;

/** Publishes task events durably: returns only once the broker has the event, else throws. */
public interface EventPublisher {

  /**
   * @throws PublishFailedException when the sidecar or broker did not acknowledge the event
   */
  void publish(TaskEvent event, RequestContext ctx);
}
