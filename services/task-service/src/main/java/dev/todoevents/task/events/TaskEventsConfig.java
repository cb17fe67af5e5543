package dev.todoevents.task.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Typed settings for publishing (prefix {@code task.events}). */
@ConfigMapping(prefix = "task.events")
public interface TaskEventsConfig {

  /** CloudEvents source attribute: this app's Dapr app-id. */
  @WithDefault("task-service")
  String source();

  /**
   * How long the outbox relay waits for the sidecar to answer one publish (the sidecar's own
   * timeout and retry, resiliency/resiliency.yaml, fit inside it); a failed publish is tried again
   * in the next relay pass, a second later.
   */
  @WithDefault("5s")
  Duration publishTimeout();
}
