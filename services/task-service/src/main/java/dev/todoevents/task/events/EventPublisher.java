package dev.todoevents.task.events;

import dev.todoevents.contracts.Event;
import dev.todoevents.contracts.Topic;

/** Publishes events durably: returns only once the broker has the event, else throws. */
public interface EventPublisher {

  /**
   * @throws PublishFailedException when the sidecar or broker did not acknowledge the event
   */
  void publish(Topic topic, Event event, RequestContext ctx);
}
